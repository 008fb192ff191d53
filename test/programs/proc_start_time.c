/* /proc/PID/stat's start time (field 22, clock ticks since boot) is when the process was
 * made and stays across exec: a child forked 50 ms after another has a later one (what
 * `pgrep -n`, `pgrep -o` and `ps -o etime` go by), and no process started before its parent. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long start_of(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')') + 2;
  unsigned long long v = 0;
  int field = 3;
  for (char *tok = strtok(p, " "); tok; tok = strtok(NULL, " "), field++)
    if (field == 22) sscanf(tok, "%llu", &v);
  return v;
}

static pid_t spawn_sleeper(void) {
  pid_t pid = fork();
  if (pid == 0) {
    execlp("sleep", "sleep", "10", (char *)NULL);
    _exit(127);
  }
  return pid;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct timespec gap = { 0, 50 * 1000 * 1000 };
  pid_t a = spawn_sleeper();
  nanosleep(&gap, NULL);
  pid_t b = spawn_sleeper();
  nanosleep(&gap, NULL); /* both have exec'd sleep by now, most likely; either way the time is the fork's */
  unsigned long long self = start_of(getpid()), sa = start_of(a), sb = start_of(b);
  printf("a after its parent: %d\n", sa >= self);
  printf("b at least 4 ticks after a: %d\n", sb >= sa + 4);
  kill(a, SIGKILL);
  kill(b, SIGKILL);
  waitpid(a, NULL, 0);
  waitpid(b, NULL, 0);
  return 0;
}
