/* Output that depends on the order of syscalls across threads and processes: three children
 * write lines into one pipe (how the parent's reads cut the stream, and whose line comes
 * first, depend on who ran when), three threads write their lines to stdout in turn with no
 * lock, and the parent reports the order in which wait4(-1) reaps the children. Each recording
 * may print something else; replay --exec prints what its recording printed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHILDREN = 3, THREADS = 3, LINES = 4 };

static void say(const char *text) {
  if (write(1, text, strlen(text)) < 0) exit(2);
}

static void *thread_main(void *arg) {
  char line[64];
  for (int i = 0; i < LINES; i++) {
    snprintf(line, sizeof line, "thread %ld step %d\n", (long)arg, i);
    say(line);
    sched_yield();
  }
  return NULL;
}

int main(void) {
  int fds[2];
  if (pipe(fds) != 0) return 2;
  pid_t pids[CHILDREN];
  for (int c = 0; c < CHILDREN; c++) {
    pids[c] = fork();
    if (pids[c] < 0) return 2;
    if (pids[c] == 0) {
      close(fds[0]);
      char line[64];
      for (int i = 0; i < LINES; i++) {
        int n = snprintf(line, sizeof line, "child %d line %d;", c, i);
        if (write(fds[1], line, (size_t)n) != n) _exit(2);
        sched_yield();
      }
      _exit(10 + c);
    }
  }
  close(fds[1]);
  pthread_t threads[THREADS];
  for (long t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, thread_main, (void *)t);
  char buf[40];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf - 1)) > 0) {
    buf[n] = 0;
    printf("read [%s]\n", buf);
    fflush(stdout);
  }
  for (long t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
  for (int reaped = 0; reaped < CHILDREN; reaped++) {
    int status;
    pid_t pid = wait(&status);
    int which = -1;
    for (int c = 0; c < CHILDREN; c++)
      if (pids[c] == pid) which = c;
    printf("reaped child %d, status %d\n", which, WEXITSTATUS(status));
  }
  return 0;
}
