// Scheduling and process-wide odds and ends: getpriority/setpriority (PRIO_PROCESS, PRIO_PGRP,
// errors), the scheduling policy calls and their ranges, sched_getaffinity on a thread's id,
// personality (query, set, inherited by fork), msync/mlock on the caller's own memory, and
// pkey_alloc on a machine without protection keys.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static void *thread_main(void *arg) {
  pid_t *tid = arg;
  *tid = (pid_t)syscall(SYS_gettid);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  errno = 0;
  result("getpriority(self)", getpriority(PRIO_PROCESS, 0));
  result("setpriority(self, 5)", setpriority(PRIO_PROCESS, 0, 5));
  result("getpriority(self) after", getpriority(PRIO_PROCESS, 0));
  result("raw getpriority is 20 - nice", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  result("setpriority(self, 100) clamps", setpriority(PRIO_PROCESS, 0, 100));
  result("getpriority(self) clamped", getpriority(PRIO_PROCESS, 0));
  setpgid(0, 0);
  result("getpriority(PRIO_PGRP, 0) of its own group", getpriority(PRIO_PGRP, 0));
  result("setpriority(self, 0) as root", setpriority(PRIO_PROCESS, 0, 0));
  result("getpriority(no such pid)", getpriority(PRIO_PROCESS, 999999));
  result("getpriority(bad which)", getpriority(7, 0));

  setpriority(PRIO_PROCESS, 0, 3);
  pid_t child = fork();
  if (child == 0) {
    printf("child inherits nice: %d\n", getpriority(PRIO_PROCESS, 0));
    _exit(0);
  }
  waitpid(child, NULL, 0);
  setpriority(PRIO_PROCESS, 0, 0);

  result("sched_getscheduler(0)", sched_getscheduler(0));
  int policies[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, 42};
  for (unsigned i = 0; i < sizeof policies / sizeof *policies; i++) {
    printf("policy %d: max %d min %d\n", policies[i], sched_get_priority_max(policies[i]), sched_get_priority_min(policies[i]));
  }
  struct sched_param p = {.sched_priority = 0};
  result("sched_getparam(0)", sched_getparam(0, &p));
  printf("priority %d\n", p.sched_priority);
  p.sched_priority = 5;
  result("SCHED_OTHER with priority 5", sched_setscheduler(0, SCHED_OTHER, &p));
  p.sched_priority = 0;
  result("SCHED_BATCH", sched_setscheduler(0, SCHED_BATCH, &p));
  result("sched_getscheduler after", sched_getscheduler(0));
  result("back to SCHED_OTHER", sched_setscheduler(0, SCHED_OTHER, &p));
  result("sched_setscheduler(bad policy)", sched_setscheduler(0, 42, &p));
  result("sched_getscheduler(no such pid)", sched_getscheduler(999999));
  struct timespec ts;
  result("sched_rr_get_interval(0)", sched_rr_get_interval(0, &ts));

  pid_t tid = 0;
  pthread_t th;
  pthread_create(&th, NULL, thread_main, &tid);
  pthread_join(th, NULL);
  pid_t live = 0;
  pthread_create(&th, NULL, thread_main, &live);
  cpu_set_t set;
  CPU_ZERO(&set);
  result("sched_getaffinity(0)", sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) > 0 : -1);
  pthread_join(th, NULL);
  result("sched_getaffinity(exited thread)", sched_getaffinity(tid, sizeof set, &set));
  pthread_attr_t attr;
  result("pthread_getattr_np(self)", pthread_getattr_np(pthread_self(), &attr));

  result("personality(query)", personality(0xffffffff));
  result("personality(ADDR_NO_RANDOMIZE)", personality(PER_LINUX | ADDR_NO_RANDOMIZE));
  result("personality(query) after", personality(0xffffffff));
  child = fork();
  if (child == 0) {
    printf("child persona: %#x\n", personality(0xffffffff));
    _exit(0);
  }
  waitpid(child, NULL, 0);
  personality(PER_LINUX);

  char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  result("msync", msync(page, 4096, MS_SYNC));
  result("msync unaligned", msync(page + 1, 4096, MS_SYNC));
  result("msync with both flags", msync(page, 4096, MS_SYNC | MS_ASYNC));
  munmap(page, 8192);
  result("msync unmapped", msync(page, 4096, MS_SYNC));
  char buf[4096];
  result("mlock", mlock(buf, sizeof buf));
  result("munlock", munlock(buf, sizeof buf));
  result("pkey_alloc", syscall(SYS_pkey_alloc, 0, 0));
  result("pkey_alloc(bad flags)", syscall(SYS_pkey_alloc, 1, 0));
  return 0;
}
