/* Birth time (statx btime, the "Birth" of stat(1)): a new file's is its first ctime, and it stays
 * when writes, utimensat, chmod, rename and link move the other times. Prints relations only.
 * argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct statx_timestamp t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct statx look(const char *path) {
  struct statx st = {0};
  if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) perror(path);
  return st;
}

static void pause_a_little(void) {
  struct timespec t = {0, 20 * 1000 * 1000};
  nanosleep(&t, NULL);
}

static void check(const char *what, const char *path, long long birth) {
  struct statx st = look(path);
  printf("after %s: btime kept %s, ctime later than btime %s\n", what, ns(st.stx_btime) == birth ? "yes" : "no",
         ns(st.stx_ctime) > birth ? "yes" : "no");
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: statx_btime DIR\n"), 2;
  int fd = open("f", O_CREAT | O_WRONLY, 0644);
  struct statx st = look("f");
  printf("STATX_BTIME in the mask: %s\n", st.stx_mask & STATX_BTIME ? "yes" : "no");
  long long birth = ns(st.stx_btime);
  printf("new file: btime == ctime %s, == mtime %s\n", birth == ns(st.stx_ctime) ? "yes" : "no",
         birth == ns(st.stx_mtime) ? "yes" : "no");
  pause_a_little();
  if (write(fd, "x", 1) != 1) perror("write");
  check("a write", "f", birth);
  pause_a_little();
  if (utimensat(AT_FDCWD, "f", NULL, 0) != 0) perror("utimensat");
  check("utimensat(NULL)", "f", birth);
  struct timespec old[2] = {{1000, 0}, {1000, 0}};
  if (utimensat(AT_FDCWD, "f", old, 0) != 0) perror("utimensat old");
  st = look("f");
  printf("after utimensat to 1970: btime kept %s, mtime 1000 %s\n", ns(st.stx_btime) == birth ? "yes" : "no",
         st.stx_mtime.tv_sec == 1000 ? "yes" : "no");
  pause_a_little();
  if (fchmod(fd, 0600) != 0) perror("fchmod");
  check("fchmod", "f", birth);
  pause_a_little();
  if (rename("f", "g") != 0) perror("rename");
  check("rename", "g", birth);
  if (link("g", "h") != 0) perror("link");
  check("link", "h", birth);
  close(fd);
  if (mkdir("d", 0755) != 0) perror("mkdir");
  st = look("d");
  long long dbirth = ns(st.stx_btime);
  printf("new directory: btime == ctime %s\n", dbirth == ns(st.stx_ctime) ? "yes" : "no");
  pause_a_little();
  close(open("d/entry", O_CREAT | O_WRONLY, 0644));
  check("an entry made in the directory", "d", dbirth);
  return 0;
}
