/* Scheduling calls: the priority range of each policy (EINVAL for an unknown one), the policy
 * and priority of a process (ESRCH for one that does not exist), setting SCHED_OTHER and its
 * checks (real-time policies are not tried: natively, as root, they would be applied), the
 * round-robin interval's errors, and sched_setaffinity refusing a mask with no CPU in it. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *result(int r) { return r >= 0 ? "ok" : strerrorname_np(errno); }

int main(void) {
  const int policies[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, 4, 42};
  for (size_t i = 0; i < sizeof policies / sizeof *policies; i++) {
    int lo = sched_get_priority_min(policies[i]);
    int hi = sched_get_priority_max(policies[i]);
    if (lo < 0) printf("policy %d: %s\n", policies[i], strerrorname_np(errno));
    else printf("policy %d: %d..%d\n", policies[i], lo, hi);
  }
  printf("sched_getscheduler(0): %d\n", sched_getscheduler(0));
  printf("sched_getscheduler(self): %d\n", sched_getscheduler(getpid()));
  printf("sched_getscheduler(99999): %s\n", result(sched_getscheduler(99999)));
  printf("sched_getscheduler(-1): %s\n", result(sched_getscheduler(-1)));
  struct sched_param p = {.sched_priority = 7};
  const char *got = result(sched_getparam(0, &p));
  printf("sched_getparam(0): %s, priority %d\n", got, p.sched_priority);
  printf("sched_getparam(NULL): %s\n", result(sched_getparam(0, NULL)));
  struct sched_param zero = {.sched_priority = 0}, one = {.sched_priority = 1};
  printf("sched_setscheduler(OTHER, 0): %s\n", result(sched_setscheduler(0, SCHED_OTHER, &zero)));
  printf("sched_setscheduler(OTHER, 1): %s\n", result(sched_setscheduler(0, SCHED_OTHER, &one)));
  printf("sched_setscheduler(42, 0): %s\n", result(sched_setscheduler(0, 42, &zero)));
  printf("sched_setscheduler(-1 pid): %s\n", result(sched_setscheduler(-1, SCHED_OTHER, &zero)));
  printf("sched_setscheduler(99999): %s\n", result(sched_setscheduler(99999, SCHED_OTHER, &zero)));
  printf("sched_setparam(0): %s\n", result(sched_setparam(0, &zero)));
  printf("sched_setparam(1): %s\n", result(sched_setparam(0, &one)));
  printf("sched_setparam(NULL): %s\n", result(sched_setparam(0, NULL)));
  struct timespec ts;
  printf("sched_rr_get_interval(0): %s\n", result(sched_rr_get_interval(0, &ts)));
  printf("sched_rr_get_interval(99999): %s\n", result(sched_rr_get_interval(99999, &ts)));
  printf("sched_rr_get_interval(-1): %s\n", result(sched_rr_get_interval(-1, &ts)));
  cpu_set_t set;
  CPU_ZERO(&set);
  printf("sched_setaffinity(empty): %s\n", result(sched_setaffinity(0, sizeof set, &set)));
  sched_getaffinity(0, sizeof set, &set);
  printf("sched_setaffinity(current): %s\n", result(sched_setaffinity(0, sizeof set, &set)));
  cpu_set_t cpu0, now;
  CPU_ZERO(&cpu0);
  CPU_SET(0, &cpu0);
  printf("sched_setaffinity(CPU 0): %s\n", result(sched_setaffinity(0, sizeof cpu0, &cpu0)));
  sched_getaffinity(0, sizeof now, &now);
  printf("sched_getaffinity then: %d CPU(s), CPU 0 %s\n", CPU_COUNT(&now), CPU_ISSET(0, &now) ? "yes" : "no");
  sched_setaffinity(0, sizeof set, &set);
  return 0;
}
