/* Sharing a port: TCP listeners with SO_REUSEPORT (the same owner) all bind it and share the
 * connections between them, one left alone takes them all; a socket without the option, or
 * of another user, gets EADDRINUSE; UDP sockets share a port with SO_REUSEPORT (datagrams
 * spread over them) or with SO_REUSEADDR (unicast reaches the one bound last). Run as root;
 * a child drops to uid 65534. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/* A socket with the option (SO_REUSEPORT, SO_REUSEADDR or 0 for none) bound to port; -errno if the bind fails. */
static int bound(int type, int option, int port) {
  int fd = socket(AF_INET, type, 0), one = 1;
  if (option) setsockopt(fd, SOL_SOCKET, option, &one, sizeof one);
  struct sockaddr_in a = loopback(port);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

static int port_of(int fd) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  return ntohs(a.sin_port);
}

static const char *result(int fd) { return fd >= 0 ? "ok" : strerrorname_np(-fd); }

/* Connects n clients to port and counts what each listener accepts. */
static void spread_tcp(const char *what, int *listeners, int count, int port, int n) {
  int clients[32], got[4] = {0};
  for (int i = 0; i < n; i++) {
    clients[i] = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    if (connect(clients[i], (struct sockaddr *)&a, sizeof a) != 0) printf("%s: connect %d: %s\n", what, i, strerrorname_np(errno));
  }
  for (int taken = 0; taken < n;) {
    struct pollfd p[4];
    for (int j = 0; j < count; j++) p[j] = (struct pollfd){.fd = listeners[j], .events = POLLIN};
    if (poll(p, count, 2000) <= 0) break;
    for (int j = 0; j < count; j++) {
      if (!(p[j].revents & POLLIN)) continue;
      int c = accept(listeners[j], NULL, NULL);
      if (c >= 0) got[j]++, taken++, close(c);
    }
  }
  int all = 0, each = 1;
  for (int j = 0; j < count; j++) all += got[j], each &= got[j] > 0;
  printf("%s: %d of %d accepted, every listener some: %d\n", what, all, n, each);
  for (int i = 0; i < n; i++) close(clients[i]);
}

/* Sends n datagrams, each from its own socket, and counts what each receiver gets. */
static void spread_udp(const char *what, int *receivers, int count, int port, int n) {
  int got[4] = {0};
  for (int i = 0; i < n; i++) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(port);
    sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof a);
    close(s);
  }
  for (int taken = 0; taken < n;) {
    struct pollfd p[4];
    for (int j = 0; j < count; j++) p[j] = (struct pollfd){.fd = receivers[j], .events = POLLIN};
    if (poll(p, count, 500) <= 0) break;
    char b[8];
    for (int j = 0; j < count; j++) {
      if (!(p[j].revents & POLLIN)) continue;
      if (recv(receivers[j], b, sizeof b, 0) == 1) got[j]++, taken++;
    }
  }
  printf("%s:", what);
  for (int j = 0; j < count; j++) printf(" %s", got[j] == 0 ? "none" : got[j] == n ? "all" : "some");
  printf("\n");
}

int main(void) {
  int a = bound(SOCK_STREAM, SO_REUSEPORT, 0);
  int port = port_of(a);
  int b = bound(SOCK_STREAM, SO_REUSEPORT, port);
  printf("tcp reuseport: first %s, second %s\n", result(a), result(b));
  int c = bound(SOCK_STREAM, 0, port), d = bound(SOCK_STREAM, SO_REUSEADDR, port);
  printf("tcp without it: %s, with SO_REUSEADDR only: %s\n", result(c), result(d));
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    if (setuid(65534) != 0) _exit(1);
    int e = bound(SOCK_STREAM, SO_REUSEPORT, port);
    printf("tcp reuseport, another user: %s\n", result(e));
    fflush(stdout);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  listen(a, 32);
  listen(b, 32);
  int listeners[2] = {a, b};
  spread_tcp("tcp two listeners", listeners, 2, port, 24);
  close(b);
  spread_tcp("tcp one left", listeners, 1, port, 6);
  close(a);

  int u1 = bound(SOCK_DGRAM, SO_REUSEPORT, 0);
  int uport = port_of(u1);
  int u2 = bound(SOCK_DGRAM, SO_REUSEPORT, uport);
  int u3 = bound(SOCK_DGRAM, 0, uport);
  printf("udp reuseport: second %s, without it %s\n", result(u2), result(u3));
  int receivers[2] = {u1, u2};
  spread_udp("udp reuseport, 24 senders", receivers, 2, uport, 24);
  close(u1);
  close(u2);

  int r1 = bound(SOCK_DGRAM, SO_REUSEADDR, 0);
  int rport = port_of(r1);
  int r2 = bound(SOCK_DGRAM, SO_REUSEADDR, rport);
  int r3 = bound(SOCK_DGRAM, SO_REUSEPORT, rport);
  printf("udp reuseaddr: second %s, reuseport only %s\n", result(r2), result(r3));
  int pair[2] = {r1, r2};
  spread_udp("udp reuseaddr, 8 senders", pair, 2, rport, 8);
  return 0;
}
