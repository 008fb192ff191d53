/* An fd used after it was closed: EBADF (the explanation names the close). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int fd = open("/dev/null", O_RDONLY);
  if (fd < 0) return 2;
  close(fd);
  char c;
  if (read(fd, &c, 1) < 0) {
    perror("read");
    return 1;
  }
  return 0;
}
