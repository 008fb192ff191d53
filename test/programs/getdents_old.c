/* getdents (the call before getdents64, still in old static binaries): linux_dirent records
 * with d_type in each record's last byte and d_reclen rounded to 8; the same entries and inode
 * numbers as getdents64; a buffer too small for one record is EINVAL, a file ENOTDIR, a closed
 * fd EBADF, an unwritable buffer EFAULT. Printed sorted. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent {
  unsigned long d_ino;
  unsigned long d_off;
  unsigned short d_reclen;
  char d_name[];
};

struct linux_dirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static char lines[64][128];
static unsigned long inos[64];
static char inonames[64][80];
static int ninos;

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static void result(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(int argc, char **argv) {
  if (argc < 2) return printf("usage: getdents_old DIR\n"), 2;
  if (chdir(argv[1]) != 0) return 1;
  mkdir("subdir", 0755);
  close(open("a-file", O_CREAT | O_WRONLY, 0644));
  close(open("name-of-nineteen-ch", O_CREAT | O_WRONLY, 0644));
  symlink("a-file", "link");
  mkfifo("fifo", 0644);

  int fd = open(".", O_RDONLY | O_DIRECTORY);
  char buf[96]; /* two or three records per call */
  long r;
  int n = 0, calls = 0;
  while ((r = syscall(SYS_getdents, fd, buf, sizeof buf)) > 0) {
    calls++;
    for (long at = 0; at < r;) {
      struct linux_dirent *d = (struct linux_dirent *)(buf + at);
      unsigned char type = *((unsigned char *)d + d->d_reclen - 1);
      size_t want = (18 + strlen(d->d_name) + 2 + 7) & ~7UL;
      snprintf(lines[n], sizeof lines[n], "%s type=%u reclen=%s off=%s", d->d_name, type,
               d->d_reclen == want ? "ok" : "WRONG", d->d_off != 0 ? "set" : "zero");
      inos[n] = d->d_ino;
      snprintf(inonames[n], sizeof inonames[n], "%s", d->d_name);
      n++;
      at += d->d_reclen;
    }
  }
  result("end of listing", r);
  ninos = n;
  qsort(lines, n, sizeof lines[0], cmp);
  for (int i = 0; i < n; i++) printf("%s\n", lines[i]);
  printf("several calls: %s\n", calls > 1 ? "yes" : "no");

  /* getdents64 gives the same inode numbers. */
  lseek(fd, 0, SEEK_SET);
  char buf64[4096];
  int same = 0;
  while ((r = syscall(SYS_getdents64, fd, buf64, sizeof buf64)) > 0) {
    for (long at = 0; at < r;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf64 + at);
      for (int i = 0; i < ninos; i++)
        if (strcmp(inonames[i], d->d_name) == 0 && inos[i] == d->d_ino) same++;
      at += d->d_reclen;
    }
  }
  printf("entries with getdents64's inode: %d of %d\n", same, ninos);

  lseek(fd, 0, SEEK_SET);
  char tiny[16];
  result("buffer too small", syscall(SYS_getdents, fd, tiny, sizeof tiny));
  result("unwritable buffer", syscall(SYS_getdents, fd, (void *)8, 4096));
  int file = open("a-file", O_RDONLY);
  result("on a file", syscall(SYS_getdents, file, buf, sizeof buf));
  close(file);
  close(fd);
  result("closed fd", syscall(SYS_getdents, fd, buf, sizeof buf));
  return 0;
}
