// Checkpoint/restore of a pipeline: writes 3000 numbered lines, pausing every 100 lines, so
// that a checkpoint finds bytes in flight in the pipe to ckpt_consumer.
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

int main(void) {
  for (int i = 0; i < 3000; i++) {
    printf("line %d abcdefghijklmnopqrstuvwxyz0123456789\n", i);
    if (i % 100 == 0) {
      fflush(stdout);
      struct timespec ts = {0, 40 * 1000 * 1000};
      nanosleep(&ts, 0);
    }
  }
  return 0;
}
