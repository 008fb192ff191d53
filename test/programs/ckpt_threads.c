// build: -pthread
// Checkpoint/restore with threads: 4 workers wait on a condition variable (blocked in futex),
// then update shared counters under a mutex with short sleeps; main waits in nanosleep and
// pthread_join. Restored at any point, the totals come out right. The phases last 1 s and 2 s,
// long enough for the test's checkpoint to land in the one it aims at on a loaded machine.
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long total;
static long per[4];
static int go;

static void nap(long ms) {
  struct timespec ts = {0, ms * 1000 * 1000};
  nanosleep(&ts, 0);
}

static void* work(void* arg) {
  long id = (long)arg;
  pthread_mutex_lock(&mu);
  while (!go) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  for (int i = 0; i < 200; i++) {
    pthread_mutex_lock(&mu);
    total += id + 1;
    per[id]++;
    pthread_mutex_unlock(&mu);
    nap(10);
  }
  return 0;
}

int main(void) {
  pthread_t t[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, work, (void*)i);
  printf("ready\n");
  fflush(stdout);
  nap(1000);
  pthread_mutex_lock(&mu);
  go = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  printf("total=%ld per=%ld,%ld,%ld,%ld\n", total, per[0], per[1], per[2], per[3]);
  return 0;
}
