/* /proc/self/status as Linux lays it out: every field name in the host kernel's order (the
 * sandbox's identity lines first, then the memory, Threads, signal, capability, seccomp,
 * speculation, CPU and context-switch lines), Groups ending in a space, Threads following the
 * process's threads, and NoNewPrivs, Seccomp and Seccomp_filters following prctl and the
 * program's own filters. Values that differ from run to run are not printed. */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *shown[] = {"Groups", "Threads", "NoNewPrivs", "Seccomp", "Seccomp_filters", 0};

static void status(const char *when) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[4096];
  printf("-- %s\n", when);
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    int show = 0;
    for (int i = 0; shown[i]; i++) show |= strcmp(line, shown[i]) == 0;
    if (show) printf("%s:%s", line, colon + 1);
    else printf("%s\n", line);
  }
  fclose(f);
}

static pthread_barrier_t started, done;

static void *park(void *arg) {
  (void)arg;
  pthread_barrier_wait(&started);
  pthread_barrier_wait(&done);
  return 0;
}

static int allow_all(void) {
  struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_fprog prog = {1, allow};
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

int main(void) {
  status("start");
  pthread_t t[2];
  pthread_barrier_init(&started, 0, 3);
  pthread_barrier_init(&done, 0, 3);
  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, park, 0);
  pthread_barrier_wait(&started);
  status("three threads");
  pthread_barrier_wait(&done);
  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
  printf("no_new_privs: %d\n", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
  printf("filter: %d\n", allow_all());
  status("one filter");
  printf("filter: %d\n", allow_all());
  status("two filters");
  return 0;
}
