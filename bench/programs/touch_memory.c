// Checkpoint benchmark: touches argv[1] MiB of memory with non-zero data (every page differs),
// says "ready", then sleeps 3 s and exits (time for the checkpoint command to start). The restored
// program sleeps its 3 s again (the sleep is re-issued) before it exits.
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 10;
  size_t bytes = mib << 20;
  unsigned char* p = malloc(bytes);
  if (!p) return 1;
  for (size_t i = 0; i < bytes; i++) p[i] = (unsigned char)(i * 2654435761u >> 13) | 1;
  printf("ready\n");
  fflush(stdout);
  struct timespec ts = {3, 0};
  nanosleep(&ts, 0);
  unsigned long sum = 0;
  for (size_t i = 0; i < bytes; i += 4096) sum += p[i];
  printf("sum %lu\n", sum);
  return 0;
}
