/* getcwd and chdir: getcwd is the resolved path (symlinks followed by chdir), exactly sized
 * buffers work and one byte less is ERANGE; chdir/fchdir errors; ".." moves up; "/.." is "/".
 * argv[1]: the tree of errno_path (file, dir, todir -> dir). Prints relations, not paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(int argc, char **argv) {
  if (argc < 2) return printf("usage: getcwd_chdir DIR\n"), 2;
  char real[PATH_MAX], cwd[PATH_MAX], expect[PATH_MAX + 8];
  if (!realpath(argv[1], real)) return perror("realpath"), 1;
  report("chdir DIR", chdir(argv[1]));
  printf("getcwd is the resolved DIR: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, real) == 0 ? "yes" : "no");
  size_t len = strlen(real);
  long r = syscall(SYS_getcwd, cwd, len + 1);
  printf("raw getcwd with exactly len+1 bytes returns len+1: %s\n", r == (long)len + 1 ? "yes" : "no");
  report("raw getcwd with len bytes", syscall(SYS_getcwd, cwd, len));
  report("chdir todir", chdir("todir"));
  snprintf(expect, sizeof expect, "%s/dir", real);
  printf("getcwd after chdir through a symlink names the target: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, expect) == 0 ? "yes" : "no");
  report("chdir ..", chdir(".."));
  printf("back in DIR: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, real) == 0 ? "yes" : "no");
  report("chdir file", chdir("file"));
  report("chdir missing", chdir("missing"));
  report("chdir empty string", chdir(""));
  int f = open("file", O_RDONLY), d = open("dir", O_RDONLY | O_DIRECTORY);
  report("fchdir to a file fd", fchdir(f));
  report("fchdir to a dir fd", fchdir(d));
  printf("getcwd after fchdir is DIR/dir: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, expect) == 0 ? "yes" : "no");
  report("chdir /..", chdir("/.."));
  printf("getcwd: \"%s\"\n", getcwd(cwd, sizeof cwd) ? cwd : strerrorname_np(errno));
  report("chdir /proc/self/cwd", chdir("/proc/self/cwd"));
  printf("getcwd: \"%s\"\n", getcwd(cwd, sizeof cwd) ? cwd : strerrorname_np(errno));
  report("chdir //usr//bin/", chdir("//usr//bin/"));
  printf("getcwd: \"%s\"\n", getcwd(cwd, sizeof cwd) ? cwd : strerrorname_np(errno));
  return 0;
}
