// build: -pthread
/* Who an event of a file in an epoll set wakes (Linux's ep_poll_callback): a poll(2) on the set's
 * own fd (libuv's embedding API: its test "embed" hung), an epoll_wait that began before the file
 * was added to the set, and an epoll_wait on an outer set that watches the set. Each waiter is
 * woken by a helper thread's write, then the helper stays alive, so nothing else happens in the
 * process; a wait that is not woken by it times out after 3 s ("woken=0"). Also: adding a set to
 * one it watches, or making a chain of sets deeper than 5, is ELOOP. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static int ep, inner, efd, pfd[2];
static volatile int helper_done;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void add(int set, int fd) {
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  if (epoll_ctl(set, EPOLL_CTL_ADD, fd, &ev) != 0) printf("epoll_ctl: %s\n", strerrorname_np(errno));
}

/* Writes the eventfd after 100 ms, then lingers until main is done. */
static void *write_eventfd(void *arg) {
  (void)arg;
  usleep(100000);
  uint64_t one = 1;
  if (write(efd, &one, sizeof one) != sizeof one) return NULL;
  while (!helper_done) usleep(10000);
  return NULL;
}

/* Adds the pipe's read end to ep after 100 ms, writes the pipe 100 ms later, then lingers. */
static void *add_then_write(void *arg) {
  (void)arg;
  usleep(100000);
  add(ep, pfd[0]);
  usleep(100000);
  if (write(pfd[1], "x", 1) != 1) return NULL;
  while (!helper_done) usleep(10000);
  return NULL;
}

static void run_helper(void *(*fn)(void *), pthread_t *t) {
  helper_done = 0;
  pthread_create(t, NULL, fn, NULL);
}

static void end_helper(pthread_t t) {
  helper_done = 1;
  pthread_join(t, NULL);
}

int main(void) {
  pthread_t t;
  uint64_t v;
  struct epoll_event out[4];

  /* poll(2) on an epoll fd. */
  ep = epoll_create1(EPOLL_CLOEXEC);
  efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  add(ep, efd);
  struct pollfd p = {.fd = ep, .events = POLLIN};
  printf("poll, nothing ready: %d\n", poll(&p, 1, 0));
  run_helper(write_eventfd, &t);
  double t0 = now();
  int r = poll(&p, 1, 3000);
  printf("poll on the epoll fd: %d revents=%#x woken=%d\n", r, p.revents, now() - t0 < 2.5);
  end_helper(t);
  printf("epoll_wait then: %d\n", epoll_wait(ep, out, 4, 0));
  if (read(efd, &v, sizeof v) != sizeof v) printf("read failed\n");
  p.revents = 0;
  printf("poll once the eventfd is read: %d\n", poll(&p, 1, 0));

  /* An fd added while another thread waits. */
  if (pipe(pfd) != 0) return 1;
  run_helper(add_then_write, &t);
  t0 = now();
  r = epoll_wait(ep, out, 4, 3000);
  printf("epoll_wait, fd added meanwhile: %d is-pipe=%d woken=%d\n", r, r == 1 && out[0].data.fd == pfd[0], now() - t0 < 2.5);
  end_helper(t);
  char c;
  if (read(pfd[0], &c, 1) != 1) printf("read failed\n");

  /* A set in a set: the outer one's waiter is woken by the inner one's file. */
  inner = epoll_create1(EPOLL_CLOEXEC);
  int outer = epoll_create1(EPOLL_CLOEXEC);
  int other = eventfd(0, EFD_CLOEXEC);
  add(inner, other);
  add(outer, inner);
  efd = other;
  run_helper(write_eventfd, &t);
  t0 = now();
  r = epoll_wait(outer, out, 4, 3000);
  printf("epoll_wait on the outer set: %d is-inner=%d woken=%d\n", r, r == 1 && out[0].data.fd == inner, now() - t0 < 2.5);
  end_helper(t);

  /* Loops. */
  struct epoll_event ev = {.events = EPOLLIN};
  r = epoll_ctl(inner, EPOLL_CTL_ADD, outer, &ev);
  printf("inner watches outer (a loop): %s\n", r == 0 ? "0" : strerrorname_np(errno));
  r = epoll_ctl(inner, EPOLL_CTL_ADD, inner, &ev);
  printf("a set watches itself: %s\n", r == 0 ? "0" : strerrorname_np(errno));
  /* Chains of sets, built from the bottom and from the top: at most 5 sets deep. */
  int up[7], down[7];
  for (int i = 0; i < 7; i++) up[i] = epoll_create1(EPOLL_CLOEXEC), down[i] = epoll_create1(EPOLL_CLOEXEC);
  for (int i = 0; i < 6; i++) {
    int a = epoll_ctl(up[i + 1], EPOLL_CTL_ADD, up[i], &ev), ea = errno;
    int b = epoll_ctl(down[i], EPOLL_CTL_ADD, down[i + 1], &ev), eb = errno;
    printf("chain link %d: from the bottom %s, from the top %s\n", i + 1, a == 0 ? "0" : strerrorname_np(ea), b == 0 ? "0" : strerrorname_np(eb));
  }
  return 0;
}
