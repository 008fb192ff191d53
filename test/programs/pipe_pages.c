/* A pipe holds its bytes in pages, one slot per page of capacity (16 by default): a write tops
 * up the last page with the part of it that is not whole pages if that fits, the rest goes in
 * fresh pages; read bytes free a page only once all of it is read. So small writes fill the
 * pipe short of its capacity, POLLOUT means a free slot, a write of at most a page goes in
 * whole or not at all, and F_SETPIPE_SZ may not go below the pages in use; its size is an
 * unsigned int (beyond 2^31 EINVAL, 0 one page). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static char buf[200000];

/* Writes chunks of n bytes until the pipe refuses one: the bytes that went in. */
static long fill(int w, size_t n) {
  long total = 0;
  ssize_t r;
  while ((r = write(w, buf, n)) > 0) total += r;
  return total;
}

static const char *writable(int w) {
  struct pollfd p = {.fd = w, .events = POLLOUT};
  poll(&p, 1, 0);
  return p.revents & POLLOUT ? "POLLOUT" : "not writable";
}

static void fresh(int p[2]) {
  if (pipe2(p, O_NONBLOCK) != 0) perror("pipe2");
}

static void drain(int p[2]) {
  close(p[0]);
  close(p[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  memset(buf, 'x', sizeof buf);
  int p[2];
  size_t sizes[] = {1, 7, 100, 1000, 4095, 4096, 4097, 5000, 8192, 65536, 100000};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    fresh(p);
    long in = fill(p[1], sizes[i]);
    int queued = 0;
    ioctl(p[0], FIONREAD, &queued);
    printf("writes of %6zu: %6ld bytes in (FIONREAD %d), then %s\n", sizes[i], in, queued, writable(p[1]));
    drain(p);
  }

  fresh(p);
  fill(p[1], 7);
  printf("full of 7-byte writes: %s\n", writable(p[1]));
  if (read(p[0], buf, 7) != 7) return 1;
  printf("7 bytes read: %s, a write of 7: %zd (%s)\n", writable(p[1]), write(p[1], buf, 7), errno == EAGAIN ? "EAGAIN" : "?");
  if (read(p[0], buf, 4095 - 7) != 4095 - 7) return 1;
  printf("the first page read: %s\n", writable(p[1]));
  ssize_t a = write(p[1], buf, 4096);
  errno = 0;
  ssize_t b = write(p[1], buf, 1);
  printf("a write of 4096: %zd, then of 1: %zd %s\n", a, b, errno == EAGAIN ? "EAGAIN" : "");
  drain(p);

  /* Only the part of a write that is not whole pages tops up the last page. */
  fresh(p);
  size_t order[] = {10, 8192, 10, 4086, 1};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) printf("write %zu: %zd\n", order[i], write(p[1], buf, order[i]));
  /* Five pages: 10, 4096, 4096, 10 + 4086, 1. */
  printf("F_SETPIPE_SZ 16384 with 5 pages in use: %s\n", fcntl(p[1], F_SETPIPE_SZ, 16384) < 0 ? strerrorname_np(errno) : "ok");
  printf("F_SETPIPE_SZ 32768: %d\n", fcntl(p[1], F_SETPIPE_SZ, 32768));
  errno = 0;
  ssize_t c = write(p[1], buf, 4096);
  printf("then a write of 4096: %zd %s\n", c, errno == EAGAIN ? "EAGAIN" : "");
  drain(p);
  int q[2];
  if (pipe(q) != 0) return 1;
  printf("F_SETPIPE_SZ 2^31 + 1: %s\n", fcntl(q[1], F_SETPIPE_SZ, (1UL << 31) + 1) < 0 ? strerrorname_np(errno) : "ok");
  printf("F_SETPIPE_SZ 2^32 + 8192 (as an unsigned int, 8192): %d\n", fcntl(q[1], F_SETPIPE_SZ, (1UL << 32) + 8192));
  printf("F_SETPIPE_SZ 0: %d\n", fcntl(q[1], F_SETPIPE_SZ, 0));
  return 0;
}
