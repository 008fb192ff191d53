// The network a sandbox sees through netlink and interface ioctls: socket(AF_NETLINK) with its
// errors, the port id bind gives (the pid, then another), dumps of links, addresses and routes
// (each message's sequence number and port id), a non-dump RTM_GETLINK with its ack and an
// unknown index's ENODEV, a truncated request ignored, answers dropped when nobody reads them
// (ENOBUFS), getifaddrs, if_nametoindex and SIOCGIF*.
// Natively the program first moves into a new network namespace and brings its loopback device
// up, so both runs describe the same network: a fresh namespace's lo (in the sandbox, unshare
// fails with EPERM and the sandbox's own network is that already).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void result(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

/** Native runs: a network namespace of their own with lo up (the sandbox refuses unshare). */
static void fresh_network(void) {
  if (unshare(CLONE_NEWNET) != 0) return;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq r;
  memset(&r, 0, sizeof r);
  strcpy(r.ifr_name, "lo");
  ioctl(s, SIOCGIFFLAGS, &r);
  r.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &r) != 0) perror("SIOCSIFFLAGS");
  close(s);
}

static unsigned seq = 100;

static int request(int fd, int type, int flags, const void *body, size_t len) {
  char buf[256];
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  memset(buf, 0, sizeof buf);
  h->nlmsg_len = NLMSG_LENGTH(len);
  h->nlmsg_type = type;
  h->nlmsg_flags = NLM_F_REQUEST | flags;
  h->nlmsg_seq = ++seq;
  memcpy(NLMSG_DATA(h), body, len);
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  return sendto(fd, buf, h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
}

static void show_link(struct nlmsghdr *h) {
  struct ifinfomsg *i = NLMSG_DATA(h);
  printf("  link index=%d type=%u flags=%#x", i->ifi_index, i->ifi_type, i->ifi_flags);
  int len = IFLA_PAYLOAD(h);
  for (struct rtattr *a = IFLA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == IFLA_IFNAME) printf(" name=%s", (char *)RTA_DATA(a));
    if (a->rta_type == IFLA_MTU) printf(" mtu=%u", *(unsigned *)RTA_DATA(a));
    if (a->rta_type == IFLA_TXQLEN) printf(" txqlen=%u", *(unsigned *)RTA_DATA(a));
    if (a->rta_type == IFLA_QDISC) printf(" qdisc=%s", (char *)RTA_DATA(a));
    if (a->rta_type == IFLA_ADDRESS) printf(" address-bytes=%zu", RTA_PAYLOAD(a));
  }
  printf("\n");
}

static void show_address(struct nlmsghdr *h) {
  struct ifaddrmsg *m = NLMSG_DATA(h);
  char text[64] = "";
  printf("  address family=%u prefix=%u flags=%#x scope=%u index=%u", m->ifa_family, m->ifa_prefixlen, m->ifa_flags, m->ifa_scope, m->ifa_index);
  int len = IFA_PAYLOAD(h);
  for (struct rtattr *a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == IFA_ADDRESS) printf(" address=%s", inet_ntop(m->ifa_family, RTA_DATA(a), text, sizeof text));
    if (a->rta_type == IFA_LABEL) printf(" label=%s", (char *)RTA_DATA(a));
  }
  printf("\n");
}

static void show_route(struct nlmsghdr *h) {
  struct rtmsg *r = NLMSG_DATA(h);
  char text[64] = "";
  printf("  route family=%u dst_len=%u table=%u protocol=%u scope=%u type=%u", r->rtm_family, r->rtm_dst_len, r->rtm_table, r->rtm_protocol, r->rtm_scope, r->rtm_type);
  int len = RTM_PAYLOAD(h);
  for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == RTA_DST) printf(" dst=%s", inet_ntop(r->rtm_family, RTA_DATA(a), text, sizeof text));
    if (a->rta_type == RTA_OIF) printf(" oif=%d", *(int *)RTA_DATA(a));
  }
  printf("\n");
}

