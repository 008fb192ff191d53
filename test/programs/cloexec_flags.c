/* FD_CLOEXEC is per descriptor: set by O_CLOEXEC, dup3, F_DUPFD_CLOEXEC, pipe2, FIOCLEX;
 * cleared on dup/dup2/F_DUPFD copies; dup2(fd, fd) changes nothing. File status flags
 * (O_NONBLOCK) are per open file, shared by the copies. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char *cx(int fd) {
  int f = fcntl(fd, F_GETFD);
  return f < 0 ? "error" : (f & FD_CLOEXEC) ? "cloexec" : "inherited";
}

int main(void) {
  int plain = open("/dev/null", O_RDONLY);
  int ce = open("/dev/null", O_RDONLY | O_CLOEXEC);
  printf("open: %s; open O_CLOEXEC: %s\n", cx(plain), cx(ce));
  printf("dup of a cloexec fd: %s\n", cx(dup(ce)));
  printf("dup2 of a cloexec fd: %s\n", cx(dup2(ce, 20)));
  printf("dup3 O_CLOEXEC of a plain fd: %s\n", cx(dup3(plain, 21, O_CLOEXEC)));
  printf("dup3 0 of a cloexec fd: %s\n", cx(dup3(ce, 22, 0)));
  printf("F_DUPFD of a cloexec fd: %s\n", cx(fcntl(ce, F_DUPFD, 0)));
  int dc = fcntl(plain, F_DUPFD_CLOEXEC, 30);
  printf("F_DUPFD_CLOEXEC 30 of a plain fd: fd %d %s\n", dc, cx(dc));
  printf("dup2(fd, fd) returns the fd: %s, keeps: %s\n", dup2(ce, ce) == ce ? "yes" : "no", cx(ce));
  fcntl(plain, F_SETFD, FD_CLOEXEC);
  int copy = dup(plain);
  printf("F_SETFD FD_CLOEXEC: %s; a dup made after: %s\n", cx(plain), cx(copy));
  fcntl(plain, F_SETFD, 0);
  printf("F_SETFD 0: %s\n", cx(plain));
  ioctl(plain, FIOCLEX);
  printf("FIOCLEX: %s\n", cx(plain));
  ioctl(plain, FIONCLEX);
  printf("FIONCLEX: %s\n", cx(plain));
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return 1;
  printf("pipe2 O_CLOEXEC: read end %s, write end %s\n", cx(p[0]), cx(p[1]));
  int q[2];
  if (pipe(q) != 0) return 1;
  printf("pipe: read end %s, write end %s\n", cx(q[0]), cx(q[1]));
  int qd = dup(q[0]);
  fcntl(q[0], F_SETFL, fcntl(q[0], F_GETFL) | O_NONBLOCK);
  printf("O_NONBLOCK set on one fd shows on its dup: %s\n", (fcntl(qd, F_GETFL) & O_NONBLOCK) ? "yes" : "no");
  printf("and not on the other end: %s\n", (fcntl(q[1], F_GETFL) & O_NONBLOCK) ? "no" : "yes");
  fcntl(q[0], F_SETFD, FD_CLOEXEC);
  printf("FD_CLOEXEC set on one fd does not show on its dup: %s\n", cx(qd));
  return 0;
}
