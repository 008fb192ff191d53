/* Wait statuses: exit codes (only the low 8 bits survive), death by signals sent by others
 * and by the child itself, decoded with the W* macros (core dumps disabled, not printed). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int st) {
  printf("%-28s", what);
  if (WIFEXITED(st)) printf(" exited, status %d (raw %#x)\n", WEXITSTATUS(st), st);
  else if (WIFSIGNALED(st) && WTERMSIG(st) >= SIGRTMIN) printf(" killed by RTMIN+%d\n", WTERMSIG(st) - SIGRTMIN);
  else if (WIFSIGNALED(st)) printf(" killed by %s\n", sigabbrev_np(WTERMSIG(st)));
  else printf(" other %#x\n", st);
}

static void run(const char *what, int how, int arg) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    if (how == 0) _exit(arg);
    if (how == 1) exit(arg);
    if (how == 2) raise(arg);
    if (how == 3) kill(getpid(), arg);
    if (how == 4) *(volatile int *)0 = 1;
    if (how == 5) pause();
    _exit(99);
  }
  if (how == 5) kill(pid, arg);
  int st;
  pid_t r = waitpid(pid, &st, 0);
  if (r != pid) printf("%s: waitpid returned another pid\n", what);
  else show(what, st);
}

int main(void) {
  run("_exit(0)", 0, 0);
  run("_exit(3)", 0, 3);
  run("exit(255)", 1, 255);
  run("_exit(256)", 0, 256);
  run("_exit(-1)", 0, -1);
  run("raise(SIGTERM)", 2, SIGTERM);
  run("raise(SIGUSR1)", 2, SIGUSR1);
  run("kill(self, SIGKILL)", 3, SIGKILL);
  run("kill(self, SIGINT)", 3, SIGINT);
  run("null dereference", 4, 0);
  run("raise(SIGFPE)", 2, SIGFPE);
  run("raise(SIGCHLD) (ignored)", 2, SIGCHLD);
  run("parent sends SIGKILL", 5, SIGKILL);
  run("parent sends SIGHUP", 5, SIGHUP);
  run("parent sends SIGALRM", 5, SIGALRM);
  run("parent sends SIGRTMIN+1", 5, SIGRTMIN + 1);
  return 0;
}
