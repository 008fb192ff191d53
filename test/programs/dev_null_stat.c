/* The memory devices: character devices with the Linux major/minor numbers (null 1,3, zero
 * 1,5, full 1,7, random 1,8, urandom 1,9), mode 0666, and their behaviour: /dev/null reads
 * EOF and swallows writes, /dev/zero reads zeros, /dev/full fails writes with ENOSPC. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void show(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    printf("%s: %s\n", path, strerrorname_np(errno));
    return;
  }
  printf("%s: char device %s, rdev %u,%u, mode %04o, size %lld\n", path, S_ISCHR(st.st_mode) ? "yes" : "no",
         major(st.st_rdev), minor(st.st_rdev), (unsigned)(st.st_mode & 07777), (long long)st.st_size);
}

int main(void) {
  const char *devs[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"};
  for (int i = 0; i < 5; i++) show(devs[i]);
  struct stat a, b;
  int fd = open("/dev/null", O_RDWR);
  fstat(fd, &a);
  stat("/dev/null", &b);
  printf("fstat of an open /dev/null matches stat: %s\n", a.st_rdev == b.st_rdev && a.st_ino == b.st_ino ? "yes" : "no");
  char buf[4096];
  printf("read /dev/null: %zd\n", read(fd, buf, sizeof buf));
  printf("write 4096 to /dev/null: %zd\n", write(fd, buf, sizeof buf));
  int z = open("/dev/zero", O_RDWR);
  memset(buf, 1, sizeof buf);
  ssize_t n = read(z, buf, sizeof buf);
  int zeros = 1;
  for (ssize_t i = 0; i < n; i++) zeros &= buf[i] == 0;
  printf("read /dev/zero: %zd, all zero %s\n", n, zeros ? "yes" : "no");
  printf("write to /dev/zero: %zd\n", write(z, buf, 10));
  int f = open("/dev/full", O_RDWR);
  printf("write to /dev/full: %s\n", write(f, buf, 10) < 0 ? strerrorname_np(errno) : "ok");
  printf("read /dev/full: %zd\n", read(f, buf, 100));
  int u = open("/dev/urandom", O_RDONLY);
  printf("read 100 from /dev/urandom: %zd\n", read(u, buf, 100));
  printf("/dev/null is a tty: %s\n", isatty(fd) ? "yes" : strerrorname_np(errno));
  struct stat l;
  lstat("/dev/stdin", &l);
  n = readlink("/dev/stdin", buf, sizeof buf);
  printf("/dev/stdin: symlink %s -> \"%.*s\"\n", S_ISLNK(l.st_mode) ? "yes" : "no", (int)(n > 0 ? n : 0), buf);
  return 0;
}
