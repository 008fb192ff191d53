/*
 * getppid_loop N [-v]: makes N getppid() system calls and exits 0.
 *
 * Used by `npm run bench` to measure the cost of one trapped system call:
 * (time of N calls - time of 0 calls) / N. The call goes through
 * syscall(SYS_getppid) so that no libc caching can skip the kernel entry.
 * With -v it prints one line at the end (used by the bench to check that a
 * peer really ran the program); without it, the only system calls besides the
 * loop are those of program start-up and exit, identical for every N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s N [-v]\n", argv[0]);
    return 2;
  }
  char *end;
  long n = strtol(argv[1], &end, 10);
  if (*end != '\0' || n < 0) {
    fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[1]);
    return 2;
  }
  volatile long sink = 0;
  for (long i = 0; i < n; i++) sink += syscall(SYS_getppid);
  if (argc > 2 && strcmp(argv[2], "-v") == 0)
    printf("getppid_loop: %ld calls, ppid sum %ld\n", n, (long)sink);
  return 0;
}
