/* A thread that makes calls until the process's exit kills it: where the recording ends for it
 * depends on when the main thread's exit_group came. In the replay the thread may get further
 * before that exit: its calls beyond the recording wait (the exit kills it there), so that
 * replay --exec reproduces the run instead of reporting a call the recording does not have. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *worker(void *arg) {
  (void)arg;
  for (;;)
    if (getppid() < 0) return NULL;
}

int main(void) {
  pthread_t thread;
  if (pthread_create(&thread, NULL, worker, NULL) != 0) return 2;
  for (int i = 0; i < 200; i++)
    if (getpid() <= 0) return 2;
  printf("main thread done\n");
  return 0;
}
