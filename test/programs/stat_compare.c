/* stat, lstat, fstatat, the fstat syscall and statx of each path in argv must agree. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }

static int same(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
         a->st_nlink == b->st_nlink && a->st_uid == b->st_uid && a->st_gid == b->st_gid &&
         a->st_size == b->st_size;
}

static void show(const char *what, const struct stat *st) {
  printf("  %s mode %06o size %lld nlink %lu uid %u\n", what, (unsigned)st->st_mode,
         (long long)st->st_size, (unsigned long)st->st_nlink, (unsigned)st->st_uid);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *path = argv[i];
    struct stat s, l, at, f;
    struct statx x;
    printf("%s\n", path);
    if (lstat(path, &l) != 0) {
      printf("  lstat %s\n", strerrorname_np(errno));
      continue;
    }
    show("lstat", &l);
    if (S_ISLNK(l.st_mode)) {
      char target[256];
      ssize_t n = readlink(path, target, sizeof target);
      printf("  readlink \"%.*s\"\n", (int)(n > 0 ? n : 0), target);
    }
    if (stat(path, &s) != 0) {
      printf("  stat %s\n", strerrorname_np(errno));
      continue;
    }
    show("stat", &s);
    printf("  fstatat(AT_SYMLINK_NOFOLLOW) same as lstat: %s\n",
           yes(fstatat(AT_FDCWD, path, &at, AT_SYMLINK_NOFOLLOW) == 0 && same(&at, &l)));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    printf("  fstat syscall same as stat: %s\n",
           yes(fd >= 0 && syscall(SYS_fstat, fd, &f) == 0 && same(&f, &s)));
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &x) != 0) {
      printf("  statx %s\n", strerrorname_np(errno));
      continue;
    }
    printf("  statx mode %06o size %lld nlink %u uid %u basic mask %s\n", (unsigned)x.stx_mode,
           (long long)x.stx_size, (unsigned)x.stx_nlink, (unsigned)x.stx_uid,
           yes((x.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS));
    printf("  statx same inode as lstat: %s\n", yes(x.stx_ino == l.st_ino));
    printf("  statx(fd, \"\", AT_EMPTY_PATH) same inode as stat: %s\n",
           yes(fd >= 0 && statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &x) == 0 &&
               x.stx_ino == s.st_ino && x.stx_size == (unsigned long long)s.st_size));
    if (fd >= 0) close(fd);
  }
  return 0;
}
