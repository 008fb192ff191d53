/* fsync, fdatasync and posix_fadvise by the kind of file: only files with Linux's fsync method
 * (regular files, directories, sysfs attributes) sync; pipes, sockets, character devices, /proc
 * files and anonymous files (eventfd, epoll) are EINVAL. fadvise on a pipe is ESPIPE.
 * argv[1]: a directory to work in. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

static void check(const char *what, int fd) {
  if (fd < 0) {
    printf("%s: open %s\n", what, strerrorname_np(errno));
    return;
  }
  int s = fsync(fd);
  int se = errno;
  int d = fdatasync(fd);
  int de = errno;
  int a = posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL);
  printf("%s: fsync %s, fdatasync %s, fadvise %s\n", what, s ? strerrorname_np(se) : "0", d ? strerrorname_np(de) : "0",
         a ? strerrorname_np(a) : "0");
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/file", argv[1]);
  check("regular file", open(path, O_RDWR | O_CREAT, 0644));
  check("directory", open(argv[1], O_RDONLY | O_DIRECTORY));
  int p[2];
  if (pipe(p) == 0) {
    check("pipe read end", p[0]);
    check("pipe write end", p[1]);
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) check("unix socket", sv[0]);
  check("/dev/null", open("/dev/null", O_RDWR));
  check("/proc/self/stat", open("/proc/self/stat", O_RDONLY));
  check("eventfd", eventfd(0, 0));
  check("epoll", epoll_create1(0));
  check("closed fd", 99);
  return 0;
}
