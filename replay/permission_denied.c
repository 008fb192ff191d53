/* A file only its owner (root) may read, opened after dropping to uid 1000: EACCES. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int fd = open("/tmp/tsvisor-corpus-secret", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || close(fd) != 0) return 2;
  if (setgid(1000) != 0 || setuid(1000) != 0) return 2;
  if (open("/tmp/tsvisor-corpus-secret", O_RDONLY) < 0) {
    perror("secret");
    return 1;
  }
  return 0;
}
