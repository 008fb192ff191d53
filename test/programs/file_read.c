/* read/pread/lseek/fstat on the file named by argv[1]: sizes, offsets and checksums. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t fnv(const unsigned char *p, ssize_t n) {
  uint32_t h = 2166136261u;
  for (ssize_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return printf("open: %s\n", strerrorname_np(errno)), 1;
  struct stat st;
  if (fstat(fd, &st) != 0) return printf("fstat: %s\n", strerrorname_np(errno)), 1;
  printf("fstat size %lld regular %s\n", (long long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no");
  static unsigned char all[1 << 20], buf[1000]; /* odd chunk size: the last read is short */
  long long total = 0;
  int reads = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && total + n <= (long long)sizeof all) {
    memcpy(all + total, buf, n);
    total += n;
    reads++;
  }
  printf("read total %lld in %d reads, checksum %08x, last %zd\n", total, reads, fnv(all, total), n);
  printf("read at eof %zd\n", read(fd, buf, 10));
  printf("lseek cur %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek end %lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("lseek set 10 -> %lld\n", (long long)lseek(fd, 10, SEEK_SET));
  n = read(fd, buf, 16);
  printf("read 16 at 10 -> %zd, checksum %08x\n", n, fnv(buf, n > 0 ? n : 0));
  printf("lseek cur after read %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  n = pread(fd, buf, 64, st.st_size / 2);
  printf("pread 64 at %lld -> %zd, checksum %08x\n", (long long)st.st_size / 2, n, fnv(buf, n > 0 ? n : 0));
  printf("lseek cur after pread %lld (pread leaves the offset)\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("pread past end -> %zd\n", pread(fd, buf, 10, st.st_size + 100));
  printf("lseek -5 from end -> %lld\n", (long long)lseek(fd, -5, SEEK_END));
  n = read(fd, buf, sizeof buf);
  printf("read at end-5 -> %zd\n", n);
  printf("lseek beyond end -> %lld\n", (long long)lseek(fd, st.st_size + 1000, SEEK_SET));
  printf("read beyond end -> %zd\n", read(fd, buf, 10));
  printf("close -> %d\n", close(fd));
  int r = close(fd);
  printf("close again -> %d %s\n", r, r ? strerrorname_np(errno) : "");
  return 0;
}
