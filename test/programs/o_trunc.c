/* O_TRUNC empties an existing file, even opened O_RDONLY (Linux); creat() truncates; other fds
 * keep their offsets, so a later write leaves a hole of zeros. argv[1]: an empty writable dir. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void refill(void) {
  int fd = open("f", O_WRONLY | O_CREAT, 0644);
  if (write(fd, "0123456789", 10) != 10) printf("refill failed\n");
  close(fd);
}

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: o_trunc DIR\n"), 2;
  refill();
  printf("size before %ld\n", size("f"));
  int keep = open("f", O_RDWR);
  lseek(keep, 8, SEEK_SET);
  int fd = open("f", O_WRONLY | O_TRUNC);
  printf("O_WRONLY|O_TRUNC: size %ld, offset %ld\n", size("f"), (long)lseek(fd, 0, SEEK_CUR));
  close(fd);
  printf("the other fd keeps offset %ld\n", (long)lseek(keep, 0, SEEK_CUR));
  printf("its write returns %zd\n", write(keep, "AB", 2));
  char buf[16];
  int r = open("f", O_RDONLY);
  ssize_t n = read(r, buf, sizeof buf);
  printf("file now %zd bytes:", n);
  for (ssize_t i = 0; i < n; i++) printf(" %02x", (unsigned char)buf[i]);
  printf("\n");
  close(r);
  close(keep);
  refill();
  fd = open("f", O_RDONLY | O_TRUNC);
  printf("O_RDONLY|O_TRUNC: size %ld, read returns %zd\n", size("f"), read(fd, buf, sizeof buf));
  close(fd);
  refill();
  fd = creat("f", 0600);
  printf("creat of an existing file: size %ld\n", size("f"));
  close(fd);
  fd = open("new", O_RDWR | O_CREAT | O_TRUNC, 0644);
  printf("O_CREAT|O_TRUNC of a new file: size %ld\n", size("new"));
  mkdir("d", 0755);
  report("O_TRUNC of a directory", open("d", O_RDONLY | O_TRUNC));
  report("O_TRUNC of /dev/null", open("/dev/null", O_WRONLY | O_TRUNC));
  report("O_TRUNC of a missing file", open("missing", O_WRONLY | O_TRUNC));
  return 0;
}
