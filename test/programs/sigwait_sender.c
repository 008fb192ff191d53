/* sigwaitinfo and sigtimedwait report who sent the signal they take: kill and raise from the
 * process itself (SI_USER / SI_TKILL, its own pid and uid), kill from a child (the child's
 * pid), sigqueue's value, and a child's exit as SIGCHLD (CLD_EXITED, its pid and status). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, int sig, const siginfo_t *i, pid_t expect) {
  printf("%-26s sig %s code %d pid %s uid %d", what, sig == SIGRTMIN ? "RTMIN" : sig > 0 ? sigabbrev_np(sig) : "-", i->si_code,
         i->si_pid == expect ? "as expected" : "wrong", (int)i->si_uid);
  if (i->si_code == SI_QUEUE) printf(" value %d", i->si_value.sival_int);
  if (sig == SIGCHLD) printf(" status %d", i->si_status);
  printf("\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &set, NULL);
  siginfo_t info;
  int sig;

  kill(getpid(), SIGUSR1);
  sig = sigwaitinfo(&set, &info);
  show("kill self", sig, &info, getpid());

  raise(SIGUSR2);
  sig = sigwaitinfo(&set, &info);
  show("raise", sig, &info, getpid());

  union sigval v = {.sival_int = 42};
  sigqueue(getpid(), SIGRTMIN, v);
  struct timespec ts = {1, 0};
  sig = sigtimedwait(&set, &info, &ts);
  show("sigqueue self", sig, &info, getpid());

  pid_t child = fork();
  if (child == 0) {
    kill(getppid(), SIGUSR1);
    _exit(7);
  }
  sig = sigwaitinfo(&set, &info);
  show("kill from a child", sig, &info, child);
  sig = sigwaitinfo(&set, &info);
  show("the child's exit", sig, &info, child);
  waitpid(child, NULL, 0);

  /* Taken by sigwaitinfo, a signal leaves nothing behind for the next delivery: a handler
   * then sees its own sender. */
  kill(getpid(), SIGUSR1);
  sig = sigwaitinfo(&set, &info);
  show("kill self again", sig, &info, getpid());
  ts.tv_sec = 0;
  sig = sigtimedwait(&set, &info, &ts);
  printf("nothing pending: %d\n", sig);
  return 0;
}
