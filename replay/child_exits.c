/* Output that depends on where the SIGCHLD of a child that exits at once takes effect: at the
 * return of the fork or vfork that made the child (when the child's exit has sent it by then),
 * or later in the parent's code. Right after each fork returns, with
 * no syscall in between, the parent notes how many SIGCHLDs its handler has counted; then it
 * reaps the child. Each recording may print other counts; replay --exec prints what its
 * recording printed, which needs the replay to hold the parent at the return of its fork until
 * the child's exit has sent the signal (the replay runs the child and the parent's return in
 * whatever order the host chooses). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ROUNDS = 30 };

static volatile sig_atomic_t reaped;

static void on_child(int sig) {
  (void)sig;
  reaped++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  int seen[ROUNDS];
  for (int round = 0; round < ROUNDS; round++) {
    pid_t child = round % 2 == 0 ? vfork() : fork();
    if (child < 0) return 2;
    if (child == 0) _exit(round % 7);
    seen[round] = reaped;
    int status;
    if (waitpid(child, &status, 0) != child || WEXITSTATUS(status) != round % 7) return 2;
  }
  for (int round = 0; round < ROUNDS; round++) printf("%s %d: %d SIGCHLDs before it returned\n", round % 2 == 0 ? "vfork" : "fork", round, seen[round]);
  return 0;
}
