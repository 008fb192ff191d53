/* mkdir and rmdir: nlink counts (2 + subdirectories), ENOTEMPTY for a directory with entries,
 * EINVAL for ".", ENOTEMPTY for "..", ENOTDIR for files and symlinks, ENOENT for missing
 * parents; a trailing slash is fine. argv[1]: an empty writable directory. */
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

static void nlink(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) printf("  nlink of %s: %s\n", path, strerrorname_np(errno));
  else printf("  nlink of %s: %lu, directory %s, mode %04o\n", path, (unsigned long)st.st_nlink,
              S_ISDIR(st.st_mode) ? "yes" : "no", (unsigned)(st.st_mode & 07777));
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: mkdir_rmdir DIR\n"), 2;
  umask(022);
  report("mkdir d", mkdir("d", 0755));
  nlink("d");
  report("mkdir d/a", mkdir("d/a", 0700));
  report("mkdir d/b/ (trailing slash)", mkdir("d/b/", 0777));
  nlink("d");
  nlink("d/a");
  report("mkdir x/y (missing parent)", mkdir("x/y", 0755));
  close(open("d/file", O_CREAT | O_WRONLY, 0644));
  report("mkdir d/file/sub (through a file)", mkdir("d/file/sub", 0755));
  report("rmdir d (has entries)", rmdir("d"));
  report("rmdir d/file (a file)", rmdir("d/file"));
  symlink("a", "d/link");
  report("rmdir d/link (symlink to a dir)", rmdir("d/link"));
  report("rmdir d/link/ (through the symlink)", rmdir("d/link/"));
  report("rmdir d/a/.", rmdir("d/a/."));
  report("rmdir d/a/..", rmdir("d/a/.."));
  report("rmdir .", rmdir("."));
  report("rmdir missing", rmdir("missing"));
  report("rmdir d/a", rmdir("d/a"));
  report("rmdir d/b/ (trailing slash)", rmdir("d/b/"));
  nlink("d");
  report("rmdir d/a again", rmdir("d/a"));
  unlink("d/file"), unlink("d/link");
  int fd = open("d", O_RDONLY | O_DIRECTORY);
  report("rmdir d (now empty, but open)", rmdir("d"));
  struct stat st;
  fstat(fd, &st);
  printf("  the open fd: nlink %lu\n", (unsigned long)st.st_nlink);
  report("  openat in the removed directory", openat(fd, "new", O_CREAT | O_WRONLY, 0644));
  report("  mkdirat in it", mkdirat(fd, "new", 0755));
  return 0;
}
