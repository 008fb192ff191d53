/* A file's holes: pages never written are not allocated (st_blocks counts the written ones),
 * SEEK_DATA and SEEK_HOLE find them, fallocate allocates, a punched hole and truncation free
 * pages again. Few extents, so that ext4 needs no extent blocks of its own natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fd;

static void show(const char *what) {
  struct stat st;
  fstat(fd, &st);
  printf("%-34s size %7lld blocks %4lld |", what, (long long)st.st_size, (long long)st.st_blocks);
  /* Data and holes from the start, as cp --sparse and tar walk them. */
  off_t at = 0;
  for (int i = 0; i < 8; i++) {
    off_t data = lseek(fd, at, SEEK_DATA);
    if (data < 0) {
      printf(" data: %s", strerrorname_np(errno));
      break;
    }
    off_t hole = lseek(fd, data, SEEK_HOLE);
    printf(" [%lld, %lld)", (long long)data, (long long)hole);
    at = hole;
    if (hole >= st.st_size) break;
  }
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[4096];
  snprintf(path, sizeof path, "%s/sparse", argv[1]);
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return perror("open"), 1;
  show("empty");
  ftruncate(fd, 1 << 20);
  show("truncated to 1 MiB");
  printf("SEEK_HOLE at 0: %lld\n", (long long)lseek(fd, 0, SEEK_HOLE));
  pwrite(fd, "x", 1, 65536);
  show("one byte at 64 KiB");
  char buf[10000];
  memset(buf, 'a', sizeof buf);
  pwrite(fd, buf, sizeof buf, 0);
  show("10000 bytes at 0");
  if (fallocate(fd, 0, 204800, 8192) != 0) printf("fallocate: %s\n", strerrorname_np(errno));
  show("fallocate 8 KiB at 200 KiB");
  if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 8192) != 0) printf("punch: %s\n", strerrorname_np(errno));
  show("hole punched at [0, 8 KiB)");
  pread(fd, buf, 3, 0);
  printf("punched bytes read as zeros: %s\n", buf[0] == 0 && buf[1] == 0 && buf[2] == 0 ? "yes" : "no");
  ftruncate(fd, 100000);
  show("truncated to 100000");
  ftruncate(fd, 0);
  show("truncated to 0");
  printf("SEEK_DATA at 0: %s\n", lseek(fd, 0, SEEK_DATA) < 0 ? strerrorname_np(errno) : "found");
  return 0;
}
