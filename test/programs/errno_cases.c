/* The errno of each failing call the foundation supports. argv[1]: a regular file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MISSING "/nonexistent-tsvisor-test/file"
static char *volatile bad = (char *)1; /* an unmapped address the compiler cannot see */

static void report(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(int argc, char **argv) {
  const char *file = argc > 1 ? argv[1] : "/etc/passwd";
  char buf[64], through[4200];
  struct stat st;
  int fd = open(file, O_RDONLY);
  report("open regular file", fd);
  snprintf(through, sizeof through, "%s/x", file);
  report("open missing", open(MISSING, O_RDONLY));
  report("open empty path", open("", O_RDONLY));
  report("open through a file", open(through, O_RDONLY));
  report("openat with a file as dirfd", openat(fd, "x", O_RDONLY));
  report("openat with a bad dirfd", openat(99, "x", O_RDONLY));
  report("open O_DIRECTORY of a file", open(file, O_RDONLY | O_DIRECTORY));
  report("open a directory for writing", open("/", O_WRONLY));
  report("read bad fd", read(99, buf, 1));
  report("write bad fd", write(99, "x", 1));
  report("close bad fd", close(99));
  report("lseek bad fd", lseek(99, 0, SEEK_SET));
  report("fstat bad fd", fstat(99, &st));
  report("lseek negative offset", lseek(fd, -1, SEEK_SET));
  report("lseek bad whence", lseek(fd, 0, 42));
  report("readlink of a regular file", readlink(file, buf, sizeof buf));
  report("readlink missing", readlink(MISSING, buf, sizeof buf));
  report("stat missing", stat(MISSING, &st));
  report("access missing", access(MISSING, F_OK));
  report("access regular file", access(file, R_OK));
  report("getcwd buffer too small", getcwd(buf, 1) ? 0 : -1);
  report("read into bad pointer", read(fd, bad, 10));
  report("write from bad pointer", write(1, bad, 10));
  report("open bad path pointer", open(bad, O_RDONLY));
  report("stat bad path pointer", stat(bad, &st));
  report("stat bad buffer pointer", stat(file, (struct stat *)bad));
  report("fstat bad buffer pointer", fstat(fd, (struct stat *)bad));
  report("readlink bad path pointer", readlink(bad, buf, sizeof buf));
  report("access bad path pointer", access(bad, F_OK));
  report("getcwd bad buffer pointer", getcwd(bad, 100) ? 0 : -1);
  return 0;
}
