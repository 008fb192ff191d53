/* /proc/TID of a thread that is not its process's leader: not listed in /proc, but found; its status names the thread and its process. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static pid_t tid;
static pthread_barrier_t b;
static void *run(void *a) { (void)a; tid = (pid_t)syscall(SYS_gettid); pthread_barrier_wait(&b); pthread_barrier_wait(&b); return 0; }
int main(void) {
  pthread_t t;
  pthread_barrier_init(&b, 0, 2);
  pthread_create(&t, 0, run, 0);
  pthread_barrier_wait(&b);
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", tid);
  FILE *f = fopen(path, "r");
  printf("open /proc/TID/status: %s\n", f ? "ok" : "failed");
  while (f && fgets(line, sizeof line, f)) {
    int v;
    if (sscanf(line, "Tgid: %d", &v) == 1) printf("Tgid is the process: %s\n", v == getpid() ? "yes" : "no");
    if (sscanf(line, "Pid: %d", &v) == 1) printf("Pid is the thread: %s\n", v == tid ? "yes" : "no");
  }
  if (f) fclose(f);
  DIR *d = opendir("/proc");
  struct dirent *e;
  int listed = 0;
  char name[16];
  snprintf(name, sizeof name, "%d", tid);
  while ((e = readdir(d))) listed |= strcmp(e->d_name, name) == 0;
  closedir(d);
  printf("listed in /proc: %s\n", listed ? "yes" : "no");
  pthread_barrier_wait(&b);
  pthread_join(t, 0);
  return 0;
}
