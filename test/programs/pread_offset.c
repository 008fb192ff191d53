/* pread/pwrite/preadv use their own offset and leave the fd's alone; pread past the end
 * returns 0; negative offsets are EINVAL, and so is a transfer that would end past the largest
 * offset (LLONG_MAX), but not an empty one; pipes are ESPIPE. argv[1]: a file of 10000 bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(int argc, char **argv) {
  if (argc < 2) return printf("usage: pread_offset FILE\n"), 2;
  char a[100], b[100];
  int fd = open(argv[1], O_RDONLY);
  report("read 10", read(fd, a, 10));
  report("pread 100 at 5000", pread(fd, a, 100, 5000));
  report("offset after pread", lseek(fd, 0, SEEK_CUR));
  lseek(fd, 5000, SEEK_SET);
  report("read 100 at 5000", read(fd, b, 100));
  printf("pread and read saw the same bytes: %s\n", memcmp(a, b, 100) == 0 ? "yes" : "no");
  report("pread at 9990 (10 left)", pread(fd, a, 100, 9990));
  report("pread at the end", pread(fd, a, 100, 10000));
  report("pread past the end", pread(fd, a, 100, 1 << 30));
  report("pread at -1", pread(fd, a, 100, -1));
  report("pread of 4 at LLONG_MAX", pread(fd, a, 4, LLONG_MAX));
  report("pread of 0 at LLONG_MAX", pread(fd, a, 0, LLONG_MAX));
  report("pread of 1 at 2^62", pread(fd, a, 1, 1LL << 62));
  struct iovec iov[2] = {{a, 30}, {b, 30}};
  report("preadv 2x30 at 100", preadv(fd, iov, 2, 100));
  printf("preadv split the bytes in order: %s\n", pread(fd, b + 50, 50, 100) == 50 && memcmp(a, b + 50, 30) == 0 ? "yes" : "no");
  report("preadv at -5", preadv(fd, iov, 2, -5));
  report("preadv 2x30 at LLONG_MAX - 40", preadv(fd, iov, 2, LLONG_MAX - 40));
  report("offset after all the p-calls", lseek(fd, 0, SEEK_CUR));
  int d = dup(fd);
  report("pread through a dup", pread(d, a, 10, 0));
  report("offset of the original", lseek(fd, 0, SEEK_CUR));
  int p[2];
  if (pipe(p) != 0) return 1;
  report("pwrite to a pipe", pwrite(p[1], "x", 1, 0));
  report("pread from a pipe", pread(p[0], a, 1, 0));
  int null = open("/dev/null", O_WRONLY);
  report("pwrite to /dev/null at 7", pwrite(null, "abc", 3, 7));
  report("pwrite to /dev/null at -1", pwrite(null, "abc", 3, -1));
  return 0;
}
