/* New fds take the lowest free number (open, dup, pipe, F_DUPFD from its minimum), including
 * 0 once stdin is closed; dup2 takes exactly the number asked, closing what was there. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY), c = open("/dev/null", O_RDONLY);
  printf("three opens: %d %d %d\n", a, b, c);
  close(b);
  printf("after closing %d, open gives %d\n", b, open("/dev/null", O_RDONLY));
  close(a);
  printf("after closing %d, dup gives %d\n", a, dup(c));
  close(a);
  close(c);
  int p[2];
  if (pipe(p) != 0) return 1;
  printf("pipe after closing %d and %d: %d %d\n", a, c, p[0], p[1]);
  int d1 = fcntl(0, F_DUPFD, 10);
  int d2 = fcntl(0, F_DUPFD, 10);
  int d3 = fcntl(0, F_DUPFD, 5);
  printf("F_DUPFD 10: %d, again: %d, F_DUPFD 5: %d\n", d1, d2, d3);
  int z = open("/dev/zero", O_RDONLY);
  printf("dup2 to 100: %d\n", dup2(z, 100));
  int n = open("/dev/null", O_RDONLY);
  printf("dup2 onto a taken fd %d: %d\n", n, dup2(z, n));
  char x = 1;
  printf("  it now reads /dev/zero: %s\n", read(n, &x, 1) == 1 && x == 0 ? "yes" : "no");
  printf("next open: %d\n", open("/dev/null", O_RDONLY));
  close(0);
  printf("after closing stdin, open gives %d\n", open("/dev/null", O_RDONLY));
  int hi = dup2(z, 1000);
  close(hi);
  printf("dup2 to 1000 then close: next open %d\n", open("/dev/null", O_RDONLY));
  return 0;
}
