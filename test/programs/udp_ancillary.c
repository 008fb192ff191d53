/* Ancillary data of received UDP datagrams (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS; RFC 3542's
 * IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS): the interface (lo), the address the
 * datagram was sent to, its TTL / hop limit and TOS / traffic class as the sender set them by
 * option or by a control message of its own; a control buffer too small for them is filled as
 * far as it goes and MSG_CTRUNC set; sendmsg's IP_PKTINFO picks the source address. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show_cmsgs(const char *what, struct msghdr *m, ssize_t n) {
  printf("%s: %zd bytes, flags%s, controllen %zu\n", what, n, m->msg_flags & MSG_CTRUNC ? " CTRUNC" : "", (size_t)m->msg_controllen);
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    size_t data = c->cmsg_len - CMSG_LEN(0);
    printf("  level %d type %d len %zu:", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len);
    unsigned char *d = CMSG_DATA(c);
    char text[INET6_ADDRSTRLEN];
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && data >= sizeof(struct in_pktinfo)) {
      struct in_pktinfo p;
      memcpy(&p, d, sizeof p);
      printf(" ifindex %d", p.ipi_ifindex);
      printf(" spec_dst %s", inet_ntop(AF_INET, &p.ipi_spec_dst, text, sizeof text));
      printf(" addr %s", inet_ntop(AF_INET, &p.ipi_addr, text, sizeof text));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO && data >= sizeof(struct in6_pktinfo)) {
      struct in6_pktinfo p;
      memcpy(&p, d, sizeof p);
      printf(" ifindex %d addr %s", p.ipi6_ifindex, inet_ntop(AF_INET6, &p.ipi6_addr, text, sizeof text));
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS && data >= 1) {
      printf(" %#x", d[0]);
    } else if (data >= sizeof(int)) {
      int v;
      memcpy(&v, d, sizeof v);
      printf(" %d", v);
    } else {
      printf(" (%zu bytes)", data);
    }
    printf("\n");
  }
}

static int on = 1;

static ssize_t receive(int fd, const char *what, size_t room) {
  char buf[64], control[512];
  struct iovec iov = {buf, sizeof buf};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = room};
  memset(control, 0, sizeof control);
  ssize_t n = recvmsg(fd, &m, 0);
  if (n < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else show_cmsgs(what, &m, n);
  return n;
}

static void send_with(int fd, const struct sockaddr *to, socklen_t tolen, int level, int type, const void *data, size_t len, const char *what) {
  char control[CMSG_SPACE(sizeof(struct in6_pktinfo))];
  struct iovec iov = {"hi", 2};
  struct msghdr m = {.msg_name = (void *)to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = CMSG_SPACE(len)};
  memset(control, 0, sizeof control);
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = level;
  c->cmsg_type = type;
  c->cmsg_len = CMSG_LEN(len);
  memcpy(CMSG_DATA(c), data, len);
  if (sendmsg(fd, &m, 0) < 0) printf("%s: sendmsg %s\n", what, strerrorname_np(errno));
}

static void ipv4(void) {
  int r = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t len = sizeof a;
  bind(r, (struct sockaddr *)&a, sizeof a);
  getsockname(r, (struct sockaddr *)&a, &len);
  int v = -1;
  len = sizeof v;
  getsockopt(r, IPPROTO_IP, IP_PKTINFO, &v, &len);
  printf("IP_PKTINFO before: %d\n", v);
  setsockopt(r, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  setsockopt(r, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
  setsockopt(r, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
  len = sizeof v;
  getsockopt(r, IPPROTO_IP, IP_PKTINFO, &v, &len);
  printf("IP_PKTINFO after: %d\n", v);

  int s = socket(AF_INET, SOCK_DGRAM, 0);
  int tos = 0x10;
  setsockopt(s, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  a.sin_addr.s_addr = htonl(0x7f000002); /* 127.0.0.2 */
  sendto(s, "hi", 2, 0, (struct sockaddr *)&a, sizeof a);
  receive(r, "ipv4 to 127.0.0.2, IP_TOS 0x10", 512);

  int ttl = 7;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  send_with(s, (struct sockaddr *)&a, sizeof a, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl, "IP_TTL 7");
  receive(r, "ipv4, IP_TTL 7 by cmsg", 512);

  struct in_pktinfo p = {.ipi_spec_dst.s_addr = htonl(0x7f000003)};
  send_with(s, (struct sockaddr *)&a, sizeof a, IPPROTO_IP, IP_PKTINFO, &p, sizeof p, "IP_PKTINFO source");
  struct sockaddr_in from;
  len = sizeof from;
  char buf[16];
  recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  char text[INET_ADDRSTRLEN];
  printf("ipv4, source chosen by IP_PKTINFO: %s\n", inet_ntop(AF_INET, &from.sin_addr, text, sizeof text));

  sendto(s, "hi", 2, 0, (struct sockaddr *)&a, sizeof a);
  receive(r, "ipv4, room for one cmsg and a half", CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_LEN(2));
  sendto(s, "hi", 2, 0, (struct sockaddr *)&a, sizeof a);
  receive(r, "ipv4, room for less than a header", 8);
  close(r);
  close(s);
}

static void ipv6(void) {
  int r = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  socklen_t len = sizeof a;
  bind(r, (struct sockaddr *)&a, sizeof a);
  getsockname(r, (struct sockaddr *)&a, &len);
  setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
  setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  setsockopt(r, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof on);

  int s = socket(AF_INET6, SOCK_DGRAM, 0);
  int v = -2;
  len = sizeof v;
  getsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, &len);
  printf("IPV6_UNICAST_HOPS default: %d\n", v);
  len = sizeof v;
  getsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, &len);
  printf("IPV6_TCLASS default: %d\n", v);
  sendto(s, "hi", 2, 0, (struct sockaddr *)&a, sizeof a);
  receive(r, "ipv6, defaults", 512);

  int tclass = 0x20, hops = 5;
  setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof tclass);
  setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
  sendto(s, "hi", 2, 0, (struct sockaddr *)&a, sizeof a);
  receive(r, "ipv6, IPV6_TCLASS 0x20 and IPV6_UNICAST_HOPS 5 by option", 512);

  int hoplimit = 9;
  send_with(s, (struct sockaddr *)&a, sizeof a, IPPROTO_IPV6, IPV6_HOPLIMIT, &hoplimit, sizeof hoplimit, "IPV6_HOPLIMIT 9");
  receive(r, "ipv6, IPV6_HOPLIMIT 9 by cmsg", 512);
  tclass = 0x40;
  send_with(s, (struct sockaddr *)&a, sizeof a, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof tclass, "IPV6_TCLASS 0x40");
  receive(r, "ipv6, IPV6_TCLASS 0x40 by cmsg", 512);

  hoplimit = 256;
  send_with(s, (struct sockaddr *)&a, sizeof a, IPPROTO_IPV6, IPV6_HOPLIMIT, &hoplimit, sizeof hoplimit, "IPV6_HOPLIMIT 256");
  tclass = -2;
  send_with(s, (struct sockaddr *)&a, sizeof a, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof tclass, "IPV6_TCLASS -2");

  sendto(s, "hi", 2, 0, (struct sockaddr *)&a, sizeof a);
  receive(r, "ipv6, room for the first cmsg's header and 1 byte", CMSG_LEN(1));
}

int main(void) {
  ipv4();
  ipv6();
  return 0;
}
