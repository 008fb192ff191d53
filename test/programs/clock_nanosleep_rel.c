/* clock_nanosleep: relative sleeps last at least what was asked, TIMER_ABSTIME sleeps until a
 * deadline (at once for a past one); errors come back as the return value, not errno. The raw
 * call refuses the caller's thread CPU clock with EOPNOTSUPP (glibc says EINVAL itself), and a
 * sleep a signal interrupts is EFAULT when the time left cannot be stored. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void timed(const char *what, clockid_t c, int flags, struct timespec req, long lo, long hi) {
  long long t0 = now_ms(CLOCK_MONOTONIC);
  int r = clock_nanosleep(c, flags, &req, NULL);
  long long dt = now_ms(CLOCK_MONOTONIC) - t0;
  printf("%s: returns %s, took at least %ld ms %s, less than %ld ms %s\n", what, r ? strerrorname_np(r) : "0", lo,
         dt >= lo ? "yes" : "no", hi, dt < hi ? "yes" : "no");
}

static void on_alarm(int sig) { (void)sig; }

static void report(const char *what, int r) { printf("%s: %s\n", what, r ? strerrorname_np(r) : "0"); }

int main(void) {
  struct timespec req = {0, 50 * 1000000}, rem = {9, 9};
  timed("CLOCK_MONOTONIC relative 50 ms", CLOCK_MONOTONIC, 0, req, 50, 2000);
  timed("CLOCK_REALTIME relative 50 ms", CLOCK_REALTIME, 0, req, 50, 2000);
  timed("CLOCK_BOOTTIME relative 50 ms", CLOCK_BOOTTIME, 0, req, 50, 2000);
  struct timespec abs;
  clock_gettime(CLOCK_MONOTONIC, &abs);
  abs.tv_nsec += 80 * 1000000;
  if (abs.tv_nsec >= 1000000000) abs.tv_sec++, abs.tv_nsec -= 1000000000;
  timed("CLOCK_MONOTONIC absolute now + 80 ms", CLOCK_MONOTONIC, TIMER_ABSTIME, abs, 60, 2000);
  struct timespec past = {0, 0};
  timed("CLOCK_MONOTONIC absolute 0 (past)", CLOCK_MONOTONIC, TIMER_ABSTIME, past, 0, 50);
  clock_gettime(CLOCK_REALTIME, &abs);
  abs.tv_sec -= 10;
  timed("CLOCK_REALTIME absolute 10 s ago", CLOCK_REALTIME, TIMER_ABSTIME, abs, 0, 50);
  struct timespec zero = {0, 0};
  timed("relative 0", CLOCK_MONOTONIC, 0, zero, 0, 50);
  report("remaining time untouched on success",
         clock_nanosleep(CLOCK_MONOTONIC, 0, &zero, &rem) == 0 && rem.tv_sec == 9 && rem.tv_nsec == 9 ? 0 : EIO);
  struct timespec bad = {0, 1000000000};
  report("tv_nsec 1e9", clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL));
  bad.tv_sec = -1, bad.tv_nsec = 0;
  report("tv_sec -1", clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL));
  report("unknown clock 77", clock_nanosleep(77, 0, &req, NULL));
  report("CLOCK_THREAD_CPUTIME_ID", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL));
  report("errno untouched by those", errno);
  report("raw CLOCK_THREAD_CPUTIME_ID", syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL) ? errno : 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  ualarm(50000, 0);
  report("interrupted, time left to a bad address",
         syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &(struct timespec){5, 0}, (void *)8) ? errno : 0);
  ualarm(50000, 0);
  struct timespec left = {0, 0};
  int r = syscall(SYS_nanosleep, &(struct timespec){5, 0}, &left) ? errno : 0;
  printf("nanosleep interrupted: %s, time left between 4 and 5 s: %s\n", strerrorname_np(r), left.tv_sec == 4 ? "yes" : "no");
  printf("nanosleep 30 ms: %d\n", nanosleep(&(struct timespec){0, 30000000}, NULL));
  return 0;
}
