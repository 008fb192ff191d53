// Checkpoint/restore: prints 0, 1, 2, ... up to argv[1] (default 300), one line every 10 ms.
// A checkpoint taken mid-run and restored must go on from the next number, nothing repeated.
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  int last = argc > 1 ? atoi(argv[1]) : 300;
  for (int n = 0; n <= last; n++) {
    printf("%d\n", n);
    fflush(stdout);
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, 0);
  }
  printf("done\n");
  return 0;
}
