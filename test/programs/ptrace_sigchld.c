/* The tracer's SIGCHLD for its tracee's ptrace-stops (CLD_TRAPPED), as gdb waits for them: in
 * sigsuspend with SIGCHLD blocked otherwise, then waitpid(WNOHANG). The child TRACEMEs and
 * execs sh, which execs true: two exec SIGTRAP stops, each announced by a SIGCHLD whose
 * si_code is CLD_TRAPPED, si_status SIGTRAP and si_pid the child; then its exit (CLD_EXITED).
 * With SA_NOCLDSTOP no SIGCHLD comes for the stops (none pending when the wait reports one),
 * only for the exit. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got, code, status, from;

static void on_chld(int sig, siginfo_t *info, void *uc) {
  (void)sig, (void)uc;
  got = 1;
  code = info->si_code;
  status = info->si_status;
  from = info->si_pid;
}

static const char *code_name(int c) {
  return c == CLD_TRAPPED ? "CLD_TRAPPED" : c == CLD_EXITED ? "CLD_EXITED" : c == CLD_STOPPED ? "CLD_STOPPED" : "other";
}

static void run(int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | flags;
  sigaction(SIGCHLD, &sa, NULL);
  sigset_t block, empty;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigemptyset(&empty);
  sigprocmask(SIG_BLOCK, &block, NULL);
  pid_t c = fork();
  if (c == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    execl("/bin/sh", "sh", "-c", "exec /bin/true", (char *)0);
    _exit(9);
  }
  printf("%s:\n", flags ? "SA_NOCLDSTOP" : "plain");
  for (;;) {
    int st;
    if (!flags) {
      /* SIGCHLD is blocked but in sigsuspend: one that came meanwhile is taken there. */
      got = 0;
      while (!got) sigsuspend(&empty);
      printf("  SIGCHLD %s status %d from the child %d\n", code_name(code), status, from == c);
    }
    if (waitpid(c, &st, 0) != c) break;
    sigset_t pending;
    sigpending(&pending);
    if (WIFSTOPPED(st)) printf("  stop sig %d%s\n", WSTOPSIG(st), flags && sigismember(&pending, SIGCHLD) ? ", SIGCHLD pending" : "");
    if (WIFEXITED(st)) {
      printf("  exited %d%s\n", WEXITSTATUS(st), flags && sigismember(&pending, SIGCHLD) ? ", SIGCHLD pending" : "");
      break;
    }
    ptrace(PTRACE_CONT, c, 0, 0);
  }
  sigprocmask(SIG_UNBLOCK, &block, NULL);
  signal(SIGCHLD, SIG_DFL);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  run(0);
  run(SA_NOCLDSTOP);
  return 0;
}
