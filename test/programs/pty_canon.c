/* A pty's line discipline in canonical mode: what the master types becomes lines the slave
 * reads (VERASE, VKILL, VWERASE, VEOF, VEOL, VLNEXT, VREPRINT; ICRNL, IGNCR, INLCR), and what
 * the master sees echoed (ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL, ECHONL, tabs erased back to
 * their column); then the slave's output through OPOST (ONLCR, OCRNL, ONOCR, OLCUC, XTABS). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int m, s;

static void show(const char *label, const char *buf, long n) {
  printf("%s %ld \"", label, n);
  for (long i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (c == '\n') printf("\\n");
    else if (c == '\r') printf("\\r");
    else if (c == '\t') printf("\\t");
    else if (c == '\b') printf("\\b");
    else if (c < 0x20 || c >= 0x7f) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}

/* What the master reads, until nothing more comes for a while (the echo is made asynchronously). */
static void echoed(void) {
  char buf[512];
  long n = 0;
  for (;;) {
    struct pollfd p = {m, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) break;
    long r = read(m, buf + n, sizeof buf - n);
    if (r <= 0) break;
    n += r;
  }
  show("  echo", buf, n);
}

/* The master types input, the slave reads once (count bytes at most), and the echo is shown. */
static void typed(const char *title, const char *input, int count) {
  printf("%s\n", title);
  write(m, input, strlen(input));
  char buf[256];
  long r = read(s, buf, count);
  if (r < 0) printf("  read -1 %s\n", strerrorname_np(errno));
  else show("  read", buf, r);
  echoed();
}

static void set_lflag(tcflag_t on, tcflag_t off) {
  struct termios t;
  tcgetattr(s, &t);
  t.c_lflag = (t.c_lflag | on) & ~off;
  tcsetattr(s, TCSANOW, &t);
}

static void set_iflag(tcflag_t on, tcflag_t off) {
  struct termios t;
  tcgetattr(s, &t);
  t.c_iflag = (t.c_iflag | on) & ~off;
  tcsetattr(s, TCSANOW, &t);
}

static void set_oflag(tcflag_t on, tcflag_t off) {
  struct termios t;
  tcgetattr(s, &t);
  t.c_oflag = (t.c_oflag | on) & ~off;
  tcsetattr(s, TCSANOW, &t);
}

/* The slave writes, the master reads what OPOST made of it. */
static void output(const char *title, const char *bytes) {
  printf("%s\n", title);
  write(s, bytes, strlen(bytes));
  echoed();
}

int main(void) {
  alarm(20);
  m = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m);
  unlockpt(m);
  s = open(ptsname(m), O_RDWR | O_NOCTTY);

  typed("a line", "hello\n", 100);
  typed("erase", "abc\x7f\x7f" "d\n", 100);
  typed("kill (ECHOKE)", "xyz\x15ok\n", 100);
  typed("word erase", "one two  \x17three\n", 100);
  typed("erase a tab", "a\tb\x7f\x7f\n", 100);
  typed("erase a control character", "q\x01\x7f\n", 100);
  typed("control characters echo as ^X", "\x01\x1b\n", 100);
  typed("VEOF ends a line without a newline", "part\x04", 100);
  typed("VEOF alone: end of file", "\x04", 100);
  typed("a short read takes part of a line", "abcdef\n", 3);
  typed("  and the rest", "", 100);
  typed("VLNEXT quotes the next character", "\x16\x7fz\n", 100);
  typed("VREPRINT", "ab\x12" "c\n", 100);
  typed("ICRNL: return ends the line", "cr\r", 100);

  int queued;
  printf("FIONREAD without a complete line\n");
  write(m, "abc", 3);
  echoed();
  ioctl(s, FIONREAD, &queued);
  printf("  %d\n", queued);
  write(m, "\n", 1);
  echoed();
  ioctl(s, FIONREAD, &queued);
  printf("  %d\n", queued);
  typed("  the line", "", 100);

  printf("TCIFLUSH drops the unfinished line\n");
  write(m, "junk", 4);
  echoed();
  tcflush(s, TCIFLUSH);
  typed("  after the flush", "ok\n", 100);

  set_lflag(0, ECHOE);
  typed("erase without ECHOE", "ab\x7f\n", 100);
  set_lflag(ECHOE, ECHOKE);
  typed("kill with ECHOK, without ECHOKE", "ab\x15" "c\n", 100);
  set_lflag(ECHOKE, 0);
  set_lflag(ECHONL, ECHO);
  typed("ECHONL without ECHO", "quiet\n", 100);
  set_lflag(0, ECHONL);
  typed("no echo", "silent\n", 100);
  set_lflag(ECHO, 0);

  set_iflag(IGNCR, ICRNL);
  typed("IGNCR", "ig\r\n", 100);
  set_iflag(INLCR, IGNCR);
  typed("INLCR: a newline is a return (ended by VEOF)", "nl\n\x04", 100);
  set_iflag(ICRNL, INLCR);

  struct termios t;
  tcgetattr(s, &t);
  t.c_cc[VEOL] = '!';
  tcsetattr(s, TCSANOW, &t);
  typed("VEOL", "stop!", 100);

  printf("leaving canonical mode makes the unfinished line readable\n");
  write(m, "pend", 4);
  echoed();
  set_lflag(0, ICANON);
  typed("  read", "", 100);
  set_lflag(ICANON, 0);

  output("ONLCR", "x\ny\n");
  output("a tab moves to the next stop", "ab\tc\n");
  set_oflag(TAB3, 0);
  output("XTABS expands it", "ab\tc\n");
  set_oflag(OCRNL | ONOCR, TAB3);
  output("OCRNL, ONOCR", "\rcol\r\n");
  set_oflag(OLCUC | ONLRET, OCRNL | ONOCR | ONLCR);
  output("OLCUC, ONLRET without ONLCR", "upper\n");
  set_oflag(0, OPOST);
  output("no OPOST", "raw\n\t\n");
  return 0;
}
