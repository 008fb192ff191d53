/* A child that computes, with no syscall, while its parent polls for it with WNOHANG (wait4,
 * or waitid with "waitid") between 10 ms sleeps: the parent prints how many polls it made.
 * Each recording may print another count; replay --exec prints what its recording printed,
 * which needs the replay to take neither the parent's sleep (parked, its time ends it) nor the
 * child's computing for a stall that lets the child's exit or the parent's reaping poll go out
 * of its recorded turn. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

/** The child's exit code if the poll found it exited, else -1 (-2: the call failed). */
static int poll_child(pid_t child, int use_waitid) {
  if (use_waitid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG) != 0) return -2;
    return info.si_pid == child ? info.si_status : -1;
  }
  int status;
  pid_t got = waitpid(-1, &status, WNOHANG);
  if (got < 0) return -2;
  return got == child ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv) {
  int use_waitid = argc > 1 && strcmp(argv[1], "waitid") == 0;
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    for (unsigned long i = 0; i < 600000000UL; i++) sink += i;
    _exit(7);
  }
  struct timespec ten_ms = {0, 10000000};
  for (int polls = 1;; polls++) {
    int code = poll_child(child, use_waitid);
    if (code == -2) return 2;
    if (code >= 0) {
      printf("child exited with %d, found at poll %d\n", code, polls);
      return 0;
    }
    nanosleep(&ten_ms, NULL);
  }
}
