/* Everything that differs from run to run: the time (two clocks), random bytes, the address of
 * a stack variable and a line of stdin. Recorded once, replay --exec prints the same each time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

int main(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  unsigned char r[16];
  if (getrandom(r, sizeof r, 0) != sizeof r) return 2;
  int local = 0;
  char line[256] = "";
  if (!fgets(line, sizeof line, stdin)) strcpy(line, "(no input)\n");
  printf("time %lld.%09ld %ld.%06ld\nrandom ", (long long)ts.tv_sec, ts.tv_nsec, (long)tv.tv_sec, (long)tv.tv_usec);
  for (size_t i = 0; i < sizeof r; i++) printf("%02x", r[i]);
  printf("\nstack %p\nstdin %s", (void *)&local, line);
  return 0;
}
