/* pwritev2's flags: RWF_APPEND writes at the end whatever the offset (a positional write then
 * leaves the file offset alone; offset -1 moves it to the new end), RWF_NOAPPEND writes where
 * asked on an O_APPEND file, RWF_SYNC/RWF_DSYNC/RWF_HIPRI write as usual, an unknown flag is
 * EOPNOTSUPP and a negative offset other than -1 EINVAL. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void result(const char *what, ssize_t r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd\n", what, r);
}

static void show(const char *path) {
  char buf[128] = {0};
  int fd = open(path, O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  printf("  content: \"%.*s\"\n", (int)(n < 0 ? 0 : n), buf);
}

static ssize_t put(int fd, const char *s, off_t offset, int flags) {
  struct iovec iov = {(void *)s, strlen(s)};
  return pwritev2(fd, &iov, 1, offset, flags);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return 2;
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  result("write hello", write(fd, "hello", 5));
  result("pwritev2 AB at 0 with RWF_APPEND", put(fd, "AB", 0, RWF_APPEND));
  show("f");
  result("  file offset", lseek(fd, 0, SEEK_CUR));
  lseek(fd, 1, SEEK_SET);
  result("pwritev2 CD at -1 with RWF_APPEND", put(fd, "CD", -1, RWF_APPEND));
  show("f");
  result("  file offset", lseek(fd, 0, SEEK_CUR));
  result("pwritev2 xy at 1 with RWF_SYNC|RWF_DSYNC|RWF_HIPRI", put(fd, "xy", 1, RWF_SYNC | RWF_DSYNC | RWF_HIPRI));
  show("f");
  result("pwritev2 with an unknown flag", put(fd, "zz", 0, 0x40000));
  result("pwritev2 at offset -2", put(fd, "zz", -2, 0));
  close(fd);

  int ap = open("f", O_WRONLY | O_APPEND);
  result("O_APPEND: pwritev2 QQ at 0", put(ap, "QQ", 0, 0));
  show("f");
  result("O_APPEND: pwritev2 RR at 0 with RWF_NOAPPEND", put(ap, "RR", 0, RWF_NOAPPEND));
  show("f");
  result("  file offset", lseek(ap, 0, SEEK_CUR));
  close(ap);
  return 0;
}
