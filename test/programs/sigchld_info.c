/* SIGCHLD: sent to the parent when a child exits or is killed, with si_code CLD_EXITED or
 * CLD_KILLED, si_pid and si_status; a waitpid blocked when the child exits returns the child
 * even with a handler without SA_RESTART (the handler runs after it, no EINTR); with SIGCHLD
 * ignored, children are reaped by the kernel and wait finds none (ECHILD); SA_NOCLDWAIT
 * likewise, but with a handler and SA_NOCLDWAIT the parent is still sent SIGCHLD. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static siginfo_t info;

static void on_chld(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)uc;
  info = *si;
  got++;
}

static void child_then_signal(const char *what, int kill_it, sigset_t *unblocked) {
  got = 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (kill_it) pause();
    _exit(3);
  }
  if (kill_it) kill(pid, SIGKILL);
  while (!got) sigsuspend(unblocked);
  printf("%s: SIGCHLD %d time(s), si_code %s, si_pid is the child %s, si_status %d\n", what, (int)got,
         info.si_code == CLD_EXITED ? "CLD_EXITED" : info.si_code == CLD_KILLED ? "CLD_KILLED" : "other",
         info.si_pid == pid ? "yes" : "no", info.si_status);
  int st;
  printf("  waitpid then finds it: %s\n", waitpid(pid, &st, 0) == pid ? "yes" : "no");
}

static void wait_while_exiting(void) {
  got = 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(100 * 1000); /* the parent is in waitpid by then (either way, the same output) */
    _exit(5);
  }
  int st = 0;
  pid_t r = waitpid(pid, &st, 0);
  printf("waitpid blocked as the child exits, handler without SA_RESTART: %s, status %d, handler ran %s\n",
         r == pid ? "returns the child" : r < 0 ? strerrorname_np(errno) : "other", WEXITSTATUS(st), got ? "yes" : "no");
}

static void auto_reap(const char *what) {
  fflush(stdout);
  for (int i = 0; i < 3; i++)
    if (fork() == 0) _exit(i);
  int st;
  pid_t r = wait(&st); /* blocks until all three are gone */
  printf("%s: wait returns %s\n", what, r < 0 ? strerrorname_np(errno) : "a child");
}

int main(void) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old);
  struct sigaction sa = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  child_then_signal("child exits 3", 0, &old);
  child_then_signal("child killed", 1, &old);
  sigprocmask(SIG_SETMASK, &old, NULL);
  wait_while_exiting();
  signal(SIGCHLD, SIG_IGN);
  auto_reap("SIGCHLD ignored");
  struct sigaction nocldwait = {.sa_handler = SIG_DFL, .sa_flags = SA_NOCLDWAIT};
  sigemptyset(&nocldwait.sa_mask);
  sigaction(SIGCHLD, &nocldwait, NULL);
  pid_t pid;
  int st;
  auto_reap("SA_NOCLDWAIT");
  struct sigaction handled = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_NOCLDWAIT};
  sigemptyset(&handled.sa_mask);
  sigprocmask(SIG_BLOCK, &block, NULL);
  sigaction(SIGCHLD, &handled, NULL);
  got = 0;
  fflush(stdout);
  pid = fork();
  if (pid == 0) _exit(6);
  while (!got) sigsuspend(&old);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("SA_NOCLDWAIT with a handler: SIGCHLD %d time(s), si_status %d, si_pid is the child %s, waitpid then %s\n",
         (int)got, info.si_status, info.si_pid == pid ? "yes" : "no",
         waitpid(pid, &st, 0) < 0 ? strerrorname_np(errno) : "finds it");
  signal(SIGCHLD, SIG_DFL);
  fflush(stdout);
  pid = fork();
  if (pid == 0) _exit(4);
  printf("default disposition: waitpid finds the child %s\n", waitpid(pid, &st, 0) == pid ? "yes" : "no");
  return 0;
}
