/* select on pipes: a timeout with nothing ready (Linux writes the time left back: 0), read and
 * write readiness, EOF counting as readable, a wakeup by a child's write, and its errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void check(const char *what, int rfd, int wfd, long timeout_ms) {
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  if (rfd >= 0) FD_SET(rfd, &r);
  if (wfd >= 0) FD_SET(wfd, &w);
  struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  long long t0 = now_ms();
  int n = select((rfd > wfd ? rfd : wfd) + 1, &r, &w, NULL, timeout_ms < 0 ? NULL : &tv);
  long long dt = now_ms() - t0;
  if (n < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  printf("%s: %d ready, readable %s, writable %s", what, n, rfd >= 0 && FD_ISSET(rfd, &r) ? "yes" : "no",
         wfd >= 0 && FD_ISSET(wfd, &w) ? "yes" : "no");
  if (timeout_ms > 0 && n == 0) printf(", waited %s, time left %ld us", dt >= timeout_ms ? "yes" : "no", (long)tv.tv_usec);
  if (timeout_ms > 0 && n > 0) printf(", time left less than asked %s", tv.tv_sec * 1000 + tv.tv_usec / 1000 <= timeout_ms ? "yes" : "no");
  printf("\n");
}

int main(void) {
  int p[2];
  char buf[8];
  if (pipe(p) != 0) return 1;
  check("empty pipe, 50 ms", p[0], -1, 50);
  check("empty pipe, timeout 0", p[0], -1, 0);
  check("both ends, 1 s", p[0], p[1], 1000);
  if (write(p[1], "x", 1) != 1) return 1;
  check("data in the pipe", p[0], p[1], 1000);
  if (read(p[0], buf, 1) != 1) return 1;
  close(p[1]);
  check("writer closed (EOF)", p[0], -1, 1000);
  check("a closed fd", p[1], -1, 0);
  check("no fds, 30 ms", -1, -1, 30);
  printf("nfds -1: %s\n", select(-1, NULL, NULL, NULL, NULL) < 0 ? strerrorname_np(errno) : "ok");
  struct timeval neg = {-1, 0};
  printf("negative timeout: %s\n", select(0, NULL, NULL, NULL, &neg) < 0 ? strerrorname_np(errno) : "ok");
  close(p[0]);
  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(100 * 1000);
    _exit(write(p[1], "x", 1) == 1 ? 0 : 1);
  }
  check("waiting without timeout for a child's write", p[0], -1, -1);
  waitpid(pid, NULL, 0);
  return 0;
}
