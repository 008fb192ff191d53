/* An int parameter is the low 32 bits of its register: garbage in the upper half (as strace's
 * tests and some JITs leave there) changes nothing. Values past 2^53 are where a double cannot
 * hold every bit, so each call gets such an upper half. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GARBAGE 0xdeadbeef00000000ULL

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = open("/dev/null", O_RDONLY);
  result("dup(fd | garbage)", syscall(SYS_dup, GARBAGE | (unsigned)fd));
  result("fcntl(fd | garbage, F_GETFL | garbage)", syscall(SYS_fcntl, GARBAGE | (unsigned)fd, GARBAGE | F_GETFL) & O_ACCMODE);
  result("dup2(fd, 9 | garbage)", syscall(SYS_dup2, fd, GARBAGE | 9u));
  result("close(9 | garbage)", syscall(SYS_close, GARBAGE | 9u));
  result("close(9) again", syscall(SYS_close, 9));
  result("read(-1 | garbage)", syscall(SYS_read, GARBAGE | 0xffffffffu, NULL, 0));
  result("openat(AT_FDCWD | garbage, \"/dev/null\")", syscall(SYS_openat, GARBAGE | (unsigned)AT_FDCWD, "/dev/null", GARBAGE | O_RDONLY));
  result("kill(0 | garbage, 0 | garbage)", syscall(SYS_kill, GARBAGE, GARBAGE));
  result("umask(022 | garbage)", syscall(SYS_umask, GARBAGE | 022));
  result("umask(022) back", syscall(SYS_umask, 022));
  result("getpriority(PRIO_PROCESS | garbage, 0)", syscall(SYS_getpriority, GARBAGE, 0));
  return 0;
}
