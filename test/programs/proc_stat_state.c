/* /proc/PID/stat's state letter tells a running process from a sleeping one: R while the
 * parent spins in its own code, S while it waits in read(2) (what LTP's TST_PROCESS_STATE_WAIT
 * and ps rely on), Z for a child that exited and is not yet reaped; and it is the main thread's:
 * S while it waits, even when another thread of the process reads it. */
// build: -pthread
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char state_of(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return '?';
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *close = strrchr(buf, ')');
  return close && close[1] == ' ' ? close[2] : '?';
}

static int wake[2];

static void *watcher(void *arg) {
  (void)arg;
  char seen = '?';
  for (int i = 0; i < 5000 && seen != 'S'; i++) {
    usleep(1000);
    seen = state_of(getpid());
  }
  printf("main thread in read(2), seen from another thread: %c\n", seen);
  fflush(stdout);
  write(wake[1], "w", 1);
  return NULL;
}

int main(void) {
  volatile int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int p[2];
  if (flag == MAP_FAILED || pipe(p) != 0) return 1;
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    while (*flag == 0) usleep(1000);  // the parent is spinning now
    char spinning = state_of(parent);
    *flag = 2;
    // The parent goes to read(2): wait until it shows as sleeping (at most 5 s).
    char reading = '?';
    for (int i = 0; i < 5000 && reading != 'S'; i++) {
      usleep(1000);
      reading = state_of(parent);
    }
    printf("parent spinning: %c\nparent in read(2): %c\n", spinning, reading);
    fflush(stdout);
    write(p[1], "x", 1);
    _exit(0);
  }
  *flag = 1;
  while (*flag == 1) {
  }
  char c;
  read(p[0], &c, 1);
  // The child has exited (or is about to): a zombie until reaped.
  waitid(P_PID, child, &(siginfo_t){0}, WEXITED | WNOWAIT);
  printf("exited child: %c\n", state_of(child));
  waitpid(child, NULL, 0);
  if (pipe(wake) != 0) return 1;
  pthread_t t;
  pthread_create(&t, NULL, watcher, NULL);
  read(wake[0], &c, 1);
  pthread_join(t, NULL);
  return 0;
}
