// build: -pthread
// Checkpoint/restore of alternate signal stacks: the main thread (asleep at the checkpoint) and
// a thread computing in user code (interrupted there) each have a sigaltstack; afterwards a
// SA_ONSTACK handler must run on the right one in each. It runs ~4 s: the test's checkpoint
// must find it still running on a loaded machine (at 1.5 s a CI run at load 10 was too late).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static __thread char* stack_lo;
static __thread volatile int on_alt;
static volatile int thread_on_alt;

static void handler(int sig) {
  (void)sig;
  char here;
  on_alt = &here >= stack_lo && &here < stack_lo + SIGSTKSZ * 4;
}

static void use_altstack(void) {
  stack_lo = malloc(SIGSTKSZ * 4);
  stack_t ss = {.ss_sp = stack_lo, .ss_size = SIGSTKSZ * 4, .ss_flags = 0};
  sigaltstack(&ss, 0);
}

static void nap(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, 0);
}

static void* spinner(void* arg) {
  (void)arg;
  use_altstack();
  volatile uint64_t x = 0;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    for (int i = 0; i < 1000000; i++) x += i;
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while (now.tv_sec - start.tv_sec < 4);
  raise(SIGUSR1);
  thread_on_alt = on_alt;
  return 0;
}

int main(void) {
  struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_ONSTACK};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, 0);
  use_altstack();
  pthread_t t;
  pthread_create(&t, 0, spinner, 0);
  printf("ready\n");
  fflush(stdout);
  nap(3500);
  raise(SIGUSR1);
  int main_on_alt = on_alt;
  pthread_join(t, 0);
  printf("main handler on its altstack: %s\n", main_on_alt ? "yes" : "no");
  printf("thread handler on its altstack: %s\n", thread_on_alt ? "yes" : "no");
  return 0;
}
