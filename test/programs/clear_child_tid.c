/* CLONE_CHILD_SETTID/CLONE_CHILD_CLEARTID (what pthread_join relies on): the kernel stores
 * the new thread's tid at ctid, and at the thread's exit writes 0 there and wakes a futex
 * waiter. The thread is made with clone() directly and only makes raw syscalls. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t ctid = -1;
static volatile long seen_ctid, own_tid;
static char stack[64 * 1024] __attribute__((aligned(16)));

static int thread_main(void *arg) {
  (void)arg;
  own_tid = syscall(SYS_gettid);
  seen_ctid = ctid;
  struct timespec ts = {0, 100 * 1000 * 1000};
  syscall(SYS_nanosleep, &ts, NULL); /* the parent is (probably) asleep on ctid by now */
  return 0;                          /* clone()'s wrapper then calls exit: this thread only */
}

int main(void) {
  printf("set_tid_address returns my tid: %s\n", syscall(SYS_set_tid_address, NULL) == gettid() ? "yes" : "no");
  fflush(stdout);
  int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
              CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
  long tid = clone(thread_main, stack + sizeof stack, flags, NULL, NULL, NULL, (pid_t *)&ctid);
  if (tid < 0) return perror("clone"), 1;
  int rounds = 0;
  struct timespec limit = {5, 0};
  for (pid_t v; (v = ctid) != 0 && rounds < 100; rounds++) {
    syscall(SYS_futex, &ctid, FUTEX_WAIT, v, &limit, NULL, 0);
  }
  printf("ctid cleared at the thread's exit: %s\n", ctid == 0 ? "yes" : "no");
  printf("the thread saw its own tid at ctid (CLONE_CHILD_SETTID): %s\n", seen_ctid == own_tid ? "yes" : "no");
  printf("clone returned that tid: %s\n", tid == own_tid ? "yes" : "no");
  printf("the thread's tid differs from the pid: %s\n", own_tid != getpid() ? "yes" : "no");
  int gone = 0; /* ctid is cleared a moment before the thread is released: poll */
  for (int i = 0; i < 100 && !(gone = syscall(SYS_tgkill, getpid(), (pid_t)tid, 0) < 0); i++) usleep(10 * 1000);
  printf("the thread is gone soon after: %s\n", gone ? "yes" : "no");
  printf("the process goes on: pid unchanged %s\n", getpid() == gettid() ? "yes" : "no");
  return 0;
}
