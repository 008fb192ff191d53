/* Opening /proc/self/fd/N (and /dev/stderr, its link for fd 2) of a regular file opens that
 * file again, for writing too: a new open file with its own offset, O_TRUNC truncating it, as
 * `sed 'w/dev/stderr' 2>log` and `cmd > /dev/stdout` rely on. argv[1]: a directory to write in. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show_file(const char *what, const char *path) {
  char buf[256];
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (n < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: \"%.*s\"\n", what, (int)n, buf);
  if (fd >= 0) close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: proc_fd_reopen DIR\n"), 2;
  char path[4096], link[64];
  snprintf(path, sizeof path, "%s/log", argv[1]);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return perror("open"), 1;
  if (write(fd, "first line\n", 11) != 11) return perror("write"), 1;

  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  int again = open(link, O_WRONLY);
  printf("reopen O_WRONLY: %s, offset %lld (the first fd's: %lld)\n", again < 0 ? strerror(errno) : "ok",
         (long long)lseek(again, 0, SEEK_CUR), (long long)lseek(fd, 0, SEEK_CUR));
  if (again >= 0) printf("write through it: %zd\n", write(again, "FIRST", 5));
  show_file("after", path);
  close(again);

  int rdwr = open(link, O_RDWR | O_APPEND);
  printf("reopen O_RDWR|O_APPEND: %s\n", rdwr < 0 ? strerror(errno) : "ok");
  if (rdwr >= 0) printf("append through it: %zd\n", write(rdwr, "appended\n", 9));
  show_file("after", path);
  close(rdwr);

  /* fd 2 is the file: fopen("/dev/stderr", "w") truncates and writes it from the start. */
  if (dup2(fd, 2) != 2) return perror("dup2"), 1;
  FILE *err = fopen("/dev/stderr", "w");
  printf("fopen /dev/stderr \"w\": %s\n", err ? "ok" : strerror(errno));
  if (err) {
    fputs("via /dev/stderr\n", err);
    fclose(err);
  }
  show_file("after", path);

  int ro = open(link, O_RDONLY);
  char buf[64];
  ssize_t n = ro < 0 ? -1 : read(ro, buf, sizeof buf);
  printf("reopen O_RDONLY reads %zd\n", n);
  ssize_t w = write(ro, "x", 1);
  printf("write to the read-only one: %zd %s\n", w, w < 0 ? strerror(errno) : "");
  close(ro);
  close(fd);
  unlink(path);
  return 0;
}
