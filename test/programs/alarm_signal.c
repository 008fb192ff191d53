/* alarm(): returns the seconds left of the previous alarm (rounded), alarm(0) cancels, and
 * SIGALRM arrives: caught, it interrupts pause() ("handler"); by default it kills the process
 * ("default": 142 in shell terms). A kernel without alarm gets a clear line, not a hang. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t rang;
static void on_alarm(int sig) { rang = sig; }

static long raw_alarm(unsigned s) { return syscall(SYS_alarm, s); }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "handler";
  long r = raw_alarm(10);
  if (r < 0) return printf("alarm: %s\n", strerrorname_np(errno)), 1;
  printf("first alarm(10) returns %ld\n", r);
  printf("alarm(5) returns %ld\n", raw_alarm(5));
  printf("alarm(0) returns %ld\n", raw_alarm(0));
  printf("alarm(0) again returns %ld\n", raw_alarm(0));
  if (strcmp(mode, "default") == 0) {
    printf("waiting for SIGALRM with the default action\n");
    fflush(stdout);
    raw_alarm(1);
    for (int i = 0; i < 50; i++) usleep(100 * 1000); /* 5 s at most */
    printf("still alive after 5 s\n");
    return 1;
  }
  signal(SIGALRM, on_alarm);
  signal(SIGUSR1, on_alarm);
  fflush(stdout);
  pid_t parent = getpid(), watchdog = fork(); /* ends pause() after 5 s if SIGALRM never comes */
  if (watchdog == 0) {
    sleep(5);
    kill(parent, SIGUSR1);
    _exit(0);
  }
  raw_alarm(1);
  int p = pause(), e = errno;
  kill(watchdog, SIGKILL);
  waitpid(watchdog, NULL, 0);
  printf("pause returns %d %s, handler ran for %s\n", p, strerrorname_np(e), rang ? sigabbrev_np(rang) : "nothing");
  return 0;
}
