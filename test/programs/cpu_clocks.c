/* CPU-time clocks of a thread and a process (pthread_getcpuclockid, clock_getcpuclockid), which
 * clock_gettime reads and which only grow; a thread clock is not one to sleep on; and
 * clock_settime refuses clocks that cannot be set (CLOCK_REALTIME is not tried: natively, as
 * root, it would set the host's clock). */
// build: -pthread
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void spin(void) {
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 20000000; i++) x += i;
}

static void grows(const char *what, clockid_t clock) {
  struct timespec a, b;
  if (clock_gettime(clock, &a) != 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  spin();
  clock_gettime(clock, &b);
  int ok = b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
  printf("%s: readable, does not go back: %s\n", what, ok ? "yes" : "no");
}

static pthread_t main_thread;
static void *other(void *arg) {
  (void)arg;
  clockid_t clock;
  pthread_getcpuclockid(main_thread, &clock);
  grows("another thread's clock", clock);
  return NULL;
}

int main(void) {
  clockid_t clock;
  main_thread = pthread_self();
  printf("pthread_getcpuclockid: %d\n", pthread_getcpuclockid(pthread_self(), &clock));
  printf("not CLOCK_THREAD_CPUTIME_ID: %s\n", clock != CLOCK_THREAD_CPUTIME_ID ? "yes" : "no");
  grows("own thread's clock", clock);
  struct timespec ts = {0, 1000};
  printf("clock_nanosleep on it: %s\n", strerrorname_np(clock_nanosleep(clock, 0, &ts, NULL)));
  pthread_t t;
  pthread_create(&t, NULL, other, NULL);
  pthread_join(t, NULL);

  printf("clock_getcpuclockid(self): %d\n", clock_getcpuclockid(getpid(), &clock));
  grows("own process's clock", clock);
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  printf("clock_getcpuclockid(child): %d\n", clock_getcpuclockid(child, &clock));
  struct timespec c;
  printf("child's clock: %s\n", clock_gettime(clock, &c) == 0 ? "readable" : strerrorname_np(errno));
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  printf("clock_getcpuclockid(reaped child): %s\n", strerrorname_np(clock_getcpuclockid(child, &clock)));

  clockid_t bogus = (clockid_t)((~(unsigned)getpid() << 3) | 3);
  printf("clock_gettime(clock fd bits): %s\n", clock_gettime(bogus, &c) == 0 ? "0" : strerrorname_np(errno));
  struct timespec zero = {0, 0}, bad = {0, 1000000000};
  printf("clock_settime(CLOCK_MONOTONIC): %s\n", clock_settime(CLOCK_MONOTONIC, &zero) == 0 ? "0" : strerrorname_np(errno));
  printf("clock_settime(CLOCK_PROCESS_CPUTIME_ID): %s\n", clock_settime(CLOCK_PROCESS_CPUTIME_ID, &zero) == 0 ? "0" : strerrorname_np(errno));
  printf("clock_settime(CLOCK_REALTIME, bad nsec): %s\n", clock_settime(CLOCK_REALTIME, &bad) == 0 ? "0" : strerrorname_np(errno));
  printf("clock_settime(12345): %s\n", clock_settime(12345, &zero) == 0 ? "0" : strerrorname_np(errno));
  return 0;
}
