/* What a program learns of its stdout when that is a socket, as when node's child_process
 * (the test runner) starts it with socketpairs for stdio: fstat says S_IFSOCK, and then
 * getsockopt(SO_TYPE, SO_DOMAIN, SO_PROTOCOL), getsockname and getpeername describe an
 * unnamed AF_UNIX stream socket (libuv's uv_guess_handle asks exactly this before node
 * writes to process.stdout). When stdout is not a socket, every one of them is ENOTSOCK.
 * /proc/self/fd/0..2 name what the streams are (socket:[N], pipe:[N], /dev/null; N not compared). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

static void option(const char *name, int opt) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(1, SOL_SOCKET, opt, &v, &len) < 0) printf("%s: %s\n", name, strerror(errno));
  else printf("%s: %d (len %u)\n", name, v, (unsigned)len);
}

static void address(const char *name, int (*get)(int, struct sockaddr *, socklen_t *)) {
  struct sockaddr_un a;
  memset(&a, 0x55, sizeof a);
  socklen_t len = sizeof a;
  if (get(1, (struct sockaddr *)&a, &len) < 0) printf("%s: %s\n", name, strerror(errno));
  else printf("%s: family %d, len %u\n", name, a.sun_family, (unsigned)len);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct stat st;
  fstat(1, &st);
  printf("stdout is a socket: %d\n", S_ISSOCK(st.st_mode));
  option("SO_TYPE", SO_TYPE);
  option("SO_DOMAIN", SO_DOMAIN);
  option("SO_PROTOCOL", SO_PROTOCOL);
  int v;
  socklen_t len = sizeof v;
  printf("SO_RCVBUF at IPPROTO_TCP: %s\n", getsockopt(1, IPPROTO_TCP, SO_RCVBUF, &v, &len) < 0 ? strerror(errno) : "ok");
  address("getsockname", getsockname);
  address("getpeername", getpeername);
  socklen_t zero = 0;
  printf("NULL addrlen: %s\n", getsockname(1, NULL, NULL) < 0 ? strerror(errno) : "ok");
  int r = getsockname(1, NULL, &zero);
  printf("NULL addr, addrlen 0: %s, addrlen now %u\n", r < 0 ? strerror(errno) : "ok", (unsigned)zero);
  len = sizeof v;
  printf("NULL addr, addrlen 4: %s\n", getpeername(1, NULL, &len) < 0 ? strerror(errno) : "ok");
  for (int fd = 0; fd <= 2; fd++) {
    char link[64], target[256];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    char *bracket = strchr(target, '[');
    if (bracket) bracket[1] = 0;
    printf("fd %d: %s\n", fd, target);
  }
  return 0;
}
