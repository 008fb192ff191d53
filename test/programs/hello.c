/* The smallest real program: stdio buffering, one write(1) at exit, exit status 0. */
#include <stdio.h>

int main(void) {
  printf("hello, world\n");
  return 0;
}
