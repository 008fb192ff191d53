/* getpeername on a connected stream socket whose peer has closed: TCP still names the peer
 * (the connection is only half closed) until a reset closes it (ENOTCONN); a unix socket names
 * its departed peer too. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void show_peer(const char *what, int fd, unsigned short expected_port) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  if (getpeername(fd, (struct sockaddr *)&a, &len) < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  if (a.ss_family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&a;
    printf("%s: AF_INET %s, the peer's port: %s\n", what, inet_ntoa(in->sin_addr), ntohs(in->sin_port) == expected_port ? "yes" : "no");
  } else {
    struct sockaddr_un *un = (struct sockaddr_un *)&a;
    printf("%s: family %d, length %u, path '%s'\n", what, a.ss_family, (unsigned)len, len > sizeof(sa_family_t) ? un->sun_path : "");
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  bind(listener, (struct sockaddr *)&a, sizeof a);
  getsockname(listener, (struct sockaddr *)&a, &len);
  listen(listener, 4);
  unsigned short port = ntohs(a.sin_port);

  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(listener, NULL, NULL);
  show_peer("tcp, connected", c, port);
  close(s);
  usleep(20000);
  show_peer("tcp, peer closed", c, port);
  send(c, "x", 1, MSG_NOSIGNAL);
  usleep(20000);
  show_peer("tcp, after the peer's reset", c, port);
  close(c);

  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  close(sv[1]);
  show_peer("unix pair, peer closed", sv[0], 0);

  struct sockaddr_un un = {.sun_family = AF_UNIX};
  snprintf(un.sun_path, sizeof un.sun_path, "%s/sock", argv[1]);
  int ul = socket(AF_UNIX, SOCK_STREAM, 0);
  bind(ul, (struct sockaddr *)&un, sizeof un);
  listen(ul, 1);
  int uc = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(uc, (struct sockaddr *)&un, sizeof un);
  int us = accept(ul, NULL, NULL);
  close(us);
  printf("unix, named peer closed: ");
  struct sockaddr_un got;
  len = sizeof got;
  if (getpeername(uc, (struct sockaddr *)&got, &len) < 0) printf("%s\n", strerrorname_np(errno));
  else printf("the listener's path: %s\n", strcmp(got.sun_path, un.sun_path) == 0 ? "yes" : "no");
  return 0;
}
