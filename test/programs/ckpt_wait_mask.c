/* Checkpoint/restore of a thread parked in pselect6 with a mask that unblocks SIGUSR1, which it
 * blocks otherwise: restored, the call is made again and SIGUSR1 is blocked after it, as it is
 * after the uninterrupted call; then a SIGUSR1 pending before a second such wait ends it with
 * EINTR, its handler runs, and SIGUSR1 is blocked again after the handler. The first wait lasts
 * 3 s, so that the test's checkpoint finds it parked on a loaded machine. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static void on_usr1(int sig) { (void)sig, handled++; }

static int wait_unblocked(int seconds) {
  int p[2];
  if (pipe(p) != 0) return -2;
  fd_set r;
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  sigset_t during;
  sigemptyset(&during);
  struct timespec ts = {seconds, 0};
  int n = pselect(p[0] + 1, &r, NULL, NULL, &ts, &during);
  int e = errno;
  close(p[0]);
  close(p[1]);
  errno = e;
  return n;
}

static const char *usr1_blocked(void) {
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  return sigismember(&now, SIGUSR1) ? "yes" : "no";
}

int main(void) {
  signal(SIGUSR1, on_usr1);
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  printf("waiting\n");
  fflush(stdout);
  int n = wait_unblocked(3);
  printf("first wait: %d, SIGUSR1 blocked after it: %s\n", n, usr1_blocked());
  raise(SIGUSR1);
  n = wait_unblocked(5);
  int e = errno;
  printf("second wait: %d %s, handled %d, SIGUSR1 blocked after it: %s\n", n, n < 0 ? strerror(e) : "", (int)handled, usr1_blocked());
  return 0;
}
