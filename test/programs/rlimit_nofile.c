/* RLIMIT_NOFILE: lowering the soft limit makes open/dup/pipe fail EMFILE once every fd below
 * it is taken, F_DUPFD at or above it EINVAL, dup2 to it EBADF; a freed fd is reused; the soft
 * limit cannot exceed the hard one; a child inherits the limit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  printf("soft <= hard: %s\n", rl.rlim_cur <= rl.rlim_max ? "yes" : "no");
  rlim_t hard = rl.rlim_max;
  rl.rlim_cur = 16;
  report("setrlimit soft 16", setrlimit(RLIMIT_NOFILE, &rl));
  getrlimit(RLIMIT_NOFILE, &rl);
  printf("getrlimit: soft %ld, hard unchanged %s\n", (long)rl.rlim_cur, rl.rlim_max == hard ? "yes" : "no");
  int last = -1, fd;
  while ((fd = open("/dev/null", O_RDONLY)) >= 0) last = fd;
  printf("open until it fails: last fd %d, then %s\n", last, strerrorname_np(errno));
  report("dup", dup(0));
  int p[2];
  report("pipe", pipe(p));
  report("F_DUPFD 0", fcntl(0, F_DUPFD, 0));
  report("F_DUPFD 16", fcntl(0, F_DUPFD, 16));
  report("dup2 to 16", dup2(0, 16));
  report("dup2 to 15 (taken: replaced)", dup2(0, 15));
  close(7);
  report("open after closing fd 7", open("/dev/null", O_RDONLY));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit c;
    getrlimit(RLIMIT_NOFILE, &c);
    _exit((int)c.rlim_cur);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("the child's soft limit: %d\n", WEXITSTATUS(st));
  rl.rlim_cur = 8;
  report("setrlimit soft 8 below open fds", setrlimit(RLIMIT_NOFILE, &rl));
  report("open", open("/dev/null", O_RDONLY));
  report("fd 12 is still usable", fcntl(12, F_GETFD));
  rl.rlim_cur = hard + 1;
  report("setrlimit soft above hard", setrlimit(RLIMIT_NOFILE, &rl));
  rl.rlim_cur = 16, rl.rlim_max = 10;
  report("setrlimit hard below soft", setrlimit(RLIMIT_NOFILE, &rl));
  struct rlimit old, nl = {20, hard};
  report("prlimit64 self to 20", prlimit(0, RLIMIT_NOFILE, &nl, &old));
  printf("  old soft %ld\n", (long)old.rlim_cur);
  report("open", open("/dev/null", O_RDONLY));
  return 0;
}
