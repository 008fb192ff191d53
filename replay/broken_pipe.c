/* Writing to a pipe whose read end is gone: EPIPE (SIGPIPE ignored, as servers do). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 2;
  signal(SIGPIPE, SIG_IGN);
  close(p[0]);
  if (write(p[1], "x", 1) < 0) {
    perror("write");
    return 1;
  }
  return 0;
}
