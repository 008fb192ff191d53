/* A directory tree deeper than PATH_MAX, reached by short relative names: Linux resolves each
 * name from the cwd, so only one call's path is limited to PATH_MAX, never the depth (gnulib's
 * test-getcwd makes 1366 levels of "confdir3"). argv[1]: a directory; argv[2]: "make" (make
 * 500 levels there, use the bottom, remove them again) or "walk" (the 500 levels are there
 * with a file f at the bottom: read and change it, list, look it up from half-way).
 * 500 levels of "confdir3/" are 4500 bytes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LEVELS 500
#define NAME "confdir3"

static const char *err(int r) { return r == 0 ? "ok" : strerrorname_np(errno); }

static int down(int levels, int make) {
  for (int i = 0; i < levels; i++) {
    if (make && mkdir(NAME, 0700) != 0) return printf("mkdir at depth %d: %s\n", i, err(-1)), i;
    if (chdir(NAME) != 0) return printf("chdir at depth %d: %s\n", i, err(-1)), i;
  }
  return levels;
}

static int entries(void) {
  DIR *d = opendir(".");
  if (!d) return -errno;
  int n = 0;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}

static void show(const char *name) {
  char buf[64] = {0};
  int fd = open(name, O_RDONLY);
  if (fd < 0) return (void)printf("open %s: %s\n", name, err(-1));
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  struct stat st;
  int r = stat(name, &st);
  printf("%s: %zd bytes read: %s", name, n, buf);
  printf("stat %s: %s, size %lld\n", name, err(r), r == 0 ? (long long)st.st_size : -1LL);
}

static void bottom(void) {
  static char cwd[8192];
  long r = syscall(SYS_getcwd, cwd, sizeof cwd);
  printf("getcwd at the bottom: %s\n", r < 0 ? strerrorname_np(errno) : "a name");
  printf("entries at the bottom: %d\n", entries());
}

static int make(void) {
  int got = down(LEVELS, 1);
  printf("made %d levels\n", got);
  if (got == LEVELS) {
    bottom();
    int fd = open("f", O_CREAT | O_EXCL | O_WRONLY, 0600);
    printf("create f: %s\n", fd < 0 ? err(-1) : "ok");
    if (fd >= 0) {
      printf("write: %zd\n", write(fd, "bottom\n", 7));
      close(fd);
    }
    show("f");
    printf("symlink l -> f: %s\n", err(symlink("f", "l")));
    char target[16] = {0};
    printf("readlink l: %zd %s\n", readlink("l", target, sizeof target - 1), target);
    printf("rename f g: %s\n", err(rename("f", "g")));
    show("g");
    printf("entries: %d\n", entries());
    printf("unlink l: %s\n", err(unlink("l")));
    printf("unlink g: %s\n", err(unlink("g")));
  }
  int removed = 0;
  for (int i = 0; i < got; i++) {
    if (chdir("..") != 0 || rmdir(NAME) != 0) break;
    removed++;
  }
  printf("removed %d levels\n", removed);
  return 0;
}

static int walk(void) {
  if (down(LEVELS / 2, 0) != LEVELS / 2) return 1;
  /* From half-way, one path of 250 names (2259 bytes) to the bottom's file. */
  char path[LEVELS / 2 * 9 + 2] = "";
  for (int i = 0; i < LEVELS / 2; i++) strcat(path, NAME "/");
  strcat(path, "f");
  struct stat st;
  int r = stat(path, &st);
  printf("stat of the bottom's f from half-way: %s, size %lld\n", err(r), r == 0 ? (long long)st.st_size : -1LL);
  int got = down(LEVELS - LEVELS / 2, 0) + LEVELS / 2;
  printf("went down %d levels\n", got);
  if (got != LEVELS) return 1;
  bottom();
  show("f");
  int fd = open("f", O_WRONLY | O_APPEND);
  printf("open f for appending: %s\n", fd < 0 ? err(-1) : "ok");
  if (fd >= 0) {
    printf("append: %zd\n", write(fd, "more\n", 5));
    close(fd);
  }
  show("f");
  int up = 0;
  while (up < LEVELS && chdir("..") == 0) up++;
  printf("went up %d levels; %s is there: %s\n", up, NAME, err(stat(NAME, &st)));
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3 || chdir(argv[1]) != 0) return printf("usage: deep_host_dirs DIR make|walk\n"), 2;
  return strcmp(argv[2], "make") == 0 ? make() : walk();
}
