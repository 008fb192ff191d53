/* getrandom: lengths returned, distinct results, and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

static char *volatile bad = (char *)1;

static void report(const char *what, ssize_t r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd\n", what, r);
}

int main(void) {
  unsigned char a[16], b[16];
  static unsigned char big[65536];
  report("getrandom 16", getrandom(a, sizeof a, 0));
  report("getrandom 16 again", getrandom(b, sizeof b, 0));
  printf("two results differ: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
  report("getrandom 65536 GRND_NONBLOCK", getrandom(big, sizeof big, GRND_NONBLOCK));
  int zeros = 0;
  for (size_t i = 0; i < sizeof big; i++) zeros += big[i] == 0;
  printf("fewer than 1%% zero bytes: %s\n", zeros < 655 ? "yes" : "no");
  report("getrandom 0", getrandom(a, 0, 0));
  report("getrandom bad flags", getrandom(a, sizeof a, 0x100));
  report("getrandom bad pointer", getrandom(bad, 16, 0));
  return 0;
}
