/* epoll_ctl(EPOLL_CTL_ADD) by the kind of file: regular files (one created in argv[1], one of
 * the host root), directories and /dev/null and /dev/zero have no poll method, so Linux refuses
 * them with EPERM; pipes, /dev/urandom and another epoll can be watched. Of /proc's files, a
 * process's own (maps, stat) have none but its mount tables; cpuinfo and sysctls have one. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static void add(int ep, const char *what, int fd) {
  if (fd < 0) {
    printf("%s: open %s\n", what, strerrorname_np(errno));
    return;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  int r = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  printf("%s: %s\n", what, r == 0 ? "0" : strerrorname_np(errno));
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  char path[4096];
  snprintf(path, sizeof path, "%s/created", argv[1]);
  add(ep, "new regular file", open(path, O_RDWR | O_CREAT, 0644));
  add(ep, "host regular file", open("/etc/passwd", O_RDONLY));
  add(ep, "directory", open("/", O_RDONLY | O_DIRECTORY));
  add(ep, "O_PATH file", open("/etc/passwd", O_PATH));
  add(ep, "/dev/null", open("/dev/null", O_RDWR));
  add(ep, "/dev/zero", open("/dev/zero", O_RDONLY));
  add(ep, "/dev/urandom", open("/dev/urandom", O_RDONLY));
  int p[2];
  if (pipe(p) == 0) add(ep, "pipe read end", p[0]);
  add(ep, "another epoll", epoll_create1(0));
  add(ep, "/proc/self/maps", open("/proc/self/maps", O_RDONLY));
  add(ep, "/proc/self/stat", open("/proc/self/stat", O_RDONLY));
  add(ep, "/proc/cpuinfo", open("/proc/cpuinfo", O_RDONLY));
  add(ep, "/proc/self/mountinfo", open("/proc/self/mountinfo", O_RDONLY));
  add(ep, "/proc/sys/kernel/hostname", open("/proc/sys/kernel/hostname", O_RDONLY));
  return 0;
}
