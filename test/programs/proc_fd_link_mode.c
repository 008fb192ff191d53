/* /proc/self/fd/N links have the mode of the file's opening, as on Linux: r-x for reading,
 * -wx for writing, rwx for both, nothing at all for O_PATH (lsof takes its r/w/u column from
 * them; the sandbox's were all rwxrwxrwx). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
static void show(const char *what, int fd) {
  char p[64]; struct stat st; snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
  if (lstat(p, &st) != 0) { printf("%s: lstat failed\n", what); return; }
  printf("%-10s %o\n", what, (unsigned)st.st_mode);
}
int main(void) {
  int pp[2]; pipe(pp); show("pipe r", pp[0]); show("pipe w", pp[1]);
  show("rdonly", open("/etc/passwd", O_RDONLY)); show("wronly", open("/dev/null", O_WRONLY)); show("rdwr", open("/dev/null", O_RDWR));
  show("path", open("/etc", O_PATH)); show("dir", open("/etc", O_RDONLY | O_DIRECTORY));
  int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv); show("socket", sv[0]);
  show("epoll", epoll_create1(0)); show("eventfd", eventfd(0, 0));
  return 0;
}
