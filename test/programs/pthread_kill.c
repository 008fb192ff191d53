// build: -pthread
/* Thread-directed signals: pthread_kill runs the handler in the target thread; a
 * process-directed kill() goes to a thread that does not block the signal; tgkill of a
 * finished thread is ESRCH. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t handled_in, worker_tid;
static volatile int stop;

static void handler(int sig) {
  (void)sig;
  handled_in = gettid();
}

static void *worker(void *arg) {
  if (arg) { /* unblock what the main thread blocked */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  }
  worker_tid = gettid();
  while (!stop) usleep(1000);
  return NULL;
}

static int wait_handled(void) {
  for (int i = 0; i < 5000 && !handled_in; i++) usleep(1000);
  return handled_in;
}

int main(void) {
  signal(SIGUSR1, handler);
  signal(SIGUSR2, handler);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  while (!worker_tid) usleep(1000);
  printf("pthread_kill(worker, 0): %d\n", pthread_kill(t, 0));
  pthread_kill(t, SIGUSR1);
  wait_handled();
  printf("pthread_kill: handler ran in the worker %s\n", handled_in == worker_tid ? "yes" : "no");
  handled_in = 0;
  pthread_kill(pthread_self(), SIGUSR1);
  printf("pthread_kill(self): handler ran in the main thread %s\n", handled_in == gettid() ? "yes" : "no");
  stop = 1;
  pthread_join(t, NULL);
  pid_t old = worker_tid;
  long r = 0; /* joined once its tid word is cleared, a moment before it is released: poll */
  for (int i = 0; i < 100 && (r = syscall(SYS_tgkill, getpid(), old, 0)) == 0; i++) usleep(10 * 1000);
  printf("tgkill of the finished worker: %s\n", r < 0 ? strerrorname_np(errno) : "ok");

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  stop = 0;
  worker_tid = 0;
  handled_in = 0;
  pthread_create(&t, NULL, worker, (void *)1);
  while (!worker_tid) usleep(1000);
  kill(getpid(), SIGUSR2);
  wait_handled();
  printf("kill(getpid()) with the main thread blocking it: handled by the worker %s\n", handled_in == worker_tid ? "yes" : "no");
  stop = 1;
  pthread_join(t, NULL);
  return 0;
}
