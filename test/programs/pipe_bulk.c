/* 1 MiB through a pipe each way between a parent and a child, in odd-sized chunks: every
 * byte arrives, in order (checksums), and EOF ends each stream. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

enum { TOTAL = 1 << 20 };
static unsigned char data[TOTAL];

static uint32_t byte_at(size_t i) { return (uint32_t)((i * 2654435761u) >> 13) & 0xff; }

static int send_all(int fd, size_t chunk) {
  for (size_t i = 0; i < TOTAL; i++) data[i] = (unsigned char)byte_at(i);
  for (size_t off = 0; off < TOTAL;) {
    size_t len = TOTAL - off < chunk ? TOTAL - off : chunk;
    ssize_t n = write(fd, data + off, len);
    if (n <= 0) return -1;
    off += n;
  }
  return close(fd);
}

/* Returns how many bytes arrived, and whether each was the expected one. */
static size_t receive_all(int fd, size_t chunk, int *ok) {
  unsigned char buf[9000];
  size_t got = 0;
  ssize_t n;
  *ok = 1;
  while ((n = read(fd, buf, chunk)) > 0)
    for (ssize_t i = 0; i < n; i++, got++) *ok &= buf[i] == byte_at(got);
  return got;
}

int main(void) {
  int down[2], up[2];
  if (pipe(down) != 0 || pipe(up) != 0) return 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(down[1]);
    close(up[0]);
    int ok;
    size_t got = receive_all(down[0], 8191, &ok);
    if (got != TOTAL || !ok) _exit(1);
    _exit(send_all(up[1], 4093) == 0 ? 0 : 2);
  }
  close(down[0]);
  close(up[1]);
  printf("parent sent 1 MiB in 7919-byte writes: %s\n", send_all(down[1], 7919) == 0 ? "yes" : "no");
  int ok;
  size_t got = receive_all(up[0], 6007, &ok);
  printf("parent received %zu bytes back, all in order: %s\n", got, ok ? "yes" : "no");
  int st;
  waitpid(pid, &st, 0);
  printf("child (which checked the first MiB) exited %d\n", WEXITSTATUS(st));
  return 0;
}