/** Reads answers until NLMSG_DONE, an error or an ack, checking each message's seq and port id. */
static void answers(int fd, unsigned port) {
  for (;;) {
    char buf[16384];
    struct sockaddr_nl from;
    socklen_t fromlen = sizeof from;
    int n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0) {
      result("recvfrom", n);
      return;
    }
    if (from.nl_family != AF_NETLINK || from.nl_pid != 0 || fromlen != sizeof from) printf("  unexpected sender\n");
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != seq || h->nlmsg_pid != port) printf("  seq %u pid %u: not the request's\n", h->nlmsg_seq, h->nlmsg_pid);
      if (h->nlmsg_type == NLMSG_DONE) {
        printf("  done\n");
        return;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        printf("  error %d (%s), echoed type %u, message length %u\n", e->error, e->error ? strerror(-e->error) : "ack", e->msg.nlmsg_type, h->nlmsg_len);
        return;
      }
      if (h->nlmsg_type == RTM_NEWLINK) show_link(h);
      else if (h->nlmsg_type == RTM_NEWADDR) show_address(h);
      else if (h->nlmsg_type == RTM_NEWROUTE) show_route(h);
      else printf("  message type %u\n", h->nlmsg_type);
      if (!(h->nlmsg_flags & NLM_F_MULTI)) printf("  (single)\n");
    }
  }
}

static void netlink(void) {
  result("socket(AF_NETLINK, SOCK_STREAM)", socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE));
  result("socket(AF_NETLINK, SOCK_RAW, 99)", socket(AF_NETLINK, SOCK_RAW, 99));
  int pair[2];
  result("socketpair(AF_NETLINK)", socketpair(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, pair));
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct sockaddr_nl a;
  socklen_t alen = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &alen);
  printf("unbound: family=%u pid=%u len=%u\n", a.nl_family, a.nl_pid, alen);
  struct sockaddr_nl any = {.nl_family = AF_NETLINK};
  result("bind port 0", bind(fd, (struct sockaddr *)&any, sizeof any));
  alen = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &alen);
  unsigned port = a.nl_pid;
  printf("bound: port is the pid: %s\n", port == (unsigned)getpid() ? "yes" : "no");
  result("bind port 0 again", bind(fd, (struct sockaddr *)&any, sizeof any));
  result("bind a short address", bind(fd, (struct sockaddr *)&any, 4));
  int other = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
  struct sockaddr_nl taken = {.nl_family = AF_NETLINK, .nl_pid = port};
  result("bind another to the same port", bind(other, (struct sockaddr *)&taken, sizeof taken));
  result("bind another to port 0", bind(other, (struct sockaddr *)&any, sizeof any));
  alen = sizeof a;
  getsockname(other, (struct sockaddr *)&a, &alen);
  printf("other port: is the pid: %s, is zero: %s\n", a.nl_pid == (unsigned)getpid() ? "yes" : "no", a.nl_pid == 0 ? "yes" : "no");
  close(other);
  result("listen", listen(fd, 1));
  int type = 0;
  socklen_t tlen = sizeof type;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen);
  printf("SO_TYPE %d\n", type);

  struct ifinfomsg link = {.ifi_family = AF_UNSPEC};
  printf("RTM_GETLINK dump:\n");
  result("  send", request(fd, RTM_GETLINK, NLM_F_DUMP, &link, sizeof link));
  answers(fd, port);
  struct ifaddrmsg addr = {.ifa_family = AF_UNSPEC};
  printf("RTM_GETADDR dump:\n");
  request(fd, RTM_GETADDR, NLM_F_DUMP, &addr, sizeof addr);
  answers(fd, port);
  addr.ifa_family = AF_INET6;
  printf("RTM_GETADDR dump, AF_INET6:\n");
  request(fd, RTM_GETADDR, NLM_F_DUMP, &addr, sizeof addr);
  answers(fd, port);
  struct rtmsg route = {.rtm_family = AF_INET};
  printf("RTM_GETROUTE dump, AF_INET:\n");
  request(fd, RTM_GETROUTE, NLM_F_DUMP, &route, sizeof route);
  answers(fd, port);
  link.ifi_index = 1;
  printf("RTM_GETLINK index 1, with an ack:\n");
  request(fd, RTM_GETLINK, NLM_F_ACK, &link, sizeof link);
  answers(fd, port);
  link.ifi_index = 42;
  printf("RTM_GETLINK index 42:\n");
  request(fd, RTM_GETLINK, 0, &link, sizeof link);
  answers(fd, port);

  // Requests whose answers are never read: the socket's receive buffer fills, and then?
  int sent = 0, refused = 0;
  for (int i = 0; i < 2000 && !refused; i++) {
    struct ifinfomsg any = {.ifi_family = AF_UNSPEC};
    if (request(fd, RTM_GETLINK, NLM_F_DUMP, &any, sizeof any) < 0) refused = errno;
    else sent++;
  }
  printf("unread dumps: %s, then %s\n", sent > 10 ? "many taken" : "few taken", refused ? strerror(refused) : "never refused");
  // The answers that found no room were dropped: the first receive says so, then those kept follow.
  char answer[8192];
  result("first receive", recv(fd, answer, sizeof answer, MSG_DONTWAIT));
  int kept = 0;
  while (recv(fd, answer, sizeof answer, MSG_DONTWAIT) > 0) kept++;
  printf("then answers were kept: %s\n", kept > 10 ? "yes" : "no");
  close(fd);
  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  port = (unsigned)getpid();

  struct nlmsghdr cut = {.nlmsg_len = 8, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP};
  result("send a truncated header", send(fd, &cut, sizeof cut, 0));
  char junk[64];
  result("  recv, non-blocking", recv(fd, junk, sizeof junk, MSG_DONTWAIT));
  close(fd);
}

