/* A pty in non-canonical mode: VMIN and VTIME (no wait, a byte count, a timeout, a gap
 * between bytes), poll readiness that follows VMIN, cfmakeraw (no echo, no signals, bytes
 * as they are), O_NONBLOCK reads, TCSETSF flushing, FIONREAD, and flow control (^S/^Q,
 * TCOOFF/TCOON). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int m, s;

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void set_vmin_vtime(int vmin, int vtime) {
  struct termios t;
  tcgetattr(s, &t);
  t.c_lflag &= ~(ICANON | ECHO);
  t.c_cc[VMIN] = vmin;
  t.c_cc[VTIME] = vtime;
  tcsetattr(s, TCSANOW, &t);
}

/* Waits until the slave has n bytes queued (the master's bytes arrive asynchronously). */
static void queued(int n) {
  int q = 0;
  for (int i = 0; i < 200 && q < n; i++) {
    ioctl(s, FIONREAD, &q);
    if (q < n) usleep(5000);
  }
}

static void reading(const char *title, int fd, int count) {
  char buf[64];
  long t0 = now_ms();
  long r = read(fd, buf, count);
  long took = now_ms() - t0;
  printf("%s: ", title);
  if (r < 0) printf("-1 %s", strerrorname_np(errno));
  else {
    printf("%ld \"", r);
    for (long i = 0; i < r; i++) printf(buf[i] >= 0x20 && buf[i] < 0x7f ? "%c" : "\\x%02x", (unsigned char)buf[i]);
    printf("\"");
  }
  printf(" (%s)\n", took < 50 ? "at once" : took < 1000 ? "after a while" : "late");
}

static int readable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void drain_master(const char *title) {
  char buf[64];
  long n = 0;
  for (;;) {
    struct pollfd p = {m, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) break;
    long r = read(m, buf + n, sizeof buf - n);
    if (r <= 0) break;
    n += r;
  }
  printf("%s: master reads %ld:", title, n);
  for (long i = 0; i < n; i++) printf(" %02x", (unsigned char)buf[i]);
  printf("\n");
}

int main(void) {
  alarm(20);
  m = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m);
  unlockpt(m);
  s = open(ptsname(m), O_RDWR | O_NOCTTY);

  set_vmin_vtime(0, 0);
  reading("VMIN 0 VTIME 0, nothing there", s, 10);
  write(m, "xy", 2);
  queued(2);
  reading("VMIN 0 VTIME 0, two bytes", s, 10);

  set_vmin_vtime(3, 0);
  write(m, "ab", 2);
  queued(2);
  printf("VMIN 3 with 2 bytes: readable %d\n", readable(s));
  write(m, "c", 1);
  queued(3);
  printf("VMIN 3 with 3 bytes: readable %d\n", readable(s));
  reading("VMIN 3", s, 10);
  write(m, "defgh", 5);
  queued(5);
  reading("VMIN 3, a read of 2", s, 2);
  reading("VMIN 3, the rest", s, 10);

  set_vmin_vtime(0, 3);
  reading("VMIN 0 VTIME 3, nothing comes", s, 10);
  write(m, "t", 1);
  queued(1);
  reading("VMIN 0 VTIME 3, a byte there", s, 10);

  set_vmin_vtime(5, 2);
  write(m, "uv", 2);
  queued(2);
  reading("VMIN 5 VTIME 2, two bytes then a gap", s, 10);

  set_vmin_vtime(1, 0);
  int fl = fcntl(s, F_GETFL);
  fcntl(s, F_SETFL, fl | O_NONBLOCK);
  reading("O_NONBLOCK, nothing there", s, 10);
  fcntl(s, F_SETFL, fl);

  struct termios t;
  tcgetattr(s, &t);
  cfmakeraw(&t);
  tcsetattr(s, TCSANOW, &t);
  write(m, "\x03\r\x7f", 3);
  queued(3);
  reading("raw: ^C, return and DEL are bytes", s, 10);
  drain_master("raw: nothing echoed");
  write(s, "a\nb", 3);
  drain_master("raw: no output processing");

  write(m, "stale", 5);
  queued(5);
  tcsetattr(s, TCSAFLUSH, &t);
  int q;
  ioctl(s, FIONREAD, &q);
  printf("TCSAFLUSH dropped the input: %d queued\n", q);

  tcgetattr(s, &t);
  t.c_iflag |= IXON;
  tcsetattr(s, TCSANOW, &t);
  fcntl(s, F_SETFL, fl | O_NONBLOCK);
  write(m, "\x13", 1);
  usleep(50000);
  errno = 0;
  long w = write(s, "held", 4);
  printf("after ^S: write %ld %s\n", w, w < 0 ? strerrorname_np(errno) : "");
  write(m, "\x11", 1);
  usleep(50000);
  w = write(s, "go", 2);
  printf("after ^Q: write %ld\n", w);
  drain_master("after ^Q");
  ioctl(s, FIONREAD, &q);
  printf("^S and ^Q are not input: %d queued\n", q);
  tcflow(s, TCOOFF);
  errno = 0;
  w = write(s, "off", 3);
  printf("after TCOOFF: write %ld %s\n", w, w < 0 ? strerrorname_np(errno) : "");
  tcflow(s, TCOON);
  w = write(s, "on", 2);
  printf("after TCOON: write %ld\n", w);
  drain_master("after TCOON");
  return 0;
}
