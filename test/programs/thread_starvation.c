// build: -pthread
/* A thread that makes a few syscalls beside threads that make nothing but syscalls gets its
 * share: the main thread's 200 calls finish long before any of ten busy threads has made its
 * 1000000 (they stop early once it is done). In the sandbox every one of these calls is a stop
 * the tracer handles; it used to take the newest thread's stop first, so the older main thread waited until
 * the busy ones were done (libuv's signal_multiple_loops ran 100 s instead of 1). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BUSY 10
#define QUOTA 1000000

static atomic_int started, main_done, busy_finished;

static void *busy(void *arg) {
  (void)arg;
  atomic_fetch_add(&started, 1);
  for (int i = 0; i < QUOTA && !atomic_load(&main_done); i++) syscall(SYS_getppid);
  atomic_fetch_add(&busy_finished, 1);
  return NULL;
}

int main(void) {
  pthread_t t[BUSY];
  for (int i = 0; i < BUSY; i++) pthread_create(&t[i], NULL, busy, NULL);
  while (atomic_load(&started) < BUSY) {
  }
  for (int i = 0; i < 200; i++) syscall(SYS_getpid);
  int finished = atomic_load(&busy_finished);
  atomic_store(&main_done, 1);
  for (int i = 0; i < BUSY; i++) pthread_join(t[i], NULL);
  printf("busy threads done with their %d calls when main's 200 were done: %s\n", QUOTA, finished == 0 ? "none" : "some");
  return 0;
}
