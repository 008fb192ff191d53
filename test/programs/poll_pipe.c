/* poll on pipes: a timeout with nothing ready, POLLIN/POLLOUT readiness, POLLHUP when the
 * writers are gone (with POLLIN while data is left), POLLERR on a write end without readers,
 * POLLNVAL for a closed fd, fd -1 ignored, and a wakeup by a child's write. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void show(const char *what, int fd, short events, int timeout) {
  struct pollfd p = {fd, events, 0x7777};
  long long t0 = now_ms();
  int n = poll(&p, 1, timeout);
  long long dt = now_ms() - t0;
  char names[64] = "";
  if (p.revents & POLLIN) strcat(names, "|POLLIN");
  if (p.revents & POLLOUT) strcat(names, "|POLLOUT");
  if (p.revents & POLLHUP) strcat(names, "|POLLHUP");
  if (p.revents & POLLERR) strcat(names, "|POLLERR");
  if (p.revents & POLLNVAL) strcat(names, "|POLLNVAL");
  printf("%s: poll %d, revents %s", what, n, names[0] ? names + 1 : "0");
  if (timeout > 0) printf(", waited the timeout: %s", dt >= timeout ? "yes" : "no");
  printf("\n");
}

int main(void) {
  int p[2];
  char buf[16];
  if (pipe(p) != 0) return 1;
  show("empty read end, 50 ms", p[0], POLLIN, 50);
  show("empty read end, timeout 0", p[0], POLLIN, 0);
  show("write end", p[1], POLLOUT, 1000);
  show("write end, asking POLLIN", p[1], POLLIN, 0);
  if (write(p[1], "abc", 3) != 3) return 1;
  show("read end with data", p[0], POLLIN | POLLOUT, 1000);
  close(p[1]);
  show("data left, writer closed", p[0], POLLIN, 1000);
  if (read(p[0], buf, sizeof buf) != 3) return 1;
  show("drained, writer closed", p[0], POLLIN, 1000);
  show("drained, writer closed, asking nothing", p[0], 0, 1000);
  close(p[0]);
  show("closed fd", p[0], POLLIN, 1000);
  show("fd -1", -1, POLLIN, 0);
  if (pipe(p) != 0) return 1;
  close(p[0]);
  show("write end without readers", p[1], POLLOUT, 1000);
  close(p[1]);
  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(100 * 1000);
    _exit(write(p[1], "x", 1) == 1 ? 0 : 1);
  }
  show("waiting without timeout for a child's write", p[0], POLLIN, -1);
  waitpid(pid, NULL, 0);
  return 0;
}
