/* SEEK_DATA and SEEK_HOLE in a file written with gaps, through the fd that wrote it and a
 * second, read-only open (the one tar --sparse and cp walk with): only the written blocks are
 * data, up to 8 GiB, ENXIO at and past the end. argv[1]: a directory to write in. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const long long GIB = 1024LL * 1024 * 1024;

static void walk(const char *what, int fd) {
  printf("%s:", what);
  off_t at = 0;
  for (int i = 0; i < 8; i++) {
    off_t data = lseek(fd, at, SEEK_DATA);
    if (data < 0) {
      printf(" data@%lld %s", (long long)at, strerror(errno));
      break;
    }
    off_t hole = lseek(fd, data, SEEK_HOLE);
    printf(" [%lld,%lld)", (long long)data, (long long)hole);
    at = hole;
  }
  errno = 0;
  off_t past = lseek(fd, 8 * GIB + 4096, SEEK_HOLE);
  printf(" | hole@8GiB+4096 %lld %s\n", (long long)past, past < 0 ? strerror(errno) : "");
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: seek_holes_written DIR\n"), 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/holes", argv[1]);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return perror("open"), 1;
  char block[4096];
  memset(block, 'x', sizeof block);
  const off_t at[] = {0, 1 << 20, 3 << 20, 8 * GIB};
  for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
    if (pwrite(fd, block, sizeof block, at[i]) != (ssize_t)sizeof block) return perror("pwrite"), 1;
  walk("writer", fd);
  int ro = open(path, O_RDONLY);
  if (ro < 0) return perror("open ro"), 1;
  walk("reader", ro);
  if (ftruncate(fd, 2 * GIB) != 0) return perror("ftruncate"), 1;
  walk("cut to 2 GiB", ro);
  close(ro);
  close(fd);
  unlink(path);
  return 0;
}
