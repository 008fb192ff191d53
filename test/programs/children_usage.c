/* What children used, as their parent learns it: wait4's rusage (CPU times and peak resident
 * set of the child, its own waited-for children included), getrusage(RUSAGE_CHILDREN) and
 * times()'s cutime summing the children waited for (not a zombie not yet waited for, nor a
 * child reaped automatically because SIGCHLD is ignored). Each child spins until its own
 * getrusage says it used 100 ms of CPU, so the figures compared do not depend on the load. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPIN_US 100000L

static long cpu_us(const struct rusage *r) {
  return (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000L + r->ru_utime.tv_usec + r->ru_stime.tv_usec;
}

/* Uses 100 ms of CPU and touches 32 MiB. */
static void work(void) {
  char *p = malloc(32 << 20);
  memset(p, 1, 32 << 20);
  struct rusage r;
  do getrusage(RUSAGE_SELF, &r);
  while (cpu_us(&r) < SPIN_US);
  free(p);
}

static void children(const char *when, long at_least_us) {
  struct rusage r;
  getrusage(RUSAGE_CHILDREN, &r);
  struct tms t;
  times(&t);
  long ticks = sysconf(_SC_CLK_TCK);
  long tms_us = (long)(t.tms_cutime + t.tms_cstime) * (1000000L / ticks);
  printf("%-34s RUSAGE_CHILDREN cpu >= %ld ms: %s, < %ld ms: %s, maxrss >= 32 MiB: %s; times cutime+cstime >= %ld ms: %s\n", when,
         at_least_us / 1000, cpu_us(&r) >= at_least_us ? "yes" : "no", (at_least_us + SPIN_US) / 1000,
         cpu_us(&r) < at_least_us + SPIN_US ? "yes" : "no", r.ru_maxrss >= 32768 ? "yes" : "no", at_least_us / 1000 - 10,
         tms_us >= at_least_us - 10000 ? "yes" : "no");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  children("at start", 0);

  pid_t pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  /* A zombie not yet waited for counts for nothing. */
  siginfo_t si;
  waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
  children("child ended, not waited for", 0);
  int status;
  struct rusage r;
  wait4(pid, &status, 0, &r);
  printf("wait4 rusage: cpu >= 100 ms: %s, maxrss >= 32 MiB: %s\n", cpu_us(&r) >= SPIN_US ? "yes" : "no", r.ru_maxrss >= 32768 ? "yes" : "no");
  children("after waiting for it", SPIN_US);

  /* A child that waited for a grandchild: wait4 reports both, and so does RUSAGE_CHILDREN. */
  pid = fork();
  if (pid == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) {
      work();
      _exit(0);
    }
    waitpid(grandchild, NULL, 0);
    work();
    _exit(0);
  }
  wait4(pid, &status, 0, &r);
  printf("wait4 of a child that waited for its own: cpu >= 200 ms: %s\n", cpu_us(&r) >= 2 * SPIN_US ? "yes" : "no");
  children("after the child and grandchild", 3 * SPIN_US);

  /* A child reaped automatically (SIGCHLD ignored) is not counted. */
  signal(SIGCHLD, SIG_IGN);
  pid = fork();
  if (pid == 0) {
    work();
    _exit(0);
  }
  printf("waitpid with SIGCHLD ignored: %s\n", waitpid(pid, NULL, 0) < 0 ? "ECHILD (reaped)" : "reaped by waitpid");
  children("after an automatically reaped one", 3 * SPIN_US);
  return 0;
}
