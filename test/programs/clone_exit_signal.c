/* The exit signal of a process made by clone (its flags' low byte): the parent gets that signal
 * (with SIGCHLD's siginfo: CLD_EXITED, the status) or none (0, LeakSanitizer's tracer), and such
 * a "clone child" (exit signal other than SIGCHLD) is waited for with __WCLONE or __WALL only:
 * plain wait4 and waitid say ECHILD for it, __WCLONE does not see fork's children; one that
 * execs is an ordinary child again (its exit signal is SIGCHLD). /proc/PID/stat shows the exit
 * signal (field 38). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld, usr1, usr1_code, usr1_status;

static void on_chld(int sig) { (void)sig; chld++; }
static void on_usr1(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  usr1++;
  usr1_code = si->si_code;
  usr1_status = si->si_status;
}

static int child_fn(void *arg) { return (int)(long)arg; }
static int gate[2];
static int gated_fn(void *arg) {
  char c;
  (void)arg;
  return read(gate[0], &c, 1) == 1 ? 7 : 8;
}

/* Field 38 of /proc/PID/stat (after the parenthesised name). */
static int stat_exit_signal(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  int field = 2;
  for (p++; *p && field < 38; p++)
    if (*p == ' ') field++;
  return atoi(p);
}
static int exec_fn(void *arg) {
  (void)arg;
  execl("/bin/sh", "sh", "-c", "exit 6", (char *)NULL);
  return 127;
}

static pid_t spawn_fn(int (*fn)(void *), int exit_signal, long code) {
  size_t size = 64 * 1024;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return clone(fn, stack + size, exit_signal, (void *)code);
}

static pid_t spawn(int exit_signal, long code) { return spawn_fn(child_fn, exit_signal, code); }

static void waited(const char *what, pid_t pid, int options) {
  int status = 0;
  pid_t r = waitpid(pid, &status, options);
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else if (r == 0) printf("%s: nothing yet\n", what);
  else printf("%s: %s, exited %d with %d\n", what, r == pid ? "it" : "another", WIFEXITED(status), WEXITSTATUS(status));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGCHLD, on_chld);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  pid_t quiet = spawn(0, 3);
  usleep(100000);
  printf("exit signal 0: SIGCHLD %d\n", (int)chld);
  waited("wait4 plain", quiet, WNOHANG);
  waited("wait4 -1 plain", -1, WNOHANG);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r = waitid(P_PID, quiet, &si, WEXITED | WNOHANG | WNOWAIT);
  printf("waitid plain: %s\n", r < 0 ? strerrorname_np(errno) : "found");
  r = waitid(P_PID, quiet, &si, WEXITED | WNOWAIT | __WCLONE);
  printf("waitid __WCLONE: %s, status %d\n", r < 0 ? strerrorname_np(errno) : "found", si.si_status);
  waited("wait4 __WCLONE", quiet, __WCLONE);

  pid_t loud = spawn(SIGUSR1, 4);
  while (!usr1) usleep(10000);
  printf("exit signal SIGUSR1: got it %d, code CLD_EXITED %d, status %d, SIGCHLD %d\n", (int)usr1,
         usr1_code == CLD_EXITED, (int)usr1_status, (int)chld);
  waited("wait4 __WALL", loud, __WALL);

  pid_t forked = fork();
  if (forked == 0) _exit(5);
  while (!chld) usleep(10000);
  waited("fork's child with __WCLONE", forked, __WCLONE | WNOHANG);
  waited("fork's child plain", forked, 0);
  printf("SIGCHLD for fork's child %d\n", (int)chld);

  if (pipe(gate)) return 1;
  pid_t gated = spawn_fn(gated_fn, SIGUSR2, 0);
  printf("stat exit signals: %d (SIGUSR2 %d), own %d\n", stat_exit_signal(gated), SIGUSR2, stat_exit_signal(getpid()));
  signal(SIGUSR2, SIG_IGN);
  if (write(gate[1], "g", 1) != 1) return 1;
  waited("gated", gated, __WALL);

  pid_t execed = spawn_fn(exec_fn, 0, 0);
  while (chld < 2) usleep(10000);
  printf("exec'd clone child: SIGCHLD %d\n", (int)chld);
  waited("exec'd clone child plain", execed, 0);
  return 0;
}
