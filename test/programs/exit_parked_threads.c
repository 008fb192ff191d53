/* A process ends while other threads of it are blocked in calls (sleeping, reading an empty
 * pipe, waiting in pthread_join): exit_group from main or from another thread, and a fatal
 * signal, end them all, and the parent gets the status. */
// build: -pthread
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int pipefd[2];

static void *sleeper(void *arg) {
  (void)arg;
  sleep(60);
  return NULL;
}

static void *reader(void *arg) {
  (void)arg;
  char c;
  if (read(pipefd[0], &c, 1) < 0) return NULL;
  return NULL;
}

static void *exiter(void *arg) {
  (void)arg;
  usleep(100000);
  exit(5);
}

static void run(const char *what, void (*body)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (pipe(pipefd) != 0) _exit(1);
    pthread_t a, b;
    pthread_create(&a, NULL, sleeper, NULL);
    pthread_create(&b, NULL, reader, NULL);
    usleep(100000);
    body();
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) printf("%s: exit %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(status)));
}

static void main_exits(void) { exit(3); }
static void main_terminated(void) { raise(SIGTERM); }
static void main_aborts(void) {
  abort();
}
static void other_thread_exits(void) {
  pthread_t c;
  pthread_create(&c, NULL, exiter, NULL);
  pthread_join(c, NULL);
}

int main(void) {
  run("main calls exit", main_exits);
  run("main raises SIGTERM", main_terminated);
  run("main aborts", main_aborts);
  run("another thread calls exit while main joins it", other_thread_exits);
  return 0;
}
