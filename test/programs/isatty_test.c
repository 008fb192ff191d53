/* Terminal ioctls on stdio that is not a terminal (pipes in the tests): ENOTTY, as Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void report(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %d\n", what, r);
}

int main(int argc, char **argv) {
  char what[32];
  for (int fd = 0; fd < 3; fd++) {
    errno = 0;
    int r = isatty(fd);
    printf("isatty(%d): %d %s\n", fd, r, r ? "" : strerrorname_np(errno));
  }
  struct winsize ws;
  struct termios t;
  for (int fd = 0; fd < 3; fd++) {
    snprintf(what, sizeof what, "TIOCGWINSZ(%d)", fd);
    report(what, ioctl(fd, TIOCGWINSZ, &ws));
  }
  report("tcgetattr(0)", tcgetattr(0, &t));
  report("TIOCGWINSZ(99)", ioctl(99, TIOCGWINSZ, &ws));
  if (argc > 1) {
    int fd = open(argv[1], O_RDONLY);
    errno = 0;
    int r = isatty(fd);
    printf("isatty(regular file): %d %s\n", r, r ? "" : strerrorname_np(errno));
  }
  return 0;
}
