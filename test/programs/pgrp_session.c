/* Process groups and sessions: a child starts in its parent's group and session; setsid makes
 * it the leader of both (and fails EPERM for a group leader); setpgid moves a child into its
 * own group, but not into a group of another session (EPERM); lookups of no process: ESRCH. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

/* Runs fn in a child and returns its exit status (a bit mask of checks that passed). */
static int in_child(int (*fn)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(fn());
  int st;
  waitpid(pid, &st, 0);
  return WEXITSTATUS(st);
}

static pid_t parent_pgrp, parent_sid;

static int inherits(void) { return (getpgrp() == parent_pgrp) | (getsid(0) == parent_sid) << 1 | (getpgrp() != getpid()) << 2; }

static int new_session(void) {
  pid_t sid = setsid();
  int again = setsid() < 0 && errno == EPERM;
  return (sid == getpid()) | (getsid(0) == getpid()) << 1 | (getpgrp() == getpid()) << 2 | again << 3;
}

static int leader_setsid(void) {
  setpgid(0, 0);
  return setsid() < 0 && errno == EPERM;
}

int main(void) {
  parent_pgrp = getpgrp();
  parent_sid = getsid(0);
  printf("getpgid(0) == getpgrp(): %s\n", getpgid(0) == getpgrp() ? "yes" : "no");
  printf("child inherits (group, session, not a leader): %#x\n", in_child(inherits));
  printf("child setsid (returns pid, sid, pgid, second setsid EPERM): %#x\n", in_child(new_session));
  printf("setsid of a group leader fails EPERM: %d\n", in_child(leader_setsid));
  int p[2];
  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid_t a = fork();
  if (a == 0) { /* a new session, waiting */
    char c;
    setsid();
    close(p[1]);
    _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
  }
  pid_t b = fork();
  if (b == 0) {
    char c;
    close(p[1]);
    _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
  }
  close(p[0]);
  report("setpgid(b, b)", setpgid(b, b));
  printf("getpgid(b) is b: %s\n", getpgid(b) == b ? "yes" : "no");
  for (int i = 0; i < 500 && getsid(a) != a; i++) usleep(10 * 1000); /* until a ran setsid */
  printf("getsid(a) is a: %s\n", getsid(a) == a ? "yes" : "no");
  report("setpgid(b, a) (a's group is in another session)", setpgid(b, a));
  report("setpgid(a, a) (a session leader)", setpgid(a, a));
  report("setpgid(b, 99999) (no such group)", setpgid(b, 99999));
  report("setpgid(99999, 0)", setpgid(99999, 0));
  report("getpgid(99999)", getpgid(99999));
  report("getsid(99999)", getsid(99999));
  close(p[1]);
  waitpid(a, NULL, 0);
  waitpid(b, NULL, 0);
  return 0;
}
