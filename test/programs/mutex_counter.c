// build: -pthread
/* A mutex-protected counter incremented by 4 threads x 100000 ends at exactly 400000; a
 * condition variable passes a token between two threads 2000 times, in order. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

enum { THREADS = 4, ROUNDS = 100000, PINGS = 2000 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn, order_ok = 1, next_expected;

static void *count(void *arg) {
  (void)arg;
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    long v = counter;
    counter = v + 1;
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static void *ping(void *arg) {
  int me = (int)(intptr_t)arg;
  for (int i = 0; i < PINGS; i++) {
    pthread_mutex_lock(&lock);
    while (turn != me) pthread_cond_wait(&cond, &lock);
    order_ok &= next_expected == me;
    next_expected = 1 - me;
    turn = 1 - me;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, count, NULL);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  printf("counter %ld (expected %d)\n", counter, THREADS * ROUNDS);
  pthread_t a, b;
  pthread_create(&a, NULL, ping, (void *)0);
  pthread_create(&b, NULL, ping, (void *)1);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("token passed %d times, strictly alternating: %s\n", 2 * PINGS, order_ok ? "yes" : "no");
  printf("trylock of a held mutex: ");
  pthread_mutex_lock(&lock);
  printf("%s\n", pthread_mutex_trylock(&lock) != 0 ? "busy" : "acquired");
  pthread_mutex_unlock(&lock);
  return 0;
}
