/* A memory hog: allocates and touches 16 MiB at a time until malloc returns NULL, then prints
 * how far it got and exits 0. Meant for `tsvisor run --memory 256m` (natively, `ulimit -v`). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP (16UL << 20)

int main(void) {
  unsigned long mib = 0;
  for (;;) {
    char *p = malloc(STEP);
    if (p == NULL) break;
    memset(p, 0xa5, STEP);
    mib += STEP >> 20;
    if (mib >= (1UL << 20)) break; /* 1 TiB: no limit held; stop anyway */
  }
  printf("reached %lu MiB\n", mib);
  return 0;
}
