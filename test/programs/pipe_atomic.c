/* PIPE_BUF atomicity: two children write 256 records of PIPE_BUF bytes each (all 'a' or all
 * 'b', blocking writes into one pipe); the reader sees 512 whole records, never mixed. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { RECORDS = 256 };
static char stream[2 * RECORDS * PIPE_BUF + 1];

static pid_t writer(int fd, char c) {
  pid_t pid = fork();
  if (pid == 0) {
    char rec[PIPE_BUF];
    memset(rec, c, sizeof rec);
    for (int i = 0; i < RECORDS; i++)
      if (write(fd, rec, sizeof rec) != (ssize_t)sizeof rec) _exit(1);
    _exit(0);
  }
  return pid;
}

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 1;
  printf("PIPE_BUF %d\n", PIPE_BUF);
  fflush(stdout);
  pid_t a = writer(p[1], 'a'), b = writer(p[1], 'b');
  close(p[1]);
  size_t total = 0;
  ssize_t n;
  while ((n = read(p[0], stream + total, sizeof stream - total)) > 0) total += n;
  int sa, sb;
  waitpid(a, &sa, 0);
  waitpid(b, &sb, 0);
  printf("writers exited %d and %d\n", WEXITSTATUS(sa), WEXITSTATUS(sb));
  printf("read %zu bytes\n", total);
  int whole = 1, na = 0, nb = 0;
  for (size_t off = 0; off + PIPE_BUF <= total; off += PIPE_BUF) {
    char c = stream[off];
    for (size_t i = 1; i < PIPE_BUF; i++) whole &= stream[off + i] == c;
    na += c == 'a';
    nb += c == 'b';
  }
  printf("records of a: %d, of b: %d\n", na, nb);
  printf("every record whole: %s\n", whole ? "yes" : "no");
  return 0;
}
