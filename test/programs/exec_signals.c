/* Signal state across fork and execve: fork keeps handlers, ignores and the mask but not
 * pending signals; execve resets handlers to SIG_DFL, keeps SIG_IGN, the mask and pending
 * signals. Re-executes itself (argv[0]) with "after-exec". */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

static const char *disp(int sig) {
  struct sigaction sa;
  sigaction(sig, NULL, &sa);
  return sa.sa_handler == SIG_DFL ? "SIG_DFL" : sa.sa_handler == SIG_IGN ? "SIG_IGN" : "handler";
}

static void report(const char *who) {
  sigset_t mask, pend;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  sigpending(&pend);
  printf("%s: USR1 %s, USR2 %s, TERM blocked %s, INT pending %s, HUP pending %s\n", who, disp(SIGUSR1), disp(SIGUSR2),
         sigismember(&mask, SIGTERM) ? "yes" : "no", sigismember(&pend, SIGINT) ? "yes" : "no",
         sigismember(&pend, SIGHUP) ? "yes" : "no");
  fflush(stdout);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
    report("after execve");
    return 0;
  }
  signal(SIGUSR1, on_usr1);
  signal(SIGUSR2, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, NULL);
  raise(SIGINT);         /* pending for this thread */
  kill(getpid(), SIGHUP); /* pending for the process */
  report("before fork");
  pid_t pid = fork();
  if (pid == 0) {
    report("in the fork child");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  execl(argv[0], argv[0], "after-exec", (char *)NULL);
  perror("execl");
  return 1;
}
