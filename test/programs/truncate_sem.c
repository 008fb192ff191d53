/* truncate/ftruncate: growing reads back zeros, shrinking drops data but not the fd offset (a
 * later write leaves a hole), and the errors: not writable, negative, a directory, a pipe.
 * argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

static long size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: truncate_sem DIR\n"), 2;
  int fd = open("f", O_CREAT | O_RDWR, 0644);
  if (write(fd, "0123456789", 10) != 10) return 1;
  report("truncate f to 100", truncate("f", 100));
  printf("  size %ld\n", size("f"));
  char buf[100];
  int zeros = pread(fd, buf, 100, 0) == 100 && memcmp(buf, "0123456789", 10) == 0;
  for (int i = 10; i < 100; i++) zeros &= buf[i] == 0;
  printf("  data kept and the rest reads as zeros: %s\n", zeros ? "yes" : "no");
  report("ftruncate to 4", ftruncate(fd, 4));
  printf("  size %ld, fd offset still %ld\n", size("f"), (long)lseek(fd, 0, SEEK_CUR));
  printf("  write at that offset: %zd\n", write(fd, "AB", 2));
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  printf("  file:");
  for (ssize_t i = 0; i < n; i++) printf(" %02x", (unsigned char)buf[i]);
  printf("\n");
  report("ftruncate to 0", ftruncate(fd, 0));
  printf("  read at the old offset: %zd\n", read(fd, buf, 10));
  report("truncate through a symlink", (symlink("f", "s"), truncate("s", 7)));
  printf("  size of f %ld\n", size("f"));
  report("truncate to -1", truncate("f", -1));
  report("ftruncate to -1", ftruncate(fd, -1));
  int ro = open("f", O_RDONLY);
  report("ftruncate an O_RDONLY fd", ftruncate(ro, 0));
  int ap = open("f", O_WRONLY | O_APPEND);
  report("ftruncate an O_APPEND fd", ftruncate(ap, 3));
  printf("  size %ld\n", size("f"));
  mkdir("d", 0755);
  report("truncate a directory", truncate("d", 0));
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  report("ftruncate a directory fd", ftruncate(dfd, 0));
  report("truncate missing", truncate("missing", 0));
  int p[2];
  if (pipe(p) != 0) return 1;
  report("ftruncate a pipe", ftruncate(p[1], 0));
  report("ftruncate a closed fd", ftruncate(99, 0));
  return 0;
}
