/* The trace for replay's speed (issue 4: >= 500k events/s on a trace of >= 1M events):
 * N rounds of open, lseek, close: three syscalls and three domain events (FileOpened,
 * FdInstalled, FdClosed) a round. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 0;
  for (long i = 0; i < n; i++) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0) return 1;
    lseek(fd, 0, SEEK_SET);
    close(fd);
  }
  return 0;
}
