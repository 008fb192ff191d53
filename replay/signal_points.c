/* Output that depends on where asynchronous signals land: a child counts its SIGUSR1s in a
 * handler while it computes between syscalls, and notes, at each of its syscalls, how many it
 * has had so far; the parent sends them as it likes, each once the last one's handler has run
 * (it answers through a pipe), so that none merges with another. Then two threads of code that make no
 * syscall get a signal all the same: a busy child killed by SIGTERM, and a busy loop that waits
 * for its SIGALRM (the host's interval timer) to set a flag. Each recording may print other
 * counts; replay --exec prints what its recording printed. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SIGNALS = 20, STEPS = 40 };

static volatile sig_atomic_t hits;
static volatile sig_atomic_t alarmed;
static volatile sig_atomic_t done;
static int ack = -1;

static void on_usr1(int sig) {
  (void)sig;
  hits++;
  if (write(ack, "a", 1) != 1) _exit(2);
}

static void on_alarm(int sig) {
  (void)sig;
  alarmed = 1;
}

static void say(const char *text) {
  if (write(1, text, strlen(text)) < 0) exit(2);
}

/* Some work between syscalls, where a signal may land. */
static unsigned spin(unsigned n) {
  volatile unsigned x = 0;
  for (unsigned i = 0; i < n; i++) x += i;
  return x;
}

static void on_usr2(int sig) {
  (void)sig;
  done = 1;
}

static int counted(void) {
  int ready[2], acks[2];
  if (pipe(ready) != 0 || pipe(acks) != 0) return 2;
  /* SIGUSR2 (the end) stays blocked but in sigsuspend, so that it cannot come too early. */
  sigset_t usr2, unblocked;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, &unblocked);
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    close(ready[0]);
    close(acks[0]);
    ack = acks[1];
    if (write(ready[1], "r", 1) != 1) _exit(2);
    /* getppid: a call the kernel answers at once; the counts are printed at the end. */
    int seen[STEPS];
    for (int step = 0; step < STEPS; step++) {
      spin(1000000);
      seen[step] = hits;
      if (getppid() <= 0) _exit(2);
    }
    char line[64];
    for (int step = 0; step < STEPS; step++) {
      snprintf(line, sizeof line, "step %d: %d signals\n", step, seen[step]);
      say(line);
    }
    while (!done) sigsuspend(&unblocked);
    snprintf(line, sizeof line, "in all: %d signals\n", (int)hits);
    say(line);
    _exit(0);
  }
  sigprocmask(SIG_SETMASK, &unblocked, NULL);
  close(ready[1]);
  close(acks[1]);
  char r;
  if (read(ready[0], &r, 1) != 1) return 2;
  for (int i = 0; i < SIGNALS; i++) {
    kill(child, SIGUSR1);
    if (read(acks[0], &r, 1) != 1) return 2;
    usleep(2000);
  }
  kill(child, SIGUSR2);
  int status;
  if (waitpid(child, &status, 0) != child) return 2;
  printf("counting child: exit %d\n", WEXITSTATUS(status));
  return 0;
}

static int busy_child_terminated(void) {
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0)
    for (;;) spin(1000000);
  kill(child, SIGTERM);
  int status;
  if (waitpid(child, &status, 0) != child) return 2;
  printf("busy child: killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return 0;
}

static void busy_until_alarm(void) {
  signal(SIGALRM, on_alarm);
  struct itimerval t = {.it_value = {.tv_usec = 20000}};
  setitimer(ITIMER_REAL, &t, NULL);
  while (!alarmed) spin(1000);
  printf("busy loop: alarm taken\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (counted() != 0) return 2;
  if (busy_child_terminated() != 0) return 2;
  busy_until_alarm();
  return 0;
}
