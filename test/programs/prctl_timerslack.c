/* PR_SET_TIMERSLACK / PR_GET_TIMERSLACK: the calling thread's timer slack (50 us by default),
 * set to a value, read back by prctl and /proc/self/timerslack_ns, and 0 restores the default. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/prctl.h>

static long proc_value(void) {
  FILE *f = fopen("/proc/self/timerslack_ns", "r");
  long v = -1;
  if (f) {
    if (fscanf(f, "%ld", &v) != 1) v = -2;
    fclose(f);
  }
  return v;
}

int main(void) {
  printf("default: %d, /proc: %ld\n", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), proc_value());
  printf("set 100000: %d\n", prctl(PR_SET_TIMERSLACK, 100000, 0, 0, 0));
  printf("now: %d, /proc: %ld\n", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), proc_value());
  printf("set 0: %d\n", prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0));
  printf("after 0: %d\n", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
  return 0;
}
