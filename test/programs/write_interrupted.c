/* A blocking write that a caught signal interrupts after some bytes went in returns their
 * count (even with SA_RESTART: a restart would write them again), into a pipe and into a unix
 * stream socket; the reader then finds exactly that many bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SIZE (4 << 20)

static void on_alarm(int sig) { (void)sig; }

static void check(const char *what, int w, int r) {
  static char buf[SIZE];
  struct itimerval once = {.it_value = {0, 200000}};
  setitimer(ITIMER_REAL, &once, NULL);
  ssize_t n = write(w, buf, SIZE);
  if (n < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  close(w);
  long got = 0;
  ssize_t k;
  while ((k = read(r, buf, SIZE)) > 0) got += k;
  printf("%s: short count %s, the reader got exactly it %s\n", what, n > 0 && n < SIZE ? "yes" : "no", got == n ? "yes" : "no");
}

int main(void) {
  struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
  sigaction(SIGALRM, &sa, NULL);
  int p[2];
  if (pipe(p) != 0) return 1;
  check("pipe", p[1], p[0]);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
  check("unix stream socket", sv[0], sv[1]);
  return 0;
}
