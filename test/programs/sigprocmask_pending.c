/* Blocked signals stay pending (sigpending) and are delivered at unblock: a standard signal
 * once per queue however often it was sent (the thread's queue for raise, the process's for
 * kill), a real-time signal once per raise; a blocked signal is kept even if ignored, and
 * setting SIG_IGN discards a pending one; SIGKILL and SIGSTOP cannot be blocked. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, rt;
static void on_usr1(int sig) { (void)sig, usr1++; }
static void on_rt(int sig) { (void)sig, rt++; }

static const char *pending(int sig) {
  sigset_t set;
  sigpending(&set);
  return sigismember(&set, sig) ? "yes" : "no";
}

static void block(int how, int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(how, &set, NULL);
}

int main(void) {
  signal(SIGUSR1, on_usr1);
  signal(SIGRTMIN, on_rt);
  block(SIG_BLOCK, SIGUSR1);
  raise(SIGUSR1);
  printf("SIGUSR1 raised while blocked: handled %d, pending %s\n", (int)usr1, pending(SIGUSR1));
  printf("SIGUSR2 pending: %s\n", pending(SIGUSR2));
  raise(SIGUSR1);
  block(SIG_UNBLOCK, SIGUSR1);
  printf("after a second raise and unblocking: handled %d, pending %s\n", (int)usr1, pending(SIGUSR1));
  usr1 = 0;
  block(SIG_BLOCK, SIGUSR1);
  raise(SIGUSR1);
  raise(SIGUSR1);
  kill(getpid(), SIGUSR1);
  kill(getpid(), SIGUSR1);
  block(SIG_UNBLOCK, SIGUSR1);
  printf("two raises and two kills while blocked: handled %d\n", (int)usr1);
  usr1 = 0;
  block(SIG_BLOCK, SIGRTMIN);
  for (int i = 0; i < 3; i++) raise(SIGRTMIN);
  printf("SIGRTMIN raised three times while blocked: handled %d, pending %s\n", (int)rt, pending(SIGRTMIN));
  block(SIG_UNBLOCK, SIGRTMIN);
  printf("after unblocking: handled %d\n", (int)rt);
  signal(SIGUSR2, SIG_IGN);
  block(SIG_BLOCK, SIGUSR2);
  raise(SIGUSR2);
  printf("ignored SIGUSR2 raised while blocked: pending %s\n", pending(SIGUSR2));
  signal(SIGUSR2, SIG_DFL); /* not a change that discards it */
  signal(SIGUSR2, on_usr1);
  block(SIG_UNBLOCK, SIGUSR2);
  printf("handled after installing a handler and unblocking: %d\n", (int)usr1);
  usr1 = 0;
  block(SIG_BLOCK, SIGUSR1);
  raise(SIGUSR1);
  signal(SIGUSR1, SIG_IGN);
  printf("pending SIGUSR1 after setting SIG_IGN: %s\n", pending(SIGUSR1));
  signal(SIGUSR1, on_usr1);
  block(SIG_UNBLOCK, SIGUSR1);
  printf("handled at unblock: %d\n", (int)usr1);
  sigset_t all, now;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  sigprocmask(SIG_SETMASK, NULL, &now);
  printf("after blocking everything: SIGKILL blocked %s, SIGSTOP blocked %s, SIGTERM blocked %s\n",
         sigismember(&now, SIGKILL) ? "yes" : "no", sigismember(&now, SIGSTOP) ? "yes" : "no",
         sigismember(&now, SIGTERM) ? "yes" : "no");
  sigset_t old;
  sigemptyset(&now);
  sigprocmask(SIG_SETMASK, &now, &old);
  printf("SIG_SETMASK returns the old mask: %s\n", sigismember(&old, SIGTERM) ? "yes" : "no");
  return 0;
}
