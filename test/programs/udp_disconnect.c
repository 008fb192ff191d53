/* connect(2) with AF_UNSPEC dissolves a datagram socket's association (libuv's
 * uv_udp_connect(handle, NULL); its tests udp_connect and udp_connect6 failed): 0, then no peer
 * (getpeername and send ENOTCONN), and the name connect chose is given back: a port bind() did
 * not ask for goes (0.0.0.0:0), an address bound as the wildcard is the wildcard again, an
 * explicit one stays. The same for IPv6 and for a unix datagram socket; the socket connects again
 * afterwards. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *err(int r) { return r == 0 ? "0" : strerrorname_np(errno); }

/* The socket's name and whether it has a peer, with ports shown as "port" or 0. */
static void show(int s, const char *what) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  char ip[64] = "?";
  int port = 0;
  getsockname(s, (struct sockaddr *)&a, &len);
  if (a.ss_family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&a;
    inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
    port = ntohs(in->sin_port);
  } else if (a.ss_family == AF_INET6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a;
    inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
    port = ntohs(in6->sin6_port);
  } else {
    strcpy(ip, "unix");
  }
  len = sizeof a;
  int peer = getpeername(s, (struct sockaddr *)&a, &len);
  printf("%s: name %s:%s, peer %s\n", what, ip, port ? "port" : "0", err(peer));
}

int main(void) {
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  struct sockaddr_storage unspec_storage;
  memset(&unspec_storage, 0, sizeof unspec_storage);
  struct sockaddr_in lo = {.sin_family = AF_INET, .sin_port = htons(9)};
  inet_pton(AF_INET, "127.0.0.1", &lo.sin_addr);

  int s = socket(AF_INET, SOCK_DGRAM, 0);
  printf("unconnected, AF_UNSPEC: %s\n", err(connect(s, &unspec, sizeof unspec)));
  connect(s, (struct sockaddr *)&lo, sizeof lo);
  show(s, "autobound, connected");
  printf("AF_UNSPEC (sockaddr_storage): %s\n", err(connect(s, (struct sockaddr *)&unspec_storage, sizeof unspec_storage)));
  show(s, "after");
  printf("send: %s\n", err(send(s, "x", 1, 0) == 1 ? 0 : -1));
  printf("connect again: %s\n", err(connect(s, (struct sockaddr *)&lo, sizeof lo)));
  show(s, "connected again");
  close(s);

  s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(9311)};
  bind(s, (struct sockaddr *)&any, sizeof any);
  connect(s, (struct sockaddr *)&lo, sizeof lo);
  show(s, "bound 0.0.0.0:9311, connected");
  printf("AF_UNSPEC: %s\n", err(connect(s, &unspec, sizeof unspec)));
  show(s, "after");
  close(s);

  s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in zero_port = {.sin_family = AF_INET};
  bind(s, (struct sockaddr *)&zero_port, sizeof zero_port);
  connect(s, (struct sockaddr *)&lo, sizeof lo);
  show(s, "bound 0.0.0.0:0, connected");
  printf("AF_UNSPEC: %s\n", err(connect(s, &unspec, sizeof unspec)));
  show(s, "after");
  close(s);

  s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in fixed = lo;
  fixed.sin_port = htons(9312);
  bind(s, (struct sockaddr *)&fixed, sizeof fixed);
  connect(s, (struct sockaddr *)&lo, sizeof lo);
  printf("AF_UNSPEC: %s\n", err(connect(s, &unspec, sizeof unspec)));
  show(s, "bound 127.0.0.1:9312, connected, disconnected");
  close(s);

  s = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 lo6 = {.sin6_family = AF_INET6, .sin6_port = htons(9), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  struct sockaddr_in6 any6 = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
  printf("IPv6 connect [::]:9: %s\n", err(connect(s, (struct sockaddr *)&any6, sizeof any6)));
  printf("IPv6 AF_UNSPEC: %s\n", err(connect(s, (struct sockaddr *)&unspec_storage, sizeof unspec_storage)));
  show(s, "IPv6 after");
  printf("IPv6 connect [::1]:9: %s\n", err(connect(s, (struct sockaddr *)&lo6, sizeof lo6)));
  close(s);

  int u = socket(AF_UNIX, SOCK_DGRAM, 0), v = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un name = {.sun_family = AF_UNIX};
  strcpy(name.sun_path + 1, "udp_disconnect");
  socklen_t nlen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen("udp_disconnect");
  bind(v, (struct sockaddr *)&name, nlen);
  connect(u, (struct sockaddr *)&name, nlen);
  show(u, "unix, connected");
  printf("unix AF_UNSPEC: %s\n", err(connect(u, &unspec, sizeof unspec)));
  show(u, "unix after");
  printf("unix send: %s\n", err(send(u, "x", 1, 0) == 1 ? 0 : -1));
  return 0;
}
