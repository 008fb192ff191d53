/* abort() ends the process by SIGABRT whatever its disposition or mask (a handler that
 * returns, SIG_IGN, blocked); raise() of signals whose default is to terminate or be
 * ignored. Mode "self": the program itself aborts (134 in shell terms). Core dumps off. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_abrt(int sig) { (void)sig; }

static void child(const char *what, int how) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGABRT);
    if (how == 1) signal(SIGABRT, on_abrt);
    if (how == 2) signal(SIGABRT, SIG_IGN);
    if (how == 3) sigprocmask(SIG_BLOCK, &set, NULL);
    if (how <= 3) abort();
    if (how == 4) raise(SIGTERM);
    if (how == 5) raise(SIGURG);
    if (how == 6) raise(SIGWINCH);
    if (how == 7) raise(SIGQUIT);
    _exit(7);
  }
  int st;
  waitpid(pid, &st, 0);
  if (WIFSIGNALED(st)) printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
  else printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

int main(int argc, char **argv) {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  if (argc > 1 && strcmp(argv[1], "self") == 0) {
    printf("aborting\n");
    fflush(stdout);
    abort();
  }
  child("abort()", 0);
  child("abort() with a handler that returns", 1);
  child("abort() with SIGABRT ignored", 2);
  child("abort() with SIGABRT blocked", 3);
  child("raise(SIGTERM)", 4);
  child("raise(SIGURG) (default: ignore)", 5);
  child("raise(SIGWINCH) (default: ignore)", 6);
  child("raise(SIGQUIT)", 7);
  return 0;
}
