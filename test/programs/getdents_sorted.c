/* getdents64 of a directory the program fills: every entry once (. and .. included), with its
 * d_type, read through a small buffer in several calls; a rewind lists it again; a removed
 * entry disappears. Printed sorted. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static char names[64][80];

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static void list(const char *what, int fd) {
  char buf[128]; /* a few entries per call */
  int n = 0, calls = 0;
  long r;
  while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    calls++;
    for (long off = 0; off < r;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
      const char *t = d->d_type == DT_REG ? "file" : d->d_type == DT_DIR ? "dir" : d->d_type == DT_LNK ? "symlink"
                    : d->d_type == DT_FIFO ? "fifo" : "other";
      if (n < 64) snprintf(names[n++], sizeof names[0], "%s (%s)", d->d_name, t);
      off += d->d_reclen;
    }
  }
  qsort(names, n, sizeof names[0], cmp);
  printf("%s: %d entries, more than one call %s, last call returned %ld\n", what, n, calls > 1 ? "yes" : "no", r);
  for (int i = 0; i < n; i++) printf("  %s\n", names[i]);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: getdents_sorted DIR\n"), 2;
  if (mkdir("d", 0755) != 0 || chdir("d") != 0) return perror("mkdir"), 1;
  const char *files[] = {"c", "a", "b10", "b2", "a-much-longer-file-name-than-the-others.txt", "Z"};
  for (int i = 0; i < 6; i++) close(open(files[i], O_CREAT | O_WRONLY, 0644));
  mkdir("sub", 0755);
  symlink("a", "link");
  mkfifo("fifo", 0644);
  int fd = open(".", O_RDONLY | O_DIRECTORY);
  list("after creating", fd);
  lseek(fd, 0, SEEK_SET);
  unlink("c");
  rmdir("sub");
  list("after a rewind and removing c and sub", fd);
  close(fd);
  fd = open(".", O_RDONLY | O_DIRECTORY);
  struct stat st;
  fstat(fd, &st);
  printf("nlink of the directory: %lu\n", (unsigned long)st.st_nlink);
  return 0;
}
