/* Computes with no syscall, for as many iterations as its argument says (1e9 by default: about
 * a second of CPU here), and exits 0. A shell waiting for it parks in a blocking wait4 that long:
 * replay --exec must end that wait4 as recorded (with the child's pid), whatever signal the
 * replay holds for the shell meanwhile. */
#include <stdlib.h>

static volatile unsigned long sink;

int main(int argc, char **argv) {
  unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000000UL;
  for (unsigned long i = 0; i < n; i++) sink += i;
  return 0;
}
