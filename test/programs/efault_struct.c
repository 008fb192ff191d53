/* EFAULT for bad result/argument structures (raw syscalls, so neither glibc nor the vDSO
 * gets in the way), and no fd leaked by a pipe() whose result cannot be stored. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char *volatile bad = (char *)1; /* an unmapped address the compiler cannot see */

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(void) {
  struct timespec ts = {0, 0};
  struct rlimit rl;
  sigset_t set;
  sigemptyset(&set);
  report("uname", syscall(SYS_uname, bad));
  report("getcwd", syscall(SYS_getcwd, bad, 4096));
  int expect = open("/dev/null", O_RDONLY);
  close(expect);
  report("pipe", syscall(SYS_pipe, bad));
  report("pipe2", syscall(SYS_pipe2, bad, O_CLOEXEC));
  int next = open("/dev/null", O_RDONLY);
  printf("no fd leaked by the failed pipes: %s\n", next == expect ? "yes" : "no");
  report("clock_gettime", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad));
  report("clock_getres", syscall(SYS_clock_getres, CLOCK_REALTIME, bad));
  report("clock_getres with NULL", syscall(SYS_clock_getres, CLOCK_REALTIME, NULL));
  report("gettimeofday", syscall(SYS_gettimeofday, bad, NULL));
  report("time", syscall(SYS_time, bad));
  report("nanosleep request", syscall(SYS_nanosleep, bad, NULL));
  report("clock_nanosleep request", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, bad, NULL));
  report("getrlimit", syscall(SYS_getrlimit, RLIMIT_NOFILE, bad));
  report("setrlimit", syscall(SYS_setrlimit, RLIMIT_NOFILE, bad));
  report("prlimit64 old", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, bad));
  getrlimit(RLIMIT_NOFILE, &rl);
  report("prlimit64 new", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, bad, &rl));
  report("sysinfo", syscall(SYS_sysinfo, bad));
  report("fstat", syscall(SYS_fstat, 0, bad));
  report("rt_sigaction new", syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
  report("rt_sigaction old", syscall(SYS_rt_sigaction, SIGUSR1, NULL, bad, 8));
  report("rt_sigprocmask new", syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
  report("rt_sigprocmask old", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, bad, 8));
  report("rt_sigpending", syscall(SYS_rt_sigpending, bad, 8));
  report("poll", syscall(SYS_poll, bad, 1, 0));
  report("poll of 0 fds with a bad array", syscall(SYS_poll, bad, 0, 0));
  report("select fd set", syscall(SYS_select, 1, bad, NULL, NULL, &ts));
  report("select timeout", syscall(SYS_select, 0, NULL, NULL, NULL, bad));
  report("getrusage", syscall(SYS_getrusage, RUSAGE_SELF, bad));
  report("times", syscall(SYS_times, bad));
  report("getresuid", syscall(SYS_getresuid, bad, bad, bad));
  report("sched_getaffinity", syscall(SYS_sched_getaffinity, 0, 128, bad));
  report("set_tid_address (never checked)", syscall(SYS_set_tid_address, bad) > 0 ? 0 : -1);
  return 0;
}
