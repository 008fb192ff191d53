/* Threads synchronised by futexes, which the host runs untrapped: a mutex and condition
 * variable passing a turn around N threads (each writes its line in its turn), a barrier whose
 * last thread to arrive writes the round's line, a semaphore each thread takes to write its
 * line. Ping-pong: who runs next is decided by the turn, so the writes come in the recorded
 * order and `--exec` prints what its recording printed. Barrier and semaphore: which thread
 * arrives last, which one takes the semaphore first, is decided in memory where the recording
 * cannot see: a replay prints what the recording printed or reports a divergence (the thread
 * making another call, or writes in another order), and never hangs. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 10
#define MAX_THREADS 8

static int nthreads;
static const char *mode;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn;
static pthread_barrier_t barrier;
static sem_t sem;

static void *worker(void *arg) {
  long id = (long)arg;
  for (int round = 0; round < ROUNDS; round++) {
    if (strcmp(mode, "pingpong") == 0) {
      pthread_mutex_lock(&mutex);
      while (turn % nthreads != id) pthread_cond_wait(&cond, &mutex);
      dprintf(1, "round %d: thread %ld\n", round, id);
      turn++;
      pthread_cond_broadcast(&cond);
      pthread_mutex_unlock(&mutex);
    } else if (strcmp(mode, "barrier") == 0) {
      if (getppid() < 0) return arg;
      if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) dprintf(1, "round %d done\n", round);
    } else {
      sem_wait(&sem);
      dprintf(1, "round %d: thread %ld has the semaphore\n", round, id);
      sem_post(&sem);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  mode = argc > 1 ? argv[1] : "pingpong";
  nthreads = argc > 2 ? atoi(argv[2]) : 2;
  if (nthreads < 1 || nthreads > MAX_THREADS) return 2;
  if (pthread_barrier_init(&barrier, NULL, nthreads) != 0 || sem_init(&sem, 0, 1) != 0) return 2;
  pthread_t threads[MAX_THREADS];
  for (long i = 0; i < nthreads; i++)
    if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0) return 2;
  for (int i = 0; i < nthreads; i++) pthread_join(threads[i], NULL);
  dprintf(1, "%s with %d threads done\n", mode, nthreads);
  return 0;
}
