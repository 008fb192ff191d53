/* Stop and continue: a child stopped by SIGSTOP (sent by the parent) or SIGTSTP (raised by
 * itself) is reported by WUNTRACED, then by WCONTINUED after SIGCONT, once each. Polled with
 * WNOHANG for at most 3 s, so a kernel that never reports a stop ends the test, not hangs. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void describe(const char *what, pid_t r, const int *status) {
  int st = *status;
  printf("%s: ", what);
  if (r < 0) printf("%s\n", strerrorname_np(errno));
  else if (r == 0) printf("nothing to report\n");
  else if (WIFSTOPPED(st)) printf("stopped by %s\n", sigabbrev_np(WSTOPSIG(st)));
  else if (WIFCONTINUED(st)) printf("continued\n");
  else if (WIFEXITED(st)) printf("exited %d\n", WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("killed by %s\n", sigabbrev_np(WTERMSIG(st)));
}

static pid_t poll_wait(pid_t pid, int *st, int options) {
  for (int i = 0; i < 300; i++) {
    pid_t r = waitpid(pid, st, options | WNOHANG);
    if (r != 0) return r;
    usleep(10 * 1000);
  }
  return 0;
}

int main(void) {
  int st;
  for (int self = 0; self < 2; self++) {
    printf("%s\n", self ? "child raises SIGTSTP" : "parent sends SIGSTOP");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0); /* a group whose parent is outside: not orphaned, so SIGTSTP stops */
      if (self) raise(SIGTSTP);
      pause(); /* until the parent's SIGTERM */
      _exit(5);
    }
    if (!self) kill(pid, SIGSTOP);
    describe("  WUNTRACED", poll_wait(pid, &st, WUNTRACED), &st);
    describe("  WUNTRACED again", waitpid(pid, &st, WUNTRACED | WNOHANG), &st);
    kill(pid, SIGCONT);
    describe("  WCONTINUED", poll_wait(pid, &st, WCONTINUED), &st);
    describe("  WCONTINUED again", waitpid(pid, &st, WCONTINUED | WNOHANG), &st);
    kill(pid, SIGTERM);
    describe("  at the end", poll_wait(pid, &st, 0), &st);
    if (kill(pid, 0) == 0) { /* the kernel under test lost the child: do not leave it behind */
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
    }
  }
  return 0;
}
