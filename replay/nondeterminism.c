/* Everything that differs from run to run: the time (two clocks), random bytes, the address of
 * a stack variable, an rdtsc difference and a line of stdin. Recorded once, replay --exec prints
 * the same each time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <x86intrin.h>

int main(void) {
  unsigned long long tsc = __rdtsc();
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  unsigned char r[16];
  if (getrandom(r, sizeof r, 0) != sizeof r) return 2;
  tsc = __rdtsc() - tsc;
  int local = 0;
  char line[256] = "";
  if (!fgets(line, sizeof line, stdin)) strcpy(line, "(no input)\n");
  printf("time %lld.%09ld %ld.%06ld\nrandom ", (long long)ts.tv_sec, ts.tv_nsec, (long)tv.tv_sec, (long)tv.tv_usec);
  for (size_t i = 0; i < sizeof r; i++) printf("%02x", r[i]);
  printf("\nstack %p\nrdtsc %llu\nstdin %s", (void *)&local, tsc, line);
  return 0;
}
