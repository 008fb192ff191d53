/* An exec that ends the process's other threads (Linux's de_thread), made by the main thread or
 * by another one (which then takes the main thread's tid), while one thread is parked in a read
 * and two make calls in a loop. In the recording those make some calls after the exec began,
 * then die; the parked read never returns. replay --exec holds the exec until they have made
 * theirs, holds a call recorded as never returning at its completion until the exec ends it,
 * and does not give the old main thread the new image's calls: the replay is the recording. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fds[2];
static char *self;

static void *parked(void *arg) {
  char c;
  if (read(fds[0], &c, 1) < 0) return arg;
  return NULL;
}

static void *busy(void *arg) {
  for (;;)
    if (getppid() < 0) return arg;
}

static void *exec_again(void *arg) {
  for (int i = 0; i < 20; i++)
    if (getpid() <= 0) return arg;
  char *argv[] = {self, "new image", NULL};
  execv(self, argv);
  return arg;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "new image") == 0) {
    dprintf(1, "new image: pid == tid: %d\n", getpid() == gettid());
    return 0;
  }
  self = argv[0];
  if (pipe(fds) != 0) return 2;
  pthread_t t;
  if (pthread_create(&t, NULL, parked, NULL) != 0 || pthread_create(&t, NULL, busy, NULL) != 0) return 2;
  if (argc > 1 && strcmp(argv[1], "main") == 0) {
    exec_again(NULL);
    return 3;
  }
  if (pthread_create(&t, NULL, exec_again, NULL) != 0) return 2;
  busy(NULL);
  return 3;
}
