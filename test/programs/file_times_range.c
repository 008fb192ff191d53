/* File times as stat, fstat and statx report them after utimensat and futimens set them:
 * to the nanosecond, before 1970 (tv_sec rounded down, tv_nsec 0..999999999), and past 2262
 * (where nanoseconds since 1970 no longer fit 64 bits); times set to now (touch, NULL or
 * UTIME_NOW) equal the ctime set with them, as findutils' -used relies on. argv[1]: a directory to write in;
 * argv[2] "far": also 1900 and 9999, which a filesystem may clamp to its own range (ext4's is
 * 1901-12-13 to 2446, tmpfs has none), so only compared where both sides use one host
 * filesystem. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct timespec TIMES[] = {
  {-1, 500000000},          /* 1969-12-31 23:59:59.5 */
  {0, 999999999},
  {1700000000, 123456789},  /* nanoseconds kept */
  {2147483648, 7},          /* past 2038 */
  {13569465600, 987654321}, /* 2400, past 2262 */
};
static const struct timespec FAR[] = {
  {-2208988800, 1},         /* 1900 */
  {253402300799, 999999999}, /* 9999-12-31 23:59:59 */
};

static void show(const char *how, const struct timespec *a, const struct timespec *m) {
  printf("  %s: atime %lld.%09ld mtime %lld.%09ld\n", how, (long long)a->tv_sec, a->tv_nsec,
         (long long)m->tv_sec, m->tv_nsec);
}

static void report(const char *path, int fd) {
  struct stat st;
  if (stat(path, &st) == 0) show("stat", &st.st_atim, &st.st_mtim);
  else perror("stat");
  if (fstat(fd, &st) == 0) show("fstat", &st.st_atim, &st.st_mtim);
  else perror("fstat");
  struct statx sx;
  if (statx(AT_FDCWD, path, 0, STATX_ATIME | STATX_MTIME, &sx) == 0) {
    struct timespec a = {sx.stx_atime.tv_sec, sx.stx_atime.tv_nsec};
    struct timespec m = {sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec};
    show("statx", &a, &m);
  } else {
    perror("statx");
  }
}

static void try_time(const char *path, int fd, struct timespec t) {
  printf("set %lld.%09ld\n", (long long)t.tv_sec, t.tv_nsec);
  struct timespec both[2] = {t, t};
  if (utimensat(AT_FDCWD, path, both, 0) != 0) perror("utimensat");
  report(path, fd);
  /* futimens, and a time each apart: mtime one nanosecond later, atime left alone. */
  struct timespec later = t;
  if (++later.tv_nsec == 1000000000) later.tv_sec++, later.tv_nsec = 0;
  struct timespec omit_a[2] = {{0, UTIME_OMIT}, later};
  if (futimens(fd, omit_a) != 0) perror("futimens");
  report(path, fd);
}

static int same(struct timespec a, struct timespec b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

static void now_equals_ctime(const char *how, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return perror("stat");
  printf("%s: atime == ctime %d, mtime == ctime %d\n", how, same(st.st_atim, st.st_ctim), same(st.st_mtim, st.st_ctim));
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: file_times_range DIR [far]\n"), 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/times", argv[1]);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return perror("open"), 1;
  for (size_t i = 0; i < sizeof TIMES / sizeof TIMES[0]; i++) try_time(path, fd, TIMES[i]);
  if (argc > 2 && strcmp(argv[2], "far") == 0)
    for (size_t i = 0; i < sizeof FAR / sizeof FAR[0]; i++) try_time(path, fd, FAR[i]);
  if (utimensat(AT_FDCWD, path, NULL, 0) != 0) perror("utimensat NULL");
  now_equals_ctime("utimensat NULL", path);
  struct timespec t0[2] = {{0, 0}, {0, 0}};
  if (futimens(fd, t0) != 0) perror("futimens 0");
  if (futimens(fd, NULL) != 0) perror("futimens NULL");
  now_equals_ctime("futimens NULL", path);
  struct timespec mtime_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
  if (futimens(fd, mtime_now) != 0) perror("futimens UTIME_NOW");
  now_equals_ctime("mtime UTIME_NOW, atime omitted", path);
  close(fd);
  unlink(path);
  return 0;
}
