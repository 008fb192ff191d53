/* waitid: P_PID/P_PGID/P_ALL, the siginfo it fills (si_pid, si_signo, si_code, si_status),
 * WNOWAIT leaving the child waitable, WNOHANG zeroing si_pid, and its errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *code_name(int c) {
  return c == CLD_EXITED ? "CLD_EXITED" : c == CLD_KILLED ? "CLD_KILLED" : c == CLD_DUMPED ? "CLD_DUMPED" : "other";
}

static void show(const char *what, int r, const siginfo_t *si, pid_t pid) {
  if (r < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  if (si->si_pid == 0) {
    printf("%s: 0, si_pid 0, si_signo %d\n", what, si->si_signo);
    return;
  }
  printf("%s: si_pid is the child %s, si_signo %s, si_code %s, si_status %d\n", what, si->si_pid == pid ? "yes" : "no",
         sigabbrev_np(si->si_signo), code_name(si->si_code), si->si_status);
}

static pid_t child(int code, int wait_for_kill) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (wait_for_kill) pause();
    _exit(code);
  }
  return pid;
}

int main(void) {
  siginfo_t si;
  pid_t pid = child(7, 0);
  show("P_PID WEXITED|WNOWAIT", waitid(P_PID, pid, &si, WEXITED | WNOWAIT), &si, pid);
  show("P_PID WEXITED|WNOWAIT again", waitid(P_PID, pid, &si, WEXITED | WNOWAIT), &si, pid);
  show("P_PID WEXITED", waitid(P_PID, pid, &si, WEXITED), &si, pid);
  show("P_PID of the reaped child", waitid(P_PID, pid, &si, WEXITED), &si, pid);
  pid = child(0, 1);
  memset(&si, 0xff, sizeof si);
  show("WNOHANG, child running", waitid(P_PID, pid, &si, WEXITED | WNOHANG), &si, pid);
  kill(pid, SIGTERM);
  show("after SIGTERM", waitid(P_PID, pid, &si, WEXITED), &si, pid);
  pid = child(9, 0);
  show("P_PGID of my group", waitid(P_PGID, getpgrp(), &si, WEXITED), &si, pid);
  pid = child(200, 0);
  show("P_ALL", waitid(P_ALL, 0, &si, WEXITED), &si, pid);
  show("P_ALL without children", waitid(P_ALL, 0, &si, WEXITED), &si, pid);
  show("P_ALL WNOHANG without children", waitid(P_ALL, 0, &si, WEXITED | WNOHANG), &si, pid);
  show("options 0", waitid(P_ALL, 0, &si, 0), &si, pid);
  show("P_PID of pid 99999", waitid(P_PID, 99999, &si, WEXITED), &si, pid);
  return 0;
}
