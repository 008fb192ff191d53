/* brk: sbrk growth and shrink, raw brk semantics, and malloc of small and large blocks. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }
static uint32_t sum(const unsigned char *p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
  return s;
}

int main(void) {
  enum { MiB = 1 << 20 };
  static char outbuf[8192]; /* so that stdio never mallocs (and moves the break) */
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  char *b0 = sbrk(0);
  printf("raw brk(0) equals sbrk(0): %s\n", yes((char *)syscall(SYS_brk, 0) == b0));
  char *old = sbrk(MiB);
  printf("sbrk(+1MiB) returns the old break: %s\n", yes(old == b0));
  printf("break moved by 1MiB: %s\n", yes((char *)sbrk(0) - b0 == MiB));
  int zero = 1;
  for (size_t i = 0; i < MiB; i += 4096) zero &= old[i] == 0;
  memset(old, 0xab, MiB);
  printf("new heap is zeroed: %s, writable: %s\n", yes(zero), yes(old[0] == (char)0xab && old[MiB - 1] == (char)0xab));
  sbrk(-MiB / 2);
  printf("sbrk(-512KiB) shrinks: %s\n", yes((char *)sbrk(0) - b0 == MiB / 2));
  printf("brk below the start fails, returns the current break: %s\n", yes((char *)syscall(SYS_brk, 4096) == b0 + MiB / 2));
  sbrk(-MiB / 2);
  printf("break back at start: %s\n", yes(sbrk(0) == b0));

  unsigned char *small[1000];
  uint32_t total = 0;
  for (int i = 0; i < 1000; i++) {
    small[i] = malloc(24 + i % 40);
    memset(small[i], i & 0xff, 24 + i % 40);
  }
  for (int i = 0; i < 1000; i++) total = total * 7 + sum(small[i], 24 + i % 40);
  for (int i = 0; i < 1000; i++) free(small[i]);
  printf("1000 small mallocs checksum %08x\n", total);
  size_t big = 64 * (size_t)MiB;
  unsigned char *large = malloc(big);
  if (!large) return printf("malloc 64MiB failed\n"), 1;
  for (size_t i = 0; i < big; i += 4096) large[i] = (unsigned char)(i >> 12);
  printf("64MiB malloc checksum %08x\n", sum(large, big));
  large = realloc(large, 2 * big);
  printf("realloc keeps contents: %s\n", yes(large && large[4096 * 5] == 5 && large[4096 * 300] == (unsigned char)300));
  free(large);
  return 0;
}
