/* unix(7) autobind: bind with only sun_family gives a unix socket a free abstract name of five
 * hex digits; two sockets get different names, a client can connect to one, binding again
 * keeps the name, and a wrong family is EINVAL. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int autobind(int fd, sa_family_t family) {
  struct sockaddr_un a = {.sun_family = family};
  return bind(fd, (struct sockaddr *)&a, sizeof(sa_family_t));
}

static void show(const char *what, int fd, struct sockaddr_un *a) {
  socklen_t len = sizeof *a;
  memset(a, 0, sizeof *a);
  getsockname(fd, (struct sockaddr *)a, &len);
  int hex = 1;
  for (int i = 1; i < 6; i++) hex &= isxdigit((unsigned char)a->sun_path[i]) && !isupper((unsigned char)a->sun_path[i]);
  printf("%s: length %u, abstract %s, five hex digits %s\n", what, (unsigned)len, a->sun_path[0] == 0 ? "yes" : "no", hex ? "yes" : "no");
}

int main(void) {
  int s1 = socket(AF_UNIX, SOCK_STREAM, 0), s2 = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a1, a2, again;
  printf("bind s1: %d\n", autobind(s1, AF_UNIX));
  show("s1", s1, &a1);
  printf("bind s2: %d\n", autobind(s2, AF_UNIX));
  show("s2", s2, &a2);
  printf("different names: %s\n", memcmp(a1.sun_path, a2.sun_path, 6) != 0 ? "yes" : "no");
  printf("bind s1 again: %d\n", autobind(s1, AF_UNIX));
  show("s1 again", s1, &again);
  printf("same name: %s\n", memcmp(a1.sun_path, again.sun_path, 6) == 0 ? "yes" : "no");
  listen(s1, 1);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  printf("connect to s1's name: %s\n", connect(c, (struct sockaddr *)&a1, offsetof(struct sockaddr_un, sun_path) + 6) == 0 ? "0" : strerrorname_np(errno));
  int s3 = socket(AF_UNIX, SOCK_DGRAM, 0);
  printf("bind with AF_INET: %s\n", autobind(s3, AF_INET) == 0 ? "0" : strerrorname_np(errno));
  return 0;
}
