/* What /proc/self says of the process's scheduling and limits: Cpus_allowed(_list) in status
 * follow sched_setaffinity, stat's priority, nice, rt_priority and policy fields follow
 * setpriority and sched_setscheduler, and limits has Linux's columns (units padded to 10,
 * nothing after a limit without a unit). The limits' values are the sandbox's, not compared. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void status_cpus(const char *when) {
  char line[512];
  FILE *f = fopen("/proc/self/status", "r");
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "Cpus_allowed", 12) == 0) printf("%s: %s", when, line);
  fclose(f);
}

static void stat_sched(const char *when) {
  char buf[4096];
  FILE *f = fopen("/proc/self/stat", "r");
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  /* Fields after the command's closing parenthesis, from field 3. */
  char *p = strrchr(buf, ')') + 2;
  int field = 3;
  printf("%s:", when);
  for (char *tok = strtok(p, " \n"); tok; tok = strtok(NULL, " \n"), field++)
    if (field == 18 || field == 19 || field == 40 || field == 41) printf(" %d=%s", field, tok);
  printf("\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* Not the starting set: natively it is whatever the runner was pinned to. */
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) perror("sched_setaffinity");
  status_cpus("cpu 0 only");

  stat_sched("start");
  setpriority(PRIO_PROCESS, 0, 5);
  stat_sched("nice 5");
  pid_t pid = fork();
  if (pid == 0) {
    stat_sched("child inherits");
    status_cpus("child inherits");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  struct sched_param sp = {.sched_priority = 7};
  if (sched_setscheduler(0, SCHED_FIFO, &sp) == 0) stat_sched("SCHED_FIFO 7");
  else perror("sched_setscheduler");
  sp.sched_priority = 0;
  sched_setscheduler(0, SCHED_BATCH, &sp);
  stat_sched("SCHED_BATCH");

  /* Column layout only: where each column starts and the unit column as printed. */
  char line[512];
  FILE *f = fopen("/proc/self/limits", "r");
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    size_t len = strlen(line);
    printf("[%.25s] length %zu unit [%s]\n", line, len, len > 68 ? line + 68 : "");
  }
  fclose(f);
  struct rlimit rl;
  const int res[] = {RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_MSGQUEUE};
  for (int i = 0; i < 3; i++) {
    getrlimit(res[i], &rl);
    printf("rlimit %d: %lld %lld\n", res[i], (long long)rl.rlim_cur, (long long)rl.rlim_max);
  }
  return 0;
}
