/* File names are bytes: the program makes a directory and a file whose names are not UTF-8,
 * then opens the file under a name one byte off: ENOENT. The explanation shows the names with
 * strace's escapes (\377) and finds the nearest name by its bytes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  mkdir("/tmp/tsvisor-corpus-\xff", 0755);
  int fd = open("/tmp/tsvisor-corpus-\xff/data-\xfe\xc3.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "\xff\xfe", 2) != 2 || close(fd) != 0) return 2;
  if (open("/tmp/tsvisor-corpus-\xff/data-\xfd\xc3.bin", O_RDONLY) < 0) {
    perror("open");
    return 1;
  }
  return 0;
}
