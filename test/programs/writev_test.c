/* writev to stdout: gathering, empty vectors, and the errors Linux returns. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

static char *volatile bad = (char *)1;
/* Counts the compiler cannot check against the arrays (they are meant to be wrong). */
static volatile int negative = -1, above_iov_max = 1025;

static void report(const char *what, ssize_t r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* keep printf and writev output in program order */
  struct iovec three[3] = {{"hello", 5}, {", ", 2}, {"writev\n", 7}};
  report("writev of 3 buffers", writev(1, three, 3));
  struct iovec holes[4] = {{NULL, 0}, {"a", 1}, {NULL, 0}, {"b\n", 2}};
  report("writev with empty buffers", writev(1, holes, 4));
  report("writev of 0 buffers", writev(1, three, 0));
  report("writev bad fd", writev(99, three, 3));
  report("writev negative count", writev(1, three, negative));
  report("writev count above IOV_MAX", writev(1, three, above_iov_max));
  report("writev bad iovec array", writev(1, (struct iovec *)bad, 1));
  struct iovec bad_base[1] = {{bad, 5}};
  report("writev bad buffer", writev(1, bad_base, 1));
  struct iovec huge[1] = {{"x", SIZE_MAX}};
  report("writev negative length", writev(1, huge, 1));
  return 0;
}
