/* Clocks: only relations and booleans are printed, never times. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static const char *yes(int c) { return c ? "yes" : "no"; }
static int valid(const struct timespec *t) { return t->tv_nsec >= 0 && t->tv_nsec < 1000000000L; }
static int le(const struct timespec *a, const struct timespec *b) {
  return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

int main(void) {
  struct timespec prev, now, real;
  int ok = clock_gettime(CLOCK_MONOTONIC, &prev) == 0 && valid(&prev), monotonic = 1;
  for (int i = 0; i < 1000; i++) {
    ok &= clock_gettime(CLOCK_MONOTONIC, &now) == 0 && valid(&now);
    monotonic &= le(&prev, &now);
    prev = now;
  }
  printf("CLOCK_MONOTONIC valid: %s, non-decreasing over 1000 reads: %s\n", yes(ok), yes(monotonic));
  ok = clock_gettime(CLOCK_REALTIME, &real) == 0 && valid(&real);
  time_t t = time(NULL);
  printf("CLOCK_REALTIME valid: %s, after 2020: %s\n", yes(ok), yes(real.tv_sec > 1577836800));
  printf("time() within 2s of CLOCK_REALTIME: %s\n", yes(t - real.tv_sec >= 0 && t - real.tv_sec <= 2));
  struct timeval tv;
  ok = gettimeofday(&tv, NULL) == 0;
  printf("gettimeofday valid: %s, within 2s of time(): %s\n", yes(ok && tv.tv_usec >= 0 && tv.tv_usec < 1000000),
         yes(tv.tv_sec - t >= 0 && tv.tv_sec - t <= 2));
  int r = clock_gettime((clockid_t)12345, &now);
  printf("clock_gettime(bad clock): %d %s\n", r, r ? strerrorname_np(errno) : "");
  return 0;
}
