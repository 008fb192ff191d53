// sched_getattr/sched_setattr (struct sizes: the first version, a larger zero-padded one, E2BIG
// with the kernel's size written back; flags; clamped nice values; KEEP_POLICY) and
// ioprio_get/ioprio_set (classes and their checks, inheritance at fork, the best priority of a
// process group, where class NONE counts as best-effort 4).
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
  unsigned char beyond[16];
};

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static void show(const char *what, unsigned size) {
  struct attr a;
  memset(&a, 0xff, sizeof a);
  long r = syscall(SYS_sched_getattr, 0, &a, size, 0);
  result(what, r);
  if (r == 0) printf("  size=%u policy=%u flags=%llu nice=%d priority=%u util=%u/%u beyond=%#x\n", a.size, a.policy, (unsigned long long)a.flags, a.nice, a.priority,
                     size >= 56 ? a.util_min : 0, size >= 56 ? a.util_max : 0, a.beyond[0]);
}

static long set(struct attr *a, unsigned flags) {
  return syscall(SYS_sched_setattr, 0, a, flags);
}

static void sched_attr(void) {
  show("sched_getattr 56", 56);
  show("sched_getattr 72", sizeof(struct attr));
  show("sched_getattr 48", 48);
  struct attr a;
  result("sched_getattr 40", syscall(SYS_sched_getattr, 0, &a, 40, 0));
  result("sched_getattr flags 1", syscall(SYS_sched_getattr, 0, &a, 56, 0x1));
  result("sched_getattr pid -1", syscall(SYS_sched_getattr, -1, &a, 56, 0));
  result("sched_getattr no such pid", syscall(SYS_sched_getattr, 99999, &a, 56, 0));
  result("sched_getattr bad pointer", syscall(SYS_sched_getattr, 0, (void *)8, 56, 0));

  memset(&a, 0, sizeof a);
  a.size = 56;
  a.nice = 5;
  result("sched_setattr nice 5", set(&a, 0));
  printf("  getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
  memset(&a, 0, sizeof a);
  a.nice = 7;
  result("sched_setattr size 0 (first version), nice 7", set(&a, 0));
  printf("  getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
  memset(&a, 0, sizeof a);
  a.size = 30;
  result("sched_setattr size 30", set(&a, 0));
  printf("  size written back: %u\n", a.size);
  memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.nice = 2;
  result("sched_setattr larger, zeros beyond", set(&a, 0));
  a.beyond[3] = 1;
  result("sched_setattr larger, not zeros beyond", set(&a, 0));
  printf("  size written back: %u\n", a.size);
  memset(&a, 0, sizeof a);
  a.size = 56;
  a.nice = 40;
  result("sched_setattr nice 40", set(&a, 0));
  printf("  getpriority: %d\n", getpriority(PRIO_PROCESS, 0));
  a.flags = 0x80;
  result("sched_setattr unknown flag", set(&a, 0));
  a.flags = 0;
  a.policy = 9;
  result("sched_setattr policy 9", set(&a, 0));
  result("sched_setattr syscall flags 1", set(&a, 1));
  result("sched_setattr NULL", syscall(SYS_sched_setattr, 0, NULL, 0));
  memset(&a, 0, sizeof a);
  a.size = 56;
  a.policy = SCHED_BATCH;
  a.nice = 3;
  result("sched_setattr SCHED_BATCH nice 3", set(&a, 0));
  show("  now", 56);
  memset(&a, 0, sizeof a);
  a.size = 56;
  a.policy = SCHED_FIFO;
  a.priority = 0;
  result("sched_setattr SCHED_FIFO priority 0", set(&a, 0));
  a.priority = 10;
  result("sched_setattr SCHED_FIFO priority 10", set(&a, 0));
  show("  now", 56);
  printf("  sched_getscheduler: %d\n", sched_getscheduler(0));
  memset(&a, 0, sizeof a);
  a.size = 56;
  a.policy = SCHED_OTHER;
  a.priority = 20;
  a.flags = 0x08; /* SCHED_FLAG_KEEP_POLICY */
  result("sched_setattr KEEP_POLICY priority 20", set(&a, 0));
  show("  now", 56);
  memset(&a, 0, sizeof a);
  a.size = 56;
  result("sched_setattr back to SCHED_OTHER", set(&a, 0));
}

#define IOPRIO(class, data) (((class) << 13) | (data))

static void ioprio(void) {
  result("ioprio_get", syscall(SYS_ioprio_get, 1, 0));
  result("ioprio_set best-effort 3", syscall(SYS_ioprio_set, 1, 0, IOPRIO(2, 3)));
  result("ioprio_get", syscall(SYS_ioprio_get, 1, 0));
  result("ioprio_set none 1", syscall(SYS_ioprio_set, 1, 0, IOPRIO(0, 1)));
  result("ioprio_set class 4", syscall(SYS_ioprio_set, 1, 0, IOPRIO(4, 0)));
  result("ioprio_set which 7", syscall(SYS_ioprio_set, 7, 0, IOPRIO(2, 0)));
  result("ioprio_get which 7", syscall(SYS_ioprio_get, 7, 0));
  result("ioprio_get no such pid", syscall(SYS_ioprio_get, 1, 99999));
  result("ioprio_set real-time 1 (root)", syscall(SYS_ioprio_set, 1, 0, IOPRIO(1, 1)));
  result("ioprio_get", syscall(SYS_ioprio_get, 1, 0));
  result("ioprio_set idle 5", syscall(SYS_ioprio_set, 1, 0, IOPRIO(3, 5)));
  result("ioprio_get", syscall(SYS_ioprio_get, 1, 0));

  setpgid(0, 0);
  result("ioprio_get own group (alone)", syscall(SYS_ioprio_get, 2, 0));
  int ready[2], go[2];
  pipe(ready);
  pipe(go);
  pid_t child = fork();
  if (child == 0) {
    printf("child inherits: %ld\n", syscall(SYS_ioprio_get, 1, 0));
    syscall(SYS_ioprio_set, 1, 0, IOPRIO(0, 0));
    write(ready[1], "r", 1);
    char c;
    read(go[0], &c, 1);
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  result("ioprio_get the child (none)", syscall(SYS_ioprio_get, 1, child));
  result("ioprio_get own group (idle 5 and none)", syscall(SYS_ioprio_get, 2, 0));
  result("ioprio_set the group best-effort 6", syscall(SYS_ioprio_set, 2, 0, IOPRIO(2, 6)));
  result("ioprio_get the child", syscall(SYS_ioprio_get, 1, child));
  write(go[1], "g", 1);
  waitpid(child, NULL, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sched_attr();
  ioprio();
  return 0;
}
