/* A non-blocking read of a pipe nobody has written to yet: EAGAIN. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe2(p, O_NONBLOCK) != 0) return 2;
  char buf[16];
  if (read(p[0], buf, sizeof buf) < 0) {
    perror("read");
    return 1;
  }
  return 0;
}
