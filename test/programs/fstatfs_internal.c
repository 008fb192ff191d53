/* fstatfs of files on Linux's internal filesystems: a pipe says PIPEFS_MAGIC, a socket (unix or
 * inet) SOCKFS_MAGIC, an eventfd, epoll or timerfd ANON_INODE_FS_MAGIC, each with 4096-byte
 * blocks, nothing counted, ST_VALID, and as f_fsid the device its fstat shows; a FIFO says the
 * filesystem it lies on. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/vfs.h>
#include <unistd.h>

static void show(const char *what, int fd) {
  struct statfs s;
  struct stat st;
  if (fd < 0) {
    printf("%s: open %s\n", what, strerror(errno));
    return;
  }
  if (fstatfs(fd, &s) < 0 || fstat(fd, &st) < 0) {
    printf("%s: -1 %s\n", what, strerror(errno));
    return;
  }
  unsigned long long fsid;
  memcpy(&fsid, &s.f_fsid, sizeof fsid);
  printf("%s: type %#lx bsize %ld frsize %ld blocks %llu files %llu namelen %ld flags %#lx, f_fsid %s st_dev\n", what,
         (unsigned long)s.f_type, (long)s.f_bsize, (long)s.f_frsize, (unsigned long long)s.f_blocks, (unsigned long long)s.f_files,
         (long)s.f_namelen, (unsigned long)s.f_flags, fsid == (unsigned long long)st.st_dev ? "is" : "is not");
}

int main(int argc, char **argv) {
  int p[2], sv[2];
  pipe(p);
  show("pipe read end", p[0]);
  show("pipe write end", p[1]);
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  show("unix socket", sv[0]);
  show("inet socket", socket(AF_INET, SOCK_DGRAM, 0));
  show("eventfd", eventfd(0, 0));
  show("epoll", epoll_create1(0));
  show("timerfd", timerfd_create(CLOCK_MONOTONIC, 0));
  if (argc > 1) {
    char fifo[4096];
    snprintf(fifo, sizeof fifo, "%s/fifo", argv[1]);
    mkfifo(fifo, 0600);
    int f = open(fifo, O_RDWR);
    struct statfs a, b;
    fstatfs(f, &a);
    statfs(argv[1], &b);
    printf("fifo: same type as its directory's: %d\n", a.f_type == b.f_type);
  }
  return 0;
}
