/* Raw ICMP sockets on the loopback (ping as root): socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)
 * needs CAP_NET_RAW (EPERM without); a ping socket (SOCK_DGRAM, IPPROTO_ICMP) is EACCES while
 * net.ipv4.ping_group_range is Linux's default "1 0". Every raw ICMP socket, the sender too,
 * receives each ICMP packet the loopback carries, with its IPv4 header: the echo request it
 * sent, then the kernel's echo reply (type 0, source and destination swapped, checksum
 * recomputed); ICMP_FILTER drops the types it names; a socket bound to another address or
 * connected to another peer gets nothing. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned short csum(const void *data, int len) {
  const unsigned char *p = data;
  unsigned long sum = 0;
  for (int i = 0; i + 1 < len; i += 2) sum += (p[i] << 8) | p[i + 1];
  if (len & 1) sum += p[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons((unsigned short)~sum);
}

static void show(const char *who, int fd) {
  unsigned char buf[256];
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  struct pollfd p = {fd, POLLIN, 0};
  int ready = poll(&p, 1, 300);
  if (ready <= 0) {
    printf("%s: nothing (poll %d, revents %#x)\n", who, ready, p.revents);
    return;
  }
  ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
  if (n < 0) {
    printf("%s: recvfrom -1 %s\n", who, strerror(errno));
    return;
  }
  struct iphdr *ip = (struct iphdr *)buf;
  struct icmphdr *ic = (struct icmphdr *)(buf + ip->ihl * 4);
  char src[32], dst[32], frm[32];
  inet_ntop(AF_INET, &ip->saddr, src, sizeof src);
  inet_ntop(AF_INET, &ip->daddr, dst, sizeof dst);
  inet_ntop(AF_INET, &from.sin_addr, frm, sizeof frm);
  int icmp_len = (int)n - ip->ihl * 4;
  printf("%s: %zd bytes from %s port %d: ip v%d ihl %d tot_len %d ttl %d proto %d %s -> %s, ip csum %s; icmp type %d code %d id %d seq %d csum %s, data \"%.*s\"\n",
         who, n, frm, ntohs(from.sin_port), ip->version, ip->ihl, ntohs(ip->tot_len), ip->ttl, ip->protocol, src, dst,
         csum(ip, ip->ihl * 4) == 0 ? "ok" : "bad", ic->type, ic->code, ntohs(ic->un.echo.id), ntohs(ic->un.echo.sequence),
         csum(ic, icmp_len) == 0 ? "ok" : "bad", icmp_len - 8, (char *)(ic + 1));
}

static int send_echo(int fd, const char *to, int id, int seq, const char *data, int good) {
  unsigned char pkt[64];
  struct icmphdr *ic = (struct icmphdr *)pkt;
  memset(pkt, 0, sizeof pkt);
  ic->type = ICMP_ECHO;
  ic->un.echo.id = htons(id);
  ic->un.echo.sequence = htons(seq);
  int len = 8 + (int)strlen(data);
  memcpy(pkt + 8, data, strlen(data));
  ic->checksum = csum(pkt, len);
  if (!good) ic->checksum ^= 0x1234;
  if (!to) return (int)send(fd, pkt, len, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  inet_pton(AF_INET, to, &a.sin_addr);
  return (int)sendto(fd, pkt, len, 0, (struct sockaddr *)&a, sizeof a);
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  int ping = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
  printf("ping socket: %s\n", ping < 0 ? strerror(errno) : "ok");
  printf("raw, protocol 0: %s\n", socket(AF_INET, SOCK_RAW, 0) < 0 ? strerror(errno) : "ok");
  int a = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  int b = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  int filtered = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  int elsewhere = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  int peer = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (a < 0 || b < 0 || filtered < 0 || elsewhere < 0 || peer < 0) {
    printf("raw socket: %s\n", strerror(errno));
    return 1;
  }
  int type = -1, proto = -1;
  socklen_t l = sizeof type;
  getsockopt(a, SOL_SOCKET, SO_TYPE, &type, &l);
  l = sizeof proto;
  getsockopt(a, SOL_SOCKET, SO_PROTOCOL, &proto, &l);
  printf("SO_TYPE %d SO_PROTOCOL %d\n", type, proto);
  struct icmp_filter f = {.data = 1u << ICMP_ECHO};
  printf("ICMP_FILTER set: %d\n", setsockopt(filtered, SOL_RAW, ICMP_FILTER, &f, sizeof f));
  struct icmp_filter g = {0};
  l = sizeof g;
  printf("ICMP_FILTER get: %d\n", getsockopt(filtered, SOL_RAW, ICMP_FILTER, &g, &l));
  struct sockaddr_in e = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.2", &e.sin_addr);
  printf("bind 127.0.0.2: %d\n", bind(elsewhere, (struct sockaddr *)&e, sizeof e));
  printf("connect 127.0.0.3: %d\n", connect(peer, (struct sockaddr *)&(struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000003)}, sizeof(struct sockaddr_in)));
  struct sockaddr_in name;
  socklen_t nl = sizeof name;
  getsockname(elsewhere, (struct sockaddr *)&name, &nl);
  printf("getsockname: port %d\n", ntohs(name.sin_port));

  printf("sendto 127.0.0.1: %d\n", send_echo(a, "127.0.0.1", 0x1234, 1, "hello", 1));
  show("a, 1st", a);
  show("a, 2nd", a);
  show("a, 3rd", a);
  show("b, 1st", b);
  show("b, 2nd", b);
  show("filtered", filtered);
  show("filtered again", filtered);
  show("bound elsewhere", elsewhere);
  show("connected elsewhere", peer);

  printf("sendto 127.0.0.3 (bad checksum): %d\n", send_echo(b, "127.0.0.3", 7, 2, "bad", 0));
  show("peer, 1st", peer);
  show("peer, 2nd", peer);
  show("a", a);
  show("a again", a);
  ssize_t r = send(a, "12345678", 8, 0);
  printf("send unconnected: %zd %s\n", r, r < 0 ? strerror(errno) : "");
  r = send_echo(peer, 0, 99, 3, "conn", 1);
  printf("send connected: %zd\n", r);
  show("a, the connected one's", a);
  show("a, its reply", a);
  show("connected elsewhere, the reply from its peer", peer);
  show("connected elsewhere, then", peer);

  pid_t child = fork();
  if (child == 0) {
    setresuid(65534, 65534, 65534);
    int r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    printf("as 65534: %s\n", r < 0 ? strerror(errno) : "ok");
    _exit(0);
  }
  waitpid(child, 0, 0);
  return 0;
}
