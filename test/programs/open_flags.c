/* open flags on an existing tree: O_PATH (no I/O, but fstat, fchdir and *at calls),
 * O_NOFOLLOW (final component only), O_DIRECTORY through a symlink, openat relative to a
 * directory fd, readlinkat of an O_PATH symlink fd with an empty path. argv[1]: the tree of
 * errno_path (file, dir, tofile -> file, todir -> dir). */
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

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: open_flags DIR\n"), 2;
  char buf[64];
  struct stat st;
  int p = open("file", O_PATH);
  report("O_PATH file", p);
  report("  read", read(p, buf, 1));
  report("  write", write(p, buf, 1));
  report("  fstat", fstat(p, &st));
  report("  fstatat AT_EMPTY_PATH", fstatat(p, "", &st, AT_EMPTY_PATH));
  report("  fcntl F_GETFD", fcntl(p, F_GETFD));
  report("  dup", dup(p));
  report("  fchmod", fchmod(p, 0644));
  int dp = open("dir", O_PATH | O_DIRECTORY);
  report("O_PATH|O_DIRECTORY dir", dp);
  report("  getdents via read", read(dp, buf, sizeof buf));
  report("  openat(.., \"..\")", openat(dp, "..", O_RDONLY));
  report("  fchdir", fchdir(dp));
  report("  back with chdir ..", chdir(".."));
  report("O_NOFOLLOW tofile", open("tofile", O_RDONLY | O_NOFOLLOW));
  report("O_NOFOLLOW todir/. (not final)", open("todir/.", O_RDONLY | O_NOFOLLOW));
  report("O_NOFOLLOW|O_DIRECTORY todir", open("todir", O_RDONLY | O_NOFOLLOW | O_DIRECTORY));
  report("O_DIRECTORY todir", open("todir", O_RDONLY | O_DIRECTORY));
  report("O_DIRECTORY tofile", open("tofile", O_RDONLY | O_DIRECTORY));
  int lp = open("tofile", O_PATH | O_NOFOLLOW);
  report("O_PATH|O_NOFOLLOW tofile", lp);
  fstat(lp, &st);
  printf("  it is the symlink itself: %s\n", S_ISLNK(st.st_mode) ? "yes" : "no");
  ssize_t n = readlinkat(lp, "", buf, sizeof buf);
  printf("  readlinkat(fd, \"\"): %s \"%.*s\"\n", n < 0 ? strerrorname_np(errno) : "ok", (int)(n > 0 ? n : 0), buf);
  int d = open("dir", O_RDONLY | O_DIRECTORY);
  report("openat(dir fd, \"../file\")", openat(d, "../file", O_RDONLY));
  report("openat(dir fd, \"missing\")", openat(d, "missing", O_RDONLY));
  int f = open("file", O_RDONLY);
  report("openat(file fd, \"x\")", openat(f, "x", O_RDONLY));
  report("openat(file fd, \"\") without AT_EMPTY_PATH", openat(f, "", O_RDONLY));
  report("O_RDONLY|O_CREAT of an existing file", open("file", O_RDONLY | O_CREAT, 0644));
  report("O_WRONLY|O_DIRECTORY of dir", open("dir", O_WRONLY | O_DIRECTORY));
  return 0;
}
