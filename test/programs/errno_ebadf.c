/* EBADF: fd-taking calls on a closed or out-of-range fd, and I/O against an fd's open mode.
 * argv[1]: a readable regular file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(int argc, char **argv) {
  const char *file = argc > 1 ? argv[1] : "/etc/passwd";
  char buf[64];
  struct stat st;
  int closed = open(file, O_RDONLY); /* moved to 40 and closed: no later call reuses it */
  dup2(closed, 40);
  close(closed);
  closed = 40;
  close(closed);
  report("read closed fd", read(closed, buf, 1));
  report("write closed fd", write(closed, "x", 1));
  report("close closed fd", close(closed));
  report("close -1", close(-1));
  report("dup closed fd", dup(closed));
  report("dup2 from closed fd", dup2(closed, 20));
  report("dup2 closed fd onto itself", dup2(closed, closed));
  report("fstat closed fd", fstat(closed, &st));
  report("fcntl F_GETFD closed fd", fcntl(closed, F_GETFD));
  report("fcntl F_GETFL closed fd", fcntl(closed, F_GETFL));
  report("lseek closed fd", lseek(closed, 0, SEEK_CUR));
  report("pread closed fd", pread(closed, buf, 1, 0));
  report("fchdir closed fd", fchdir(closed));
  report("getdents64 closed fd", syscall(SYS_getdents64, closed, buf, sizeof buf));
  report("ftruncate closed fd", ftruncate(closed, 0));
  report("fsync closed fd", fsync(closed));
  report("read fd 100000", read(100000, buf, 1));
  report("read fd INT_MAX", read(INT_MAX, buf, 1));
  report("read fd -1", read(-1, buf, 1));
  report("openat relative with closed dirfd", openat(closed, "x", O_RDONLY));
  int fd = openat(closed, file, O_RDONLY);
  report("openat absolute path ignores a closed dirfd", fd);
  report("fstatat AT_EMPTY_PATH closed fd", fstatat(closed, "", &st, AT_EMPTY_PATH));
  report("write to an O_RDONLY fd", write(fd, "x", 1));
  report("pwrite to an O_RDONLY fd", pwrite(fd, "x", 1, 0));
  int wo = open("/dev/null", O_WRONLY);
  report("read from an O_WRONLY fd", read(wo, buf, 1));
  int p[2];
  report("pipe", pipe(p));
  report("write to a pipe's read end", write(p[0], "x", 1));
  report("read from a pipe's write end", read(p[1], buf, 1));
  int path = open(file, O_PATH);
  report("open O_PATH", path);
  report("read from an O_PATH fd", read(path, buf, 1));
  report("fstat of an O_PATH fd", fstat(path, &st));
  report("fchdir to a regular file", fchdir(fd));
  report("dup2 to a negative fd", dup2(fd, -1));
  return 0;
}
