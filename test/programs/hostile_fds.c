/* Opens /dev/null until open fails; prints how many it opened and the errno it ended with.
 * Under `ulimit -n 32` (natively) or `tsvisor run --fds-limit 32`: 29 (0, 1 and 2 are taken),
 * then EMFILE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  int n = 0;
  int last = -1;
  for (;;) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0) break;
    n++;
    last = fd;
    if (n >= 1 << 20) break;
  }
  int err = errno;
  printf("opened %d, highest fd %d, then %s\n", n, last, strerrorname_np(err));
  /* One more fd after closing one: the lowest free number again. */
  close(10);
  printf("reopened: %d\n", open("/dev/null", O_RDONLY));
  printf("dup: %s\n", dup(0) < 0 ? strerrorname_np(errno) : "ok");
  printf("pipe: %s\n", pipe((int[2]){0, 0}) < 0 ? strerrorname_np(errno) : "ok");
  return 0;
}
