// build: -pthread
/* pthread_create/pthread_join: results come back through join (returned and pthread_exit
 * values); threads share the pid and memory, have their own tids and thread-local storage. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

enum { N = 4 };
static __thread long tls = 100;
static pid_t tids[N], pids[N];
static long shared;

static void *work(void *arg) {
  long i = (long)(intptr_t)arg;
  tids[i] = gettid();
  pids[i] = getpid();
  tls += i;
  long sum = 0;
  for (long k = 1; k <= 1000 * (i + 1); k++) sum += k;
  __atomic_add_fetch(&shared, 1, __ATOMIC_SEQ_CST);
  if (i == N - 1) pthread_exit((void *)(intptr_t)(sum + tls));
  return (void *)(intptr_t)(sum + tls);
}

int main(void) {
  pthread_t t[N];
  for (long i = 0; i < N; i++)
    if (pthread_create(&t[i], NULL, work, (void *)(intptr_t)i) != 0) return printf("pthread_create failed\n"), 1;
  for (int i = 0; i < N; i++) {
    void *ret;
    int r = pthread_join(t[i], &ret);
    printf("thread %d: join %d, result %ld\n", i, r, (long)(intptr_t)ret);
  }
  int distinct = 1, same_pid = 1, not_main = 1;
  for (int i = 0; i < N; i++) {
    same_pid &= pids[i] == getpid();
    not_main &= tids[i] != gettid();
    for (int j = 0; j < i; j++) distinct &= tids[i] != tids[j];
  }
  printf("threads share the pid: %s\n", same_pid ? "yes" : "no");
  printf("tids distinct and not the main thread's: %s\n", distinct && not_main ? "yes" : "no");
  printf("main thread's tid is its pid: %s\n", gettid() == getpid() ? "yes" : "no");
  printf("main thread's TLS untouched: %ld\n", tls);
  printf("shared counter: %ld\n", shared);
  pthread_t d;
  pthread_create(&d, NULL, work, (void *)(intptr_t)0);
  pthread_detach(d);
  pthread_t self = pthread_self();
  printf("joining oneself: %s\n", pthread_join(self, NULL) == EDEADLK ? "EDEADLK" : "other");
  return 0;
}
