/* A UDP datagram to a loopback port nobody has bound is answered with an ICMP port
 * unreachable: a socket connected to that address gets ECONNREFUSED once, on its next send,
 * receive or SO_ERROR (poll shows POLLERR until then); an unconnected socket is not told.
 * IPv4 and IPv6. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void result(const char *what, long r) {
  printf("  %-40s %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

/* An address of the family with a port that was free a moment ago. */
static socklen_t free_port(int family, struct sockaddr_storage *ss) {
  int s = socket(family, SOCK_DGRAM, 0);
  memset(ss, 0, sizeof *ss);
  socklen_t len;
  if (family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    len = sizeof *a;
  }
  bind(s, (struct sockaddr *)ss, len);
  getsockname(s, (struct sockaddr *)ss, &len);
  close(s);
  return len;
}

static void run(int family, const char *name) {
  printf("%s\n", name);
  struct sockaddr_storage to;
  socklen_t len = free_port(family, &to);
  char buf[16];

  int u = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  result("unconnected sendto", sendto(u, "x", 1, 0, (struct sockaddr *)&to, len));
  result("its recv", recv(u, buf, sizeof buf, 0));

  int c = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  result("connect", connect(c, (struct sockaddr *)&to, len));
  result("send", send(c, "x", 1, 0));
  struct pollfd p = {.fd = c, .events = POLLIN};
  int n = poll(&p, 1, 0);
  printf("  %-40s %d%s%s\n", "poll", n, p.revents & POLLERR ? " POLLERR" : "", p.revents & POLLIN ? " POLLIN" : "");
  result("recv", recv(c, buf, sizeof buf, 0));
  result("recv again", recv(c, buf, sizeof buf, 0));
  result("send", send(c, "x", 1, 0));
  result("send again (the error taken by it)", send(c, "x", 1, 0));
  result("send once more", send(c, "x", 1, 0));
  int err = 0;
  socklen_t elen = sizeof err;
  getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen);
  printf("  %-40s %s\n", "SO_ERROR", err ? strerrorname_np(err) : "0");
  elen = sizeof err;
  getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen);
  printf("  %-40s %s\n", "SO_ERROR again", err ? strerrorname_np(err) : "0");
  close(u);
  close(c);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  run(AF_INET, "IPv4");
  run(AF_INET6, "IPv6");
  return 0;
}
