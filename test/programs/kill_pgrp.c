/* kill(-pgid) and kill(0) signal every process of a group (the sender too, which ignores
 * it here) and no one outside it; kill of an empty group is ESRCH. A child leads the group,
 * so the test does not depend on the group it was started in. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t member(int own_group) {
  pid_t pid = fork();
  if (pid == 0) {
    if (own_group) setpgid(0, 0);
    for (;;) pause();
  }
  if (own_group) setpgid(pid, pid);
  return pid;
}

static void reap(const char *what, pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid) printf("%s: %s\n", what, strerrorname_np(errno));
  else if (WIFSIGNALED(st)) printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
  else printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

static int leader(void) {
  setpgid(0, 0);
  printf("leader leads its group: %s\n", getpgrp() == getpid() ? "yes" : "no");
  fflush(stdout);
  pid_t m[3];
  for (int i = 0; i < 3; i++) m[i] = member(0);
  pid_t outsider = member(1);
  signal(SIGTERM, SIG_IGN);
  printf("kill(-pgrp, SIGTERM): %d\n", kill(-getpgrp(), SIGTERM));
  for (int i = 0; i < 3; i++) reap("  member", m[i]);
  int st;
  printf("  the outsider is still running: %s\n", waitpid(outsider, &st, WNOHANG) == 0 ? "yes" : "no");
  printf("kill(-outsider's pgrp, SIGTERM): %d\n", kill(-outsider, SIGTERM));
  reap("  outsider", outsider);
  fflush(stdout);
  m[0] = member(0);
  m[1] = member(0);
  printf("kill(0, SIGHUP) with SIGHUP ignored by the sender: ");
  signal(SIGHUP, SIG_IGN);
  printf("%d\n", kill(0, SIGHUP));
  reap("  member", m[0]);
  reap("  member", m[1]);
  printf("kill(-99999, 0): %s\n", kill(-99999, 0) < 0 ? strerrorname_np(errno) : "ok");
  printf("killpg(own group, 0): %s\n", killpg(getpgrp(), 0) < 0 ? strerrorname_np(errno) : "ok");
  printf("killpg(-1, 0): %s\n", killpg(-1, 0) < 0 ? strerrorname_np(errno) : "ok");
  return 0;
}

int main(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(leader() == 0 && fflush(stdout) == 0 ? 0 : 1);
  reap("leader", pid);
  return 0;
}
