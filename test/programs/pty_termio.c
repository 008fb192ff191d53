/* The System V termio requests on a pty (TCGETA, TCSETA, TCSETAW, TCSETAF) and the locking
 * termios (TIOCGLCKTRMIOS): TCGETA shows the low halves of the flags and the first eight
 * control characters, TCSETA replaces only those, and TCGETS sees the change. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termio.h>
#include <termios.h>
#include <unistd.h>

static void show(const char *what, int fd) {
  struct termios t;
  ioctl(fd, TCGETS, &t);
  printf("%s: iflag %o oflag %o cflag %o lflag %o line %d cc", what, t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag, t.c_line);
  for (int i = 0; i < 17; i++) printf(" %d", t.c_cc[i]);
  printf("\n");
}

int main(void) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m);
  unlockpt(m);
  int s = open(ptsname(m), O_RDWR | O_NOCTTY);
  struct termio a;
  memset(&a, 0x55, sizeof a);
  int r = ioctl(s, TCGETA, &a);
  printf("TCGETA %d: iflag %o oflag %o cflag %o lflag %o line %d cc", r, a.c_iflag, a.c_oflag, a.c_cflag, a.c_lflag, a.c_line);
  for (int i = 0; i < NCC; i++) printf(" %d", a.c_cc[i]);
  printf(" pad %d\n", ((unsigned char *)&a)[17]);
  show("before", s);
  a.c_lflag &= ~(ICANON | ECHO);
  a.c_iflag |= IGNBRK;
  a.c_cc[VINTR] = 7;
  a.c_cc[VMIN] = 3;
  printf("TCSETA %d\n", ioctl(s, TCSETA, &a));
  show("after TCSETA", s);
  a.c_cc[VQUIT] = 9;
  printf("TCSETAW %d\n", ioctl(m, TCSETAW, &a));
  a.c_oflag = 0;
  printf("TCSETAF %d\n", ioctl(s, TCSETAF, &a));
  show("after TCSETAW, TCSETAF", s);
  printf("TCGETA bad pointer %d\n", ioctl(s, TCGETA, (void *)8) < 0 ? -1 : 0);
  struct termios lock;
  memset(&lock, 0x55, sizeof lock);
  r = ioctl(s, TIOCGLCKTRMIOS, &lock);
  int nonzero = 0;
  for (size_t i = 0; i < sizeof lock; i++) nonzero |= ((unsigned char *)&lock)[i] != 0 && i < 36;
  printf("TIOCGLCKTRMIOS %d: %s\n", r, nonzero ? "some bits locked" : "nothing locked");
  return 0;
}
