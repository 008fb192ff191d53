/* lseek: SEEK_SET/CUR/END, past the end, errors that leave the offset, SEEK_DATA/SEEK_HOLE on
 * a file without holes, offsets past the filesystem's largest file (ext4: 16 TiB; 2^53 + 1 is
 * also where a double stops being exact), and ESPIPE on pipes. argv[1]: a regular file of
 * 10000 bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static void report(const char *what, off_t r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %lld\n", what, (long long)r);
}

int main(int argc, char **argv) {
  if (argc < 2) return printf("usage: lseek_whence FILE\n"), 2;
  char buf[200];
  int fd = open(argv[1], O_RDONLY);
  report("SEEK_END 0", lseek(fd, 0, SEEK_END));
  report("SEEK_END -100", lseek(fd, -100, SEEK_END));
  report("SEEK_CUR +50", lseek(fd, 50, SEEK_CUR));
  report("read 200 near the end", read(fd, buf, 200));
  report("read at the end", read(fd, buf, 200));
  report("SEEK_CUR 0", lseek(fd, 0, SEEK_CUR));
  report("SEEK_SET 20000 (past the end)", lseek(fd, 20000, SEEK_SET));
  report("read past the end", read(fd, buf, 200));
  report("SEEK_END -20000", lseek(fd, -20000, SEEK_END));
  report("SEEK_CUR -30000", lseek(fd, -30000, SEEK_CUR));
  report("offset unchanged by the failures", lseek(fd, 0, SEEK_CUR));
  report("SEEK_END +5", lseek(fd, 5, SEEK_END));
  report("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
  report("SEEK_DATA 5000", lseek(fd, 5000, SEEK_DATA));
  report("SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
  report("SEEK_HOLE 9999", lseek(fd, 9999, SEEK_HOLE));
  report("SEEK_DATA at the size", lseek(fd, 10000, SEEK_DATA));
  report("SEEK_HOLE at the size", lseek(fd, 10000, SEEK_HOLE));
  report("SEEK_DATA past the size", lseek(fd, 20000, SEEK_DATA));
  report("SEEK_DATA -1", lseek(fd, -1, SEEK_DATA));
  report("offset after the SEEK_DATA errors", lseek(fd, 0, SEEK_CUR));
  struct statfs fs;
  if (fstatfs(fd, &fs) == 0 && fs.f_type == 0xEF53) { /* ext4: the largest file is 16 TiB */
    report("SEEK_SET 2^53 + 1", lseek(fd, (1LL << 53) + 1, SEEK_SET));
    report("SEEK_SET 2^60 + 3", lseek(fd, (1LL << 60) + 3, SEEK_SET));
    report("SEEK_SET 2^63 - 1", lseek(fd, 0x7fffffffffffffffLL, SEEK_SET));
    report("offset after the large offsets", lseek(fd, 0, SEEK_CUR));
  }
  int p[2];
  if (pipe(p) != 0) return 1;
  report("lseek on a pipe", lseek(p[0], 0, SEEK_CUR));
  report("lseek on a pipe's write end", lseek(p[1], 0, SEEK_SET));
  int null = open("/dev/null", O_RDONLY);
  report("lseek /dev/null to 12345", lseek(null, 12345, SEEK_SET));
  int zero = open("/dev/zero", O_RDONLY);
  report("lseek /dev/zero SEEK_END", lseek(zero, 0, SEEK_END));
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  report("lseek a directory to 0", lseek(dir, 0, SEEK_SET));
  return 0;
}