static void interfaces(void) {
  struct ifaddrs *list;
  if (getifaddrs(&list) != 0) {
    result("getifaddrs", -1);
    return;
  }
  for (struct ifaddrs *i = list; i; i = i->ifa_next) {
    char text[64] = "-";
    int family = i->ifa_addr ? i->ifa_addr->sa_family : -1;
    if (family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, text, sizeof text);
    if (family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, text, sizeof text);
    printf("getifaddrs: %s family=%d flags=%#x address=%s\n", i->ifa_name, family, i->ifa_flags, text);
  }
  freeifaddrs(list);
  printf("if_nametoindex(lo) = %u\n", if_nametoindex("lo"));
  errno = 0;
  printf("if_nametoindex(eth9) = %u (%s)\n", if_nametoindex("eth9"), strerror(errno));
  char name[IF_NAMESIZE];
  printf("if_indextoname(1) = %s\n", if_indextoname(1, name) ? name : strerror(errno));
  printf("if_indextoname(42) = %s\n", if_indextoname(42, name) ? name : strerror(errno));

  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq r;
  memset(&r, 0, sizeof r);
  strcpy(r.ifr_name, "lo");
  result("SIOCGIFFLAGS", ioctl(s, SIOCGIFFLAGS, &r));
  printf("  flags %#x\n", r.ifr_flags & 0xffff);
  result("SIOCGIFMTU", ioctl(s, SIOCGIFMTU, &r));
  printf("  mtu %d\n", r.ifr_mtu);
  result("SIOCGIFADDR", ioctl(s, SIOCGIFADDR, &r));
  printf("  address %s\n", inet_ntoa(((struct sockaddr_in *)&r.ifr_addr)->sin_addr));
  result("SIOCGIFNETMASK", ioctl(s, SIOCGIFNETMASK, &r));
  printf("  netmask %s\n", inet_ntoa(((struct sockaddr_in *)&r.ifr_netmask)->sin_addr));
  result("SIOCGIFHWADDR", ioctl(s, SIOCGIFHWADDR, &r));
  printf("  hardware family %u\n", r.ifr_hwaddr.sa_family);
  strcpy(r.ifr_name, "eth9");
  result("SIOCGIFINDEX eth9", ioctl(s, SIOCGIFINDEX, &r));
  struct ifconf conf = {.ifc_len = 0, .ifc_buf = NULL};
  result("SIOCGIFCONF size", ioctl(s, SIOCGIFCONF, &conf));
  printf("  %d bytes\n", conf.ifc_len);
  close(s);
}

int main(void) {
  fresh_network();
  setvbuf(stdout, NULL, _IONBF, 0);
  netlink();
  interfaces();
  return 0;
}
