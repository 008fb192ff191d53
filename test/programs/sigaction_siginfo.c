/* sigaction with SA_SIGINFO: si_signo, si_code (SI_USER for kill, SI_TKILL for raise) and
 * si_pid/si_uid of the sender, here and from a child; the handler's signal is blocked while
 * it runs (not with SA_NODEFER), sa_mask too; SA_RESETHAND restores SIG_DFL. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t count;
static siginfo_t last;
static sigset_t during;

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)uc;
  last = *si;
  sigprocmask(SIG_BLOCK, NULL, &during);
  count++;
}

static const char *code(int c) { return c == SI_USER ? "SI_USER" : c == SI_TKILL ? "SI_TKILL" : c == SI_QUEUE ? "SI_QUEUE" : "other"; }

static void show(const char *what, pid_t sender) {
  printf("%s: handler ran %d time(s), si_signo %s, si_code %s, si_pid is the sender %s, si_uid is mine %s\n", what,
         (int)count, sigabbrev_np(last.si_signo), code(last.si_code), last.si_pid == sender ? "yes" : "no",
         last.si_uid == getuid() ? "yes" : "no");
  printf("  during the handler: USR1 blocked %s, USR2 blocked %s, HUP blocked %s\n", sigismember(&during, SIGUSR1) ? "yes" : "no",
         sigismember(&during, SIGUSR2) ? "yes" : "no", sigismember(&during, SIGHUP) ? "yes" : "no");
  count = 0;
}

static void install(int sig, int flags) {
  struct sigaction sa = {.sa_sigaction = handler, .sa_flags = SA_SIGINFO | flags};
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGHUP);
  sigaction(sig, &sa, NULL);
}

int main(void) {
  install(SIGUSR1, 0);
  struct sigaction q;
  sigaction(SIGUSR1, NULL, &q);
  printf("query: SA_SIGINFO set %s, handler is mine %s, sa_mask has HUP %s\n", (q.sa_flags & SA_SIGINFO) ? "yes" : "no",
         q.sa_sigaction == handler ? "yes" : "no", sigismember(&q.sa_mask, SIGHUP) ? "yes" : "no");
  kill(getpid(), SIGUSR1);
  show("kill(getpid(), SIGUSR1)", getpid());
  raise(SIGUSR1);
  show("raise(SIGUSR1)", getpid());
  install(SIGUSR2, SA_NODEFER | SA_RESETHAND);
  raise(SIGUSR2);
  show("raise(SIGUSR2) with SA_NODEFER|SA_RESETHAND", getpid());
  sigaction(SIGUSR2, NULL, &q);
  printf("after SA_RESETHAND: handler is SIG_DFL %s\n", q.sa_handler == SIG_DFL ? "yes" : "no");
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  while (count == 0) sigsuspend(&old);
  show("kill from a child", pid);
  waitpid(pid, NULL, 0);
  return 0;
}
