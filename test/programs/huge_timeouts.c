/* Sleeps and waits with timeouts of centuries (longer than Node's 2^31 ms timers take), each
 * ended by a SIGALRM 100 ms later: every one must return EINTR then, neither at once nor never.
 * tsvisor once handed such a deadline to setTimeout, which Node turns into 1 ms (with a warning
 * on stderr): the wait spun, waking every millisecond. Found by the syscall fuzzer. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int sig) { (void)sig; }

static void arm(void) {
  struct itimerval it = {{0, 0}, {0, 100000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static void report(const char *what, long r) {
  printf("%s: %s\n", what, r == -1 ? strerrorname_np(errno) : "returned");
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART */
  sigaction(SIGALRM, &sa, NULL);
  struct timespec years = {(time_t)1 << 40, 0};
  struct timespec most = {LONG_MAX, 999999999};
  struct timeval tv_years = {(time_t)1 << 40, 0};

  arm();
  report("nanosleep 2^40 s", syscall(SYS_nanosleep, &years, NULL));
  arm();
  report("clock_nanosleep LONG_MAX s", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &most, NULL));
  arm();
  report("ppoll 2^40 s", syscall(SYS_ppoll, NULL, 0, &years, NULL, 8));
  arm();
  report("select 2^40 s", syscall(SYS_select, 0, NULL, NULL, NULL, &tv_years));
  arm();
  report("pselect6 LONG_MAX s", syscall(SYS_pselect6, 0, NULL, NULL, NULL, &most, NULL));
  uint32_t word = 0;
  arm();
  report("futex wait 2^40 s", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &years, NULL, 0));
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  arm();
  report("rt_sigtimedwait 2^40 s", syscall(SYS_rt_sigtimedwait, &usr1, NULL, &years, 8));
  return 0;
}
