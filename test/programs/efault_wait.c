/* wait4 and waitid with a bad status/rusage/siginfo pointer: EFAULT, and the child is reaped
 * anyway (a second wait finds no child). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *volatile bad = (char *)1; /* an unmapped address the compiler cannot see */

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

static pid_t child(int code) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(code);
  return pid;
}

int main(void) {
  int st;
  siginfo_t si;
  pid_t pid = child(5);
  report("wait4 with a bad status pointer", syscall(SYS_wait4, pid, bad, 0, NULL));
  report("wait4 again", syscall(SYS_wait4, pid, &st, 0, NULL));
  pid = child(6);
  report("wait4 with a bad rusage pointer", syscall(SYS_wait4, pid, &st, 0, bad));
  report("wait4 again", syscall(SYS_wait4, pid, &st, 0, NULL));
  pid = child(7);
  report("waitid with a bad siginfo pointer", syscall(SYS_waitid, P_PID, pid, bad, WEXITED, NULL));
  report("waitid again", syscall(SYS_waitid, P_PID, pid, &si, WEXITED, NULL));
  report("waitid with no child and a bad siginfo", syscall(SYS_waitid, P_PID, pid, bad, WEXITED, NULL));
  pid = child(8);
  report("waitid with a NULL siginfo", syscall(SYS_waitid, P_PID, pid, NULL, WEXITED, NULL));
  report("wait4 after it", syscall(SYS_wait4, pid, &st, 0, NULL));
  pid = child(9);
  report("wait4 with a NULL status pointer", syscall(SYS_wait4, pid, NULL, 0, NULL));
  report("wait4 with a bad status and no child", syscall(SYS_wait4, -1, bad, 0, NULL));
  return 0;
}
