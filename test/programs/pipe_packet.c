/* pipe2(O_DIRECT): packet mode. Each write is a packet (a write larger than PIPE_BUF is cut
 * into PIPE_BUF-sized ones); a read returns at most one packet, and what a short read leaves
 * of it is discarded; each packet takes one of the pipe's 16 slots, so the pipe is full after
 * 16 small writes; F_GETFL shows O_DIRECT, and F_SETFL can switch a plain pipe's writer to it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  int p[2];
  char buf[65536];
  if (pipe2(p, O_DIRECT) != 0) return 1;
  printf("F_GETFL has O_DIRECT: reader %d writer %d\n", (fcntl(p[0], F_GETFL) & O_DIRECT) != 0, (fcntl(p[1], F_GETFL) & O_DIRECT) != 0);
  write(p[1], "one", 3);
  write(p[1], "second", 6);
  printf("read: %zd\n", read(p[0], buf, sizeof buf));
  printf("read: %zd\n", read(p[0], buf, sizeof buf));
  write(p[1], "abcdef", 6);
  write(p[1], "gh", 2);
  ssize_t n = read(p[0], buf, 3);
  printf("short read: %zd \"%.*s\"\n", n, (int)n, buf);
  n = read(p[0], buf, sizeof buf);
  printf("next read (the rest was discarded): %zd \"%.*s\"\n", n, (int)n, buf);
  memset(buf, 'x', 10000);
  printf("write 10000: %zd\n", write(p[1], buf, 10000));
  for (int i = 0; i < 3; i++) printf("read: %zd\n", read(p[0], buf, sizeof buf));
  fcntl(p[1], F_SETFL, O_NONBLOCK | O_DIRECT);
  int k = 0;
  while (write(p[1], "z", 1) == 1) k++;
  printf("one-byte packets before EAGAIN: %d (%s)\n", k, strerrorname_np(errno));
  struct pollfd pf = {.fd = p[1], .events = POLLOUT};
  poll(&pf, 1, 0);
  printf("full: POLLOUT %d\n", !!(pf.revents & POLLOUT));
  read(p[0], buf, 1);
  poll(&pf, 1, 0);
  printf("one read later: POLLOUT %d\n", !!(pf.revents & POLLOUT));
  close(p[0]);
  close(p[1]);

  /* A plain pipe merges writes; its writer switched to O_DIRECT writes packets. */
  pipe(p);
  write(p[1], "ab", 2);
  write(p[1], "cd", 2);
  printf("plain pipe read: %zd\n", read(p[0], buf, sizeof buf));
  fcntl(p[1], F_SETFL, O_DIRECT);
  write(p[1], "ab", 2);
  write(p[1], "cd", 2);
  printf("after F_SETFL O_DIRECT: %zd\n", read(p[0], buf, sizeof buf));
  return 0;
}
