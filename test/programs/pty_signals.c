/* A pty as a controlling terminal: a child makes a session, opens the slave (which becomes
 * its terminal: tcgetpgrp, tcgetsid, /dev/tty), and reads it; the master's ^C, ^\ and ^Z
 * signal the foreground group (interrupting the read, flushing the typed input), a window
 * size change sends SIGWINCH, and closing the master hangs up: SIGHUP and SIGCONT to the
 * session leader, end of file on the slave, EIO on writes. The child reports through a pipe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int reports[2];

static void say(const char *text) {
  write(reports[1], text, strlen(text));
}

static void on_signal(int sig) {
  const char *name = sig == SIGINT ? "SIGINT\n" : sig == SIGQUIT ? "SIGQUIT\n" : sig == SIGTSTP ? "SIGTSTP\n"
                   : sig == SIGWINCH ? "SIGWINCH\n" : sig == SIGHUP ? "SIGHUP\n" : sig == SIGCONT ? "SIGCONT\n" : "other\n";
  say(name);
}

static void child(const char *name) {
  char line[128];
  setsid();
  int s = open(name, O_RDWR);
  pid_t me = getpid();
  snprintf(line, sizeof line, "terminal's group is mine: %d, session: %d\n", tcgetpgrp(s) == me, tcgetsid(s) == me);
  say(line);
  int tty = open("/dev/tty", O_RDWR);
  struct stat a, b;
  fstat(s, &a);
  snprintf(line, sizeof line, "/dev/tty opens: %d, a terminal: %d, TIOCSCTTY again: %d\n", tty >= 0 && fstat(tty, &b) == 0,
           isatty(tty), ioctl(s, TIOCSCTTY, 0));
  say(line);
  close(tty);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGWINCH, SIGHUP, SIGCONT};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
  write(s, "ready\n", 6);
  for (;;) {
    char buf[64];
    ssize_t r = read(s, buf, sizeof buf);
    if (r < 0) snprintf(line, sizeof line, "read -1 %s\n", strerrorname_np(errno));
    else snprintf(line, sizeof line, "read %zd \"%.*s\"\n", r, (int)(r > 0 && buf[r - 1] == '\n' ? r - 1 : r), buf);
    say(line);
    if (r == 0) break;
  }
  errno = 0;
  ssize_t w = write(s, "x", 1);
  snprintf(line, sizeof line, "write after the hang-up: %zd %s\n", w, w < 0 ? strerrorname_np(errno) : "");
  say(line);
  exit(0);
}

/* The child's next report (one line). */
static void heard(void) {
  char c;
  printf("  child: ");
  while (read(reports[0], &c, 1) == 1) {
    putchar(c);
    if (c == '\n') break;
  }
}

/* What the master reads until nothing more comes for a while. */
static void echoed(int m) {
  char buf[256];
  long n = 0;
  for (;;) {
    struct pollfd p = {m, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) break;
    long r = read(m, buf + n, sizeof buf - n);
    if (r <= 0) break;
    n += r;
  }
  printf("  master reads:");
  for (long i = 0; i < n; i++) printf(" %02x", (unsigned char)buf[i]);
  printf("\n");
}

int main(void) {
  alarm(20);
  setvbuf(stdout, NULL, _IONBF, 0);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m);
  unlockpt(m);
  char name[64];
  snprintf(name, sizeof name, "%s", ptsname(m));
  pipe(reports);
  pid_t pid = fork();
  if (pid == 0) {
    close(m);
    close(reports[0]);
    child(name);
  }
  close(reports[1]);
  printf("the child takes the terminal\n");
  heard();
  heard();
  char ready[16] = "";
  size_t got = 0;
  while (got < 7 && read(m, ready + got, 7 - got) > 0) got = strlen(ready);
  printf("  master reads \"ready\": %d\n", strncmp(ready, "ready\r\n", 7) == 0);

  printf("a line\n");
  write(m, "line\n", 5);
  heard();
  echoed(m);
  printf("^C: SIGINT, the typed input is dropped\n");
  write(m, "abc\x03", 4);
  heard();
  heard();
  echoed(m);
  printf("^\\: SIGQUIT\n");
  write(m, "\x1c", 1);
  heard();
  heard();
  echoed(m);
  printf("^Z: SIGTSTP\n");
  write(m, "\x1a", 1);
  heard();
  heard();
  echoed(m);
  printf("a new window size: SIGWINCH\n");
  struct winsize ws = {30, 100, 0, 0};
  ioctl(m, TIOCSWINSZ, &ws);
  heard();
  heard();
  printf("the same size again: nothing; then a line\n");
  ioctl(m, TIOCSWINSZ, &ws);
  write(m, "more\n", 5);
  heard();
  echoed(m);
  int pgrp = 0, sid = 0;
  ioctl(m, TIOCGPGRP, &pgrp);
  ioctl(m, TIOCGSID, &sid);
  printf("the master sees the child's group %d and session %d\n", pgrp == pid, sid == pid);
  printf("closing the master hangs up\n");
  close(m);
  heard();
  heard();
  heard();
  heard();
  int status;
  waitpid(pid, &status, 0);
  printf("child exit status %d\n", WEXITSTATUS(status));
  return 0;
}
