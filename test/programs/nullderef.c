/* A write through NULL: the program dies by SIGSEGV (tsvisor exits 128 + 11 = 139).
 * Output flushed before the fault must still arrive; nothing after it may. */
#include <stdio.h>

/* volatile: the compiler cannot prove the pointer is NULL, so it emits a real store
 * (not a trap instruction, which would die by SIGILL instead). */
int *volatile target;

int main(void) {
  printf("before the fault\n");
  fflush(stdout);
  *target = 42;
  printf("after the fault (must not be printed)\n");
  return 0;
}
