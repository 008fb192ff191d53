/* O_APPEND: every write goes to the end whatever the offset, pwrite too (a Linux quirk),
 * set and seen through F_SETFL/F_GETFL, per open file. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }

static void show(const char *what) {
  char buf[128];
  int fd = open("f", O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  printf("%s: \"%.*s\"\n", what, (int)(n > 0 ? n : 0), buf);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: o_append DIR\n"), 2;
  int w = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (w < 0) return perror("create"), 1;
  if (write(w, "hello", 5) != 5) return 1;
  int a = open("f", O_WRONLY | O_APPEND);
  printf("O_APPEND fd starts at offset %ld\n", (long)lseek(a, 0, SEEK_CUR));
  printf("F_GETFL has O_APPEND: %s\n", yes(fcntl(a, F_GETFL) & O_APPEND));
  lseek(a, 0, SEEK_SET);
  printf("write after seeking to 0 returns %zd\n", write(a, "XY", 2));
  printf("offset after it %ld\n", (long)lseek(a, 0, SEEK_CUR));
  show("after an appending write");
  printf("pwrite at 0 returns %zd\n", pwrite(a, "Z", 1, 0));
  show("after pwrite at 0 on an O_APPEND fd");
  lseek(w, 0, SEEK_SET);
  printf("plain fd writes at its own offset: %zd\n", write(w, "ab", 2));
  show("after a write at offset 0 by the plain fd");
  printf("plain fd offset %ld\n", (long)lseek(w, 0, SEEK_CUR));
  fcntl(w, F_SETFL, fcntl(w, F_GETFL) | O_APPEND);
  printf("F_SETFL O_APPEND on the plain fd: %s\n", yes(fcntl(w, F_GETFL) & O_APPEND));
  printf("write returns %zd\n", write(w, "!", 1));
  show("after it");
  int d = dup(a);
  fcntl(d, F_SETFL, 0);
  printf("F_SETFL 0 through a dup clears O_APPEND of the original: %s\n", yes(!(fcntl(a, F_GETFL) & O_APPEND)));
  lseek(a, 0, SEEK_SET);
  printf("write returns %zd\n", write(a, "_", 1));
  show("after a write at 0 once O_APPEND is cleared");
  int rw = open("f", O_RDWR | O_APPEND);
  char c;
  printf("O_RDWR|O_APPEND reads from offset 0: %s\n", yes(read(rw, &c, 1) == 1 && c == '_'));
  struct stat st;
  fstat(rw, &st);
  printf("final size %lld\n", (long long)st.st_size);
  return 0;
}
