/* The program break in small steps: each sbrk returns the previous break, the memory holds
 * its data; pages given back and grown again come back zeroed; a fork child has its own
 * break; a break into mapped memory fails. stdout has a static buffer: stdio never mallocs. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }

int main(void) {
  static char outbuf[8192];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  char *start = sbrk(0);
  int ok = 1;
  for (int i = 0; i < 1000; i++) {
    char *prev = sbrk(100);
    ok &= prev == start + 100 * i;
    for (int k = 0; k < 100; k++) prev[k] = (char)(i + k);
  }
  printf("1000 sbrk(100) steps each returned the previous break: %s\n", yes(ok));
  printf("break moved by 100000: %s\n", yes((char *)sbrk(0) - start == 100000));
  uint32_t sum = 0;
  for (int i = 0; i < 100000; i++) sum = sum * 31 + (unsigned char)start[i];
  printf("contents checksum %08x\n", sum);
  char *cur = sbrk(0);
  uintptr_t pad = (4096 - (uintptr_t)cur % 4096) % 4096;
  sbrk(pad); /* page-align the break */
  char *base = sbrk(3 * 4096);
  for (int i = 0; i < 3 * 4096; i++) base[i] = (char)0xff;
  sbrk(-2 * 4096);
  sbrk(2 * 4096);
  int zero = 1;
  for (int i = 4096; i < 3 * 4096; i++) zero &= base[i] == 0;
  printf("pages given back and regrown read as zeros: %s; the page kept still 0xff: %s\n", yes(zero),
         yes(base[0] == (char)0xff && base[4095] == (char)0xff));
  char *before_fork = sbrk(0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int same = sbrk(0) == before_fork;
    char *c = sbrk(1 << 20);
    c[(1 << 20) - 1] = 1;
    _exit(same && (char *)sbrk(0) == before_fork + (1 << 20) ? 0 : 1);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child saw the same break and grew its own (status %d); parent's break unchanged: %s\n", WEXITSTATUS(st),
         yes(sbrk(0) == before_fork));
  char *huge = (char *)syscall(SYS_brk, before_fork + (1UL << 46));
  printf("brk 64 TiB up fails (returns the old break): %s\n", yes(huge == before_fork));
  printf("break unchanged: %s\n", yes(sbrk(0) == before_fork));
  return 0;
}
