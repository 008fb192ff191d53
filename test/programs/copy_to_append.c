/* The kernel's own copies refuse an output open with O_APPEND: sendfile and splice with
 * EINVAL, copy_file_range with EBADF; the file is left as it was. A pipe output with O_APPEND
 * is fine. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

static void result(const char *what, long r) {
  printf("%-36s %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: copy_to_append DIR\n"), 2;
  int in = open("in", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(in, "0123456789", 10) != 10) return 1;
  int app = open("out", O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (write(app, "abc", 3) != 3) return 1;
  off_t off = 0;
  result("sendfile to O_APPEND", sendfile(app, in, &off, 5));
  result("sendfile of 0 bytes to O_APPEND", sendfile(app, in, &off, 0));
  off_t in_off = 0;
  result("copy_file_range to O_APPEND", copy_file_range(in, &in_off, app, NULL, 5, 0));
  int p[2];
  if (pipe(p) != 0) return 1;
  if (write(p[1], "xyz", 3) != 3) return 1;
  result("splice pipe to O_APPEND", splice(p[0], NULL, app, NULL, 3, 0));
  struct stat st;
  fstat(app, &st);
  printf("out is still %ld bytes\n", (long)st.st_size);
  /* Without O_APPEND (F_SETFL clears it) the same calls copy. */
  fcntl(app, F_SETFL, 0);
  lseek(app, 0, SEEK_END);
  off = 0;
  result("sendfile after F_SETFL 0", sendfile(app, in, &off, 5));
  result("splice after F_SETFL 0", splice(p[0], NULL, app, NULL, 3, 0));
  in_off = 0;
  result("copy_file_range after F_SETFL 0", copy_file_range(in, &in_off, app, NULL, 2, 0));
  /* A pipe's O_APPEND means nothing. */
  int q[2];
  if (pipe(q) != 0) return 1;
  fcntl(q[1], F_SETFL, O_APPEND);
  off = 0;
  result("sendfile to a pipe with O_APPEND", sendfile(q[1], in, &off, 4));
  char buf[32];
  int fd = open("out", O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf);
  printf("out: \"%.*s\"\n", (int)(n > 0 ? n : 0), buf);
  return 0;
}
