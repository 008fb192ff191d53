/* F_GETFL: the access mode and status flags of each kind of fd (O_LARGEFILE included, as
 * the 64-bit kernel reports it); F_SETFL changes only O_APPEND/O_NONBLOCK (and a few
 * others), never the access mode; O_NONBLOCK makes an empty pipe's read EAGAIN. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show(const char *what, int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  const char *acc = (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDWR";
  printf("%s: %s%s%s%s%s (0%o)\n", what, acc, fl & O_APPEND ? "|O_APPEND" : "", fl & O_NONBLOCK ? "|O_NONBLOCK" : "",
         fl & O_PATH ? "|O_PATH" : "", fl & 0100000 ? "|O_LARGEFILE" : "", fl);
}

int main(int argc, char **argv) {
  const char *file = argc > 1 ? argv[1] : "/etc/passwd";
  show("file O_RDONLY", open(file, O_RDONLY));
  show("/dev/null O_WRONLY", open("/dev/null", O_WRONLY));
  show("/dev/null O_RDWR|O_APPEND", open("/dev/null", O_RDWR | O_APPEND));
  show("/dev/null O_RDONLY|O_NONBLOCK", open("/dev/null", O_RDONLY | O_NONBLOCK));
  show("file O_PATH", open(file, O_PATH));
  show("directory O_RDONLY|O_DIRECTORY", open("/", O_RDONLY | O_DIRECTORY));
  show("file O_RDONLY|O_CLOEXEC|O_NOCTTY", open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  int p[2];
  if (pipe(p) != 0) return 1;
  show("pipe read end", p[0]);
  show("pipe write end", p[1]);
  int q[2];
  if (pipe2(q, O_NONBLOCK) != 0) return 1;
  show("pipe2 O_NONBLOCK read end", q[0]);
  char c;
  printf("read of an empty pipe, blocking fd made O_NONBLOCK: ");
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  printf("%s\n", read(p[0], &c, 1) < 0 ? strerrorname_np(errno) : "data");
  show("  after F_SETFL O_NONBLOCK", p[0]);
  fcntl(p[0], F_SETFL, O_RDWR);
  show("F_SETFL O_RDWR on a read end (ignored, clears O_NONBLOCK)", p[0]);
  int fd = open("/dev/null", O_WRONLY);
  fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY | O_CREAT | O_TRUNC | O_EXCL);
  show("F_SETFL O_APPEND|O_NONBLOCK|O_CREAT|O_TRUNC|O_EXCL on O_WRONLY", fd);
  return 0;
}
