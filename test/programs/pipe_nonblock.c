/* A non-blocking pipe: EAGAIN when empty or full, a capacity of 64 KiB (F_GETPIPE_SZ), a
 * partial write of a large buffer into the room left, EOF rather than EAGAIN once the
 * writer is gone, EPIPE once the reader is. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static char buf[100000];

int main(void) {
  int p[2];
  signal(SIGPIPE, SIG_IGN);
  if (pipe2(p, O_NONBLOCK) != 0) return 1;
  report("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
  report("read of the empty pipe", read(p[0], buf, 10));
  long total = 0;
  ssize_t n;
  while ((n = write(p[1], buf, 4096)) > 0) total += n;
  report("4096-byte writes until it fails: total", total);
  report("the failing write", n);
  report("1-byte write into the full pipe", write(p[1], "x", 1));
  report("read 8192", read(p[0], buf, 8192));
  report("write 10000 with 8192 free", write(p[1], buf, 10000));
  report("write 4096 (PIPE_BUF) into the full pipe", write(p[1], buf, 4096));
  report("read 4096", read(p[0], buf, 4096));
  report("write 4096 with 4096 free", write(p[1], buf, 4096));
  total = 0;
  while ((n = read(p[0], buf, sizeof buf)) > 0) total += n;
  report("read everything: total", total);
  report("the last read", n);
  report("write 5 then close the write end", write(p[1], "hello", 5));
  close(p[1]);
  report("read with the writer gone", read(p[0], buf, 100));
  report("read again: EOF, not EAGAIN", read(p[0], buf, 100));
  close(p[0]);
  if (pipe2(p, O_NONBLOCK) != 0) return 1;
  close(p[0]);
  report("write with the reader gone", write(p[1], "x", 1));
  if (pipe(p) != 0) return 1;
  report("F_SETPIPE_SZ 4096", fcntl(p[1], F_SETPIPE_SZ, 4096));
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  report("write 10000 into a 4096-byte pipe", write(p[1], buf, 10000));
  report("F_GETPIPE_SZ of the other end", fcntl(p[0], F_GETPIPE_SZ));
  return 0;
}
