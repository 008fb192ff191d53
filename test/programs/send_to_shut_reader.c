/* Sending to a peer that shut its reading side: TCP still takes the bytes (only the sender's
 * own shutdown or a reset makes a send fail), a unix stream socket fails with EPIPE. After
 * shutdown(SHUT_RDWR), the peer's FIN reads as EOF on the other side, which may still write.
 * TCP's shut side still reads the bytes that came. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, ssize_t r) {
  printf("%s: %s\n", what, r >= 0 ? (r == 0 ? "0" : "bytes") : strerrorname_np(errno));
}

int main(void) {
  char buf[16];
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  bind(listener, (struct sockaddr *)&a, sizeof a);
  getsockname(listener, (struct sockaddr *)&a, &len);
  listen(listener, 4);

  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(listener, NULL, NULL);
  shutdown(c, SHUT_RD);
  show("tcp, peer shut reading, send", send(s, "x", 1, MSG_NOSIGNAL));
  usleep(20000);
  show("tcp, peer shut reading, send again", send(s, "y", 1, MSG_NOSIGNAL));
  show("tcp, shut reading, recv", recv(c, buf, sizeof buf, MSG_DONTWAIT));
  close(c);
  usleep(20000);
  show("tcp, the peer closed, send", send(s, "z", 1, MSG_NOSIGNAL));
  close(s);

  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  s = accept(listener, NULL, NULL);
  shutdown(c, SHUT_RDWR);
  show("tcp, peer shut both ways, recv", recv(s, buf, sizeof buf, 0));
  show("tcp, peer shut both ways, send", send(s, "x", 1, MSG_NOSIGNAL));
  close(c);
  close(s);

  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  shutdown(sv[1], SHUT_RD);
  show("unix, peer shut reading, send", send(sv[0], "x", 1, MSG_NOSIGNAL));
  return 0;
}
