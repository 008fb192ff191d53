/* epoll_wait with fewer slots than ready files comes to each in turn (Linux moves a reported
 * level-triggered item to the back of its ready list); an edge-triggered pipe end is not
 * reported again after a read that frees no page of the pipe (no wake-up), and its write end
 * gets EPOLLOUT once a page is free; and a timeout never ends a wait early. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define NREADY 7
#define SLOTS 3

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void) {
  int ep = epoll_create1(0);
  int p[NREADY][2];
  for (int i = 0; i < NREADY; i++) {
    if (pipe(p[i]) != 0 || write(p[i][1], "x", 1) != 1) return 1;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    epoll_ctl(ep, EPOLL_CTL_ADD, p[i][0], &ev);
  }
  printf("level-triggered, %d ready, %d slots:", NREADY, SLOTS);
  for (int round = 0; round < 5; round++) {
    struct epoll_event evs[SLOTS];
    int n = epoll_wait(ep, evs, SLOTS, 0);
    printf(" [");
    for (int i = 0; i < n; i++) printf("%s%u", i ? " " : "", evs[i].data.u32);
    printf("]");
  }
  printf("\n");

  // A one-page pipe, full: the read end is ready (edge), the write end is not.
  int q[2];
  if (pipe2(q, O_NONBLOCK) != 0) return 1;
  fcntl(q[1], F_SETPIPE_SZ, 4096);
  int et = epoll_create1(0);
  struct epoll_event rd = {.events = EPOLLIN | EPOLLET, .data.u32 = 0}, wr = {.events = EPOLLOUT | EPOLLET, .data.u32 = 1};
  epoll_ctl(et, EPOLL_CTL_ADD, q[0], &rd);
  epoll_ctl(et, EPOLL_CTL_ADD, q[1], &wr);
  char buf[4096];
  memset(buf, 'a', sizeof buf);
  ssize_t whole = write(q[1], buf, sizeof buf);
  printf("write 4096: %zd, ", whole);
  printf("again: %zd\n", write(q[1], buf, 1));
  struct epoll_event ev;
  int n = epoll_wait(et, &ev, 1, 0);
  printf("edge-triggered: %d event(s), %s\n", n, n == 1 ? (ev.data.u32 == 0 ? "read end" : "write end") : "-");
  printf("read 2048: %zd\n", read(q[0], buf, 2048));
  n = epoll_wait(et, &ev, 1, 0);
  printf("after a read that frees no page: %d event(s)\n", n);
  printf("read 2048: %zd\n", read(q[0], buf, 2048));
  n = epoll_wait(et, &ev, 1, 0);
  printf("after the page is free: %d event(s), %s\n", n, n == 1 ? (ev.data.u32 == 0 ? "read end" : "write end") : "-");

  // Short timeouts, many times: none ends before its time.
  int early = 0;
  int empty = epoll_create1(0);
  for (int i = 0; i < 200; i++) {
    int ms = 1 + i % 3;
    double t0 = now_ms();
    epoll_wait(empty, &ev, 1, ms);
    if (now_ms() - t0 < ms) early++;
  }
  printf("200 waits of 1-3 ms, ended early: %d\n", early);
  return 0;
}
