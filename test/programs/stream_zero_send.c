/* A send of zero bytes on a stream socket: 0 on a connected one; after the peer closed, 0 on
 * TCP (which looks at the connection only for each chunk it sends) but EPIPE on unix; ENOTCONN
 * (unix) or EPIPE (TCP) on an unconnected one. Bytes to a closed TCP peer: the first send is
 * taken (the peer answers with a reset), the next fails with EPIPE. */
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
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  show("unix, connected", send(sv[0], "", 0, MSG_NOSIGNAL));
  close(sv[1]);
  show("unix, peer closed, 0 bytes", send(sv[0], "", 0, MSG_NOSIGNAL));
  show("unix, peer closed, 1 byte", send(sv[0], "x", 1, MSG_NOSIGNAL));
  int u = socket(AF_UNIX, SOCK_STREAM, 0);
  show("unix, unconnected", send(u, "", 0, MSG_NOSIGNAL));

  int srv = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  bind(srv, (struct sockaddr *)&a, sizeof a);
  getsockname(srv, (struct sockaddr *)&a, &len);
  listen(srv, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  show("tcp, unconnected", send(t, "", 0, MSG_NOSIGNAL));
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(srv, NULL, NULL);
  show("tcp, connected", send(c, "", 0, MSG_NOSIGNAL));
  close(c);
  char buf[4];
  show("tcp, read after the peer closed", recv(s, buf, sizeof buf, 0));
  show("tcp, peer closed, 0 bytes", send(s, "", 0, MSG_NOSIGNAL));
  show("tcp, peer closed, first byte", send(s, "x", 1, MSG_NOSIGNAL));
  usleep(20000); /* the peer's reset */
  show("tcp, peer closed, second byte", send(s, "x", 1, MSG_NOSIGNAL));
  return 0;
}
