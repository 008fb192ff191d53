/* Threads that wait for each other by spinning in their own code, without a syscall: in each
 * round two threads race for a spin lock and make a call while they hold it. Which one wins is
 * decided in memory, where the recording cannot see: in a replay the other one may win, make its
 * call and be held there for its recorded turn, which comes after the call of the thread now
 * spinning on the lock it holds. The replay takes a thread that runs its code that long without
 * a syscall for one that waits (the stall check) and lets the held call go out of its turn.
 * Without an argument the calls are getppid: the replay completes as recorded. With "write" each
 * winner writes its line: written in the other order, the output would differ from the
 * recording, and the replay reports a divergence instead. Either way it never hangs. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 4

static atomic_int lock, go;
static int writes;

static void *racer(void *arg) {
  long id = (long)arg;
  while (!atomic_load(&go)) {
  }
  while (atomic_exchange(&lock, 1)) {
  }
  if (writes)
    dprintf(1, "thread %ld has the lock\n", id);
  else if (getppid() < 0)
    return arg;
  atomic_store(&lock, 0);
  return NULL;
}

int main(int argc, char **argv) {
  writes = argc > 1 && strcmp(argv[1], "write") == 0;
  for (int round = 0; round < ROUNDS; round++) {
    pthread_t t[2];
    atomic_store(&go, 0);
    for (long i = 0; i < 2; i++)
      if (pthread_create(&t[i], NULL, racer, (void *)i) != 0) return 2;
    atomic_store(&go, 1);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  }
  printf("%d rounds done\n", ROUNDS);
  return 0;
}
