/* An unlinked file lives on while an fd holds it: readable and writable, nlink 0, its name
 * gone (and reusable), /proc/self/fd shows "(deleted)"; a hard link keeps the data; unlink's
 * errors. argv[1]: an empty writable directory. */
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
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: unlink_open DIR\n"), 2;
  int fd = open("f", O_CREAT | O_RDWR, 0644);
  if (write(fd, "still here", 10) != 10) return 1;
  report("unlink f while open", unlink("f"));
  struct stat st;
  report("stat f", stat("f", &st));
  fstat(fd, &st);
  printf("fstat: nlink %lu, size %lld\n", (unsigned long)st.st_nlink, (long long)st.st_size);
  char buf[32] = "";
  printf("pread: \"%.*s\"\n", (int)pread(fd, buf, sizeof buf, 0), buf);
  printf("write more: %zd\n", write(fd, "!", 1));
  fstat(fd, &st);
  printf("size now %lld\n", (long long)st.st_size);
  char fdpath[64], target[4200];
  snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(fdpath, target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  printf("/proc/self/fd link ends with \" (deleted)\": %s\n", n > 10 && strcmp(target + n - 10, " (deleted)") == 0 ? "yes" : "no");
  int again = open("f", O_CREAT | O_EXCL | O_RDWR, 0644);
  report("create a new f", again);
  struct stat st2;
  fstat(again, &st2);
  printf("the new f is another inode: %s, empty: %s\n", st2.st_ino != st.st_ino ? "yes" : "no", st2.st_size == 0 ? "yes" : "no");
  close(fd);
  int g = open("g", O_CREAT | O_RDWR, 0644);
  if (write(g, "linked", 6) != 6) return 1;
  close(g);
  link("g", "h");
  report("unlink g (h links it)", unlink("g"));
  stat("h", &st);
  printf("h: nlink %lu, size %lld\n", (unsigned long)st.st_nlink, (long long)st.st_size);
  mkdir("d", 0755);
  report("unlink a directory", unlink("d"));
  report("unlinkat AT_REMOVEDIR of a directory", unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
  report("unlink missing", unlink("missing"));
  report("unlink h/ (trailing slash, a file)", unlink("h/"));
  report("unlink h/x", unlink("h/x"));
  report("unlinkat with bad flags", unlinkat(AT_FDCWD, "h", 0x1234));
  symlink("h", "s");
  report("unlink a symlink", unlink("s"));
  report("h survives its symlink's unlink", stat("h", &st));
  return 0;
}
