/* A stream socket's SO_SNDBUF bounds how many of its bytes wait unread: a sender that shrank it
 * meets EAGAIN (or blocks) far sooner than with the default, which takes over 200000 bytes; a
 * unix sender's bound is the value getsockopt reports (twice what was asked). The first send
 * after a TCP peer closed is taken only up to that bound: the rest meets the peer's reset. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 20];

/* Bytes a non-blocking fd takes before EAGAIN. */
static long fill(int fd) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  long total = 0;
  ssize_t n;
  while ((n = send(fd, buf, 65536, MSG_NOSIGNAL)) > 0) total += n;
  if (errno != EAGAIN) printf("fill stopped by %s\n", strerrorname_np(errno));
  return total;
}

static void tcp_pair(int sndbuf, int *c, int *s) {
  static int listener = -1;
  static struct sockaddr_in a = {.sin_family = AF_INET};
  if (listener < 0) {
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    bind(listener, (struct sockaddr *)&a, sizeof a);
    getsockname(listener, (struct sockaddr *)&a, &len);
    listen(listener, 4);
  }
  *c = socket(AF_INET, SOCK_STREAM, 0);
  if (sndbuf) setsockopt(*c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  connect(*c, (struct sockaddr *)&a, sizeof a);
  *s = accept(listener, NULL, NULL);
}

int main(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  printf("unix, default: takes over 200000: %s\n", fill(sv[0]) > 200000 ? "yes" : "no");
  close(sv[0]);
  close(sv[1]);

  int size = 65536;
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  printf("unix, SO_SNDBUF 65536: takes %ld\n", fill(sv[0]));
  close(sv[0]);
  close(sv[1]);

  size = 4096;
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  long n = fill(sv[0]);
  printf("unix, SO_SNDBUF 4096: takes some, at most 8192: %s\n", n > 0 && n <= 8192 ? "yes" : "no");
  close(sv[0]);
  close(sv[1]);

  int c, s;
  tcp_pair(0, &c, &s);
  printf("tcp, default: takes over 200000: %s\n", fill(c) > 200000 ? "yes" : "no");
  close(c);
  close(s);

  tcp_pair(4096, &c, &s);
  n = fill(c);
  printf("tcp, SO_SNDBUF 4096: takes some, under 200000: %s\n", n > 0 && n < 200000 ? "yes" : "no");
  close(c);
  close(s);

  /* The peer read everything and closed: the next send is bounded, the one after fails. */
  tcp_pair(4096, &c, &s);
  send(c, "x", 1, 0);
  recv(s, buf, 1, 0);
  close(s);
  usleep(20000);
  ssize_t first = send(c, buf, sizeof buf, MSG_NOSIGNAL);
  printf("tcp, peer closed, 1 MiB send takes some, not all: %s\n", first > 0 && first < (ssize_t)sizeof buf ? "yes" : "no");
  usleep(20000);
  ssize_t second = send(c, buf, sizeof buf, MSG_NOSIGNAL);
  printf("tcp, peer closed, next send: %s\n", second < 0 ? strerrorname_np(errno) : "bytes");
  return 0;
}
