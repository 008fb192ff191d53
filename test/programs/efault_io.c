/* EFAULT from the data calls for a bad buffer, with what Linux does around it: zero-length
 * transfers and /dev/null never touch the buffer, a failed pipe read consumes nothing, a
 * failed file read leaves the offset. argv[1]: a regular file of at least 10 bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static char *volatile bad = (char *)1; /* an unmapped address the compiler cannot see */

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(int argc, char **argv) {
  const char *file = argc > 1 ? argv[1] : "/etc/passwd";
  char buf[16];
  int fd = open(file, O_RDONLY);
  int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  report("read file into bad buffer", syscall(SYS_read, fd, bad, 10));
  report("offset after the failed read", lseek(fd, 0, SEEK_CUR));
  report("read 0 bytes into bad buffer", syscall(SYS_read, fd, bad, 0));
  report("write 0 bytes from bad buffer", syscall(SYS_write, null, bad, 0));
  report("read /dev/null into bad buffer", syscall(SYS_read, null, bad, 10));
  report("write /dev/null from bad buffer", syscall(SYS_write, null, bad, 10));
  report("read /dev/zero into bad buffer", syscall(SYS_read, zero, bad, 10));
  report("pread file into bad buffer", syscall(SYS_pread64, fd, bad, 10, 0));
  int p[2];
  if (pipe2(p, O_NONBLOCK) != 0) return 1;
  report("write pipe from bad buffer", syscall(SYS_write, p[1], bad, 10));
  report("pipe read after it (empty)", read(p[0], buf, sizeof buf));
  report("write 5 bytes to the pipe", write(p[1], "hello", 5));
  report("read pipe into bad buffer", syscall(SYS_read, p[0], bad, 5));
  report("read pipe after it (data kept)", read(p[0], buf, sizeof buf));
  struct iovec good = {buf, 4}, badbase[2] = {{buf, 2}, {bad, 4}};
  report("readv with a bad iovec array", syscall(SYS_readv, fd, bad, 1));
  report("writev with a bad iovec array", syscall(SYS_writev, null, bad, 1));
  report("readv with an iovec of bad base", syscall(SYS_readv, zero, badbase + 1, 1));
  report("readv good then bad iovec from /dev/zero", syscall(SYS_readv, zero, badbase, 2));
  report("readv with a good iovec", syscall(SYS_readv, zero, &good, 1));
  report("getdents64 into bad buffer", syscall(SYS_getdents64, dir, bad, 4096));
  report("getrandom into bad buffer", syscall(SYS_getrandom, bad, 16, 0));
  report("getrandom 0 bytes into bad buffer", syscall(SYS_getrandom, bad, 0, 0));
  return 0;
}
