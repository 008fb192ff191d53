// build: -pthread
/* Raw futex: WAIT returns EAGAIN when the word differs, ETIMEDOUT after its timeout, EFAULT
 * for a bad address; WAKE returns how many it woke (0 with no waiter); a waiter woken by
 * WAKE returns 0. Wakes are retried until the waiter is really asleep (bounded). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int word;
static long results[2];

static long futex(int *addr, int op, int val, const struct timespec *ts) {
  return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static void *waiter(void *arg) {
  long i = (long)arg;
  results[i] = futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
  return NULL;
}

/* Wakes one waiter, retrying for up to 5 s until a sleeping one is found. */
static long wake_one(void) {
  for (int i = 0; i < 500; i++) {
    long n = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
    if (n != 0) return n;
    usleep(10 * 1000);
  }
  return 0;
}

int main(void) {
  struct timespec ts = {0, 50 * 1000 * 1000}, t0, t1;
  report("WAIT with a different value", futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL));
  clock_gettime(CLOCK_MONOTONIC, &t0);
  report("WAIT with a 50 ms timeout", futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("  waited at least 50 ms: %s\n", ms >= 50 ? "yes" : "no");
  report("WAKE with no waiter", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL));
  report("WAIT on a bad address", futex((int *)8, FUTEX_WAIT_PRIVATE, 0, NULL));
  report("unknown op", futex(&word, 99, 0, NULL));
  pthread_t a, b;
  results[0] = results[1] = -100;
  pthread_create(&a, NULL, waiter, (void *)0);
  pthread_create(&b, NULL, waiter, (void *)1);
  report("WAKE 1 with two waiters", wake_one());
  report("WAKE 1 again", wake_one());
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("both waiters returned 0: %s\n", results[0] == 0 && results[1] == 0 ? "yes" : "no");
  return 0;
}
