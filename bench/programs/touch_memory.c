// Checkpoint benchmark: touches argv[1] MiB of memory with non-zero data that does not
// compress (every page differs), says "ready", then prints "tick N" every 10 ms for ever.
// A restore is timed from its start to the first tick the restored program prints.
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 10;
  size_t words = (mib << 20) / sizeof(uint64_t);
  uint64_t* p = malloc(words * sizeof(uint64_t));
  if (!p) return 1;
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (size_t i = 0; i < words; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] = x;
  }
  printf("ready\n");
  fflush(stdout);
  for (unsigned long n = 0;; n++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, 0);
    printf("tick %lu %lu\n", n, (unsigned long)p[n % words]);
    fflush(stdout);
  }
}
