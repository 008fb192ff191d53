/* RLIMIT_CPU: a process that spins gets SIGXCPU at the soft limit (it may catch it and go on)
 * and SIGKILL at the hard one; the limit is inherited by a forked child. A user other than
 * root may lower a hard limit but not raise it (EPERM). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t xcpu;

static void on_xcpu(int sig) {
  (void)sig;
  xcpu++;
  if (xcpu == 1) write(1, "  SIGXCPU caught\n", 17);
}

static void report(const char *what, int status) {
  if (WIFSIGNALED(status)) printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(status)));
  else printf("%s: exit %d\n", what, WEXITSTATUS(status));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int status;
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl = {1, 2};
    setrlimit(RLIMIT_CPU, &rl);
    signal(SIGXCPU, on_xcpu);
    for (;;) {
    }
  }
  waitpid(pid, &status, 0);
  report("soft 1 s, hard 2 s, SIGXCPU caught", status);

  pid = fork();
  if (pid == 0) {
    struct rlimit rl = {1, 1};
    setrlimit(RLIMIT_CPU, &rl);
    /* A child of the limited process spins: the limit came with the fork. */
    pid_t inner = fork();
    if (inner == 0) {
      for (;;) {
      }
    }
    int st;
    waitpid(inner, &st, 0);
    report("  inherited by a child", st);
    _exit(0);
  }
  waitpid(pid, &status, 0);

  pid = fork();
  if (pid == 0) {
    if (setuid(65534) != 0) _exit(1);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_max -= 1;
    rl.rlim_cur = rl.rlim_max;
    printf("unprivileged lowers the hard limit: %s\n", setrlimit(RLIMIT_NOFILE, &rl) == 0 ? "ok" : strerrorname_np(errno));
    rl.rlim_max += 1;
    printf("and raises it again: %s\n", setrlimit(RLIMIT_NOFILE, &rl) == 0 ? "ok" : strerrorname_np(errno));
    _exit(0);
  }
  waitpid(pid, &status, 0);
  return 0;
}
