// Checkpoint/restore of clock reads: prints "ready", then for argv[1] rounds (default 30), one
// every 100 ms, reads CLOCK_MONOTONIC and CLOCK_REALTIME through libc (the vDSO, where there is
// one) and through the syscall, and prints at the end whether they always agreed (within half a
// second), whether CLOCK_MONOTONIC never went back, and whether the realtime clock ever moved a
// second or more further than the monotonic one from one round to the next: across a restore
// made seconds after the checkpoint, as Linux's clocks do across a suspend (the monotonic clock
// goes on from its value, the realtime clock is the time of day).
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long read_ns(clockid_t clock, int through_syscall) {
  struct timespec t;
  if (through_syscall) syscall(SYS_clock_gettime, clock, &t);
  else clock_gettime(clock, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long distance(long long a, long long b) { return a > b ? a - b : b - a; }

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 30;
  int agree = 1, ordered = 1, jumped = 0;
  long long last_mono = 0, last_real = 0;
  for (int i = 0; i < rounds; i++) {
    long long mono = read_ns(CLOCK_MONOTONIC, 0), real = read_ns(CLOCK_REALTIME, 0);
    if (distance(read_ns(CLOCK_MONOTONIC, 1), mono) > 500000000LL || distance(read_ns(CLOCK_REALTIME, 1), real) > 500000000LL) agree = 0;
    if (i > 0) {
      if (mono < last_mono) ordered = 0;
      if ((real - last_real) - (mono - last_mono) >= 1000000000LL) jumped = 1;
    }
    last_mono = mono;
    last_real = real;
    if (i == 0) {
      printf("ready\n");
      fflush(stdout);
    }
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  printf("vdso and syscall agree: %d\nmonotonic never went back: %d\nrealtime moved on further: %d\n", agree, ordered, jumped);
  return 0;
}
