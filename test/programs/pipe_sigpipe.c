/* Writing to a pipe without readers: SIGPIPE, whose default action kills (mode "die": the
 * program ends by SIGPIPE, 141 in shell terms; "child": a child's wait status); ignored or
 * blocked, the write fails EPIPE (blocked: SIGPIPE stays pending); caught, the handler runs
 * and the write fails EPIPE. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static void on_pipe(int sig) { caught = sig; }

static int readerless_pipe(void) {
  int p[2];
  if (pipe(p) != 0) return -1;
  close(p[0]);
  return p[1];
}

static void try_write(const char *what) {
  int fd = readerless_pipe();
  ssize_t r = write(fd, "x", 1);
  printf("%s: write %s\n", what, r < 0 ? strerrorname_np(errno) : "succeeded");
  close(fd);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "die") == 0) {
    printf("writing to a pipe without readers\n");
    fflush(stdout);
    try_write("not reached");
    return 0;
  }
  if (strcmp(mode, "child") == 0) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      try_write("not reached");
      _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child: signaled %s, signal %s\n", WIFSIGNALED(st) ? "yes" : "no", sigabbrev_np(WTERMSIG(st)));
    return 0;
  }
  if (strcmp(mode, "ignore") == 0) {
    signal(SIGPIPE, SIG_IGN);
    try_write("SIGPIPE ignored");
    return 0;
  }
  if (strcmp(mode, "handler") == 0) {
    signal(SIGPIPE, on_pipe);
    try_write("SIGPIPE caught");
    printf("handler ran for %s\n", caught ? sigabbrev_np(caught) : "nothing");
    return 0;
  }
  if (strcmp(mode, "blocked") == 0) {
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &set, NULL);
    try_write("SIGPIPE blocked");
    sigpending(&pending);
    printf("SIGPIPE pending: %s\n", sigismember(&pending, SIGPIPE) ? "yes" : "no");
    signal(SIGPIPE, SIG_IGN); /* discards it: unblocking must not kill */
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("still alive after unblocking\n");
    return 0;
  }
  printf("usage: pipe_sigpipe die|child|ignore|handler|blocked\n");
  return 2;
}
