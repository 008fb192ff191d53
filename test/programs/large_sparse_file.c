/* Files far larger than what is written in them, past 4 GiB: ftruncate to 6 GiB costs no
 * blocks, a write at 5 GiB and one across a 4 GiB boundary read back, bytes around them read
 * as zeros, SEEK_DATA/SEEK_HOLE find only them, O_APPEND writes at the large end, a punched
 * hole reads as zeros again, and shrinking then growing leaves zeros. (The sandbox's files
 * were one buffer: ftruncate past 4 GiB was EFBIG, and 2 GiB held 2 GiB of memory.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GIB (1LL << 30)

static int fd;

static void report(const char *what, long long r) {
  if (r < 0) printf("%-40s -1 %s\n", what, strerrorname_np(errno));
  else printf("%-40s %lld\n", what, r);
}

static void show(const char *what) {
  struct stat st;
  fstat(fd, &st);
  printf("%-40s size %lld blocks %lld\n", what, (long long)st.st_size, (long long)st.st_blocks);
}

/* Whether bytes [at, at + n) are all `want`. */
static const char *all(long long at, size_t n, char want) {
  static char buf[1 << 16];
  if (n > sizeof buf || pread(fd, buf, n, at) != (ssize_t)n) return "short";
  for (size_t i = 0; i < n; i++)
    if (buf[i] != want) return "no";
  return "yes";
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[4096];
  snprintf(path, sizeof path, "%s/large", argv[1]);
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return perror("open"), 1;
  report("ftruncate 6 GiB", ftruncate(fd, 6 * GIB));
  show("after ftruncate");
  char block[4096];
  memset(block, 'x', sizeof block);
  report("pwrite 4096 at 5 GiB + 100", pwrite(fd, block, sizeof block, 5 * GIB + 100));
  report("pwrite 10 across 4 GiB", pwrite(fd, "0123456789", 10, 4 * GIB - 5));
  show("after the writes");
  printf("the block reads back: %s\n", all(5 * GIB + 100, sizeof block, 'x'));
  printf("zeros before it: %s\n", all(5 * GIB, 100, 0));
  printf("zeros after it: %s\n", all(5 * GIB + 100 + 4096, 60000, 0));
  char across[11] = {0};
  report("pread across 4 GiB", pread(fd, across, 10, 4 * GIB - 5));
  printf("read: %s\n", across);
  report("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
  report("SEEK_HOLE 4 GiB - 5", lseek(fd, 4 * GIB - 5, SEEK_HOLE));
  report("SEEK_DATA 4 GiB + 8192", lseek(fd, 4 * GIB + 8192, SEEK_DATA));
  report("SEEK_HOLE 5 GiB", lseek(fd, 5 * GIB, SEEK_HOLE));
  report("SEEK_DATA 5 GiB + 8192", lseek(fd, 5 * GIB + 8192, SEEK_DATA));
  report("SEEK_END", lseek(fd, 0, SEEK_END));
  int app = open(path, O_WRONLY | O_APPEND);
  report("append 3 bytes", write(app, "end", 3));
  report("offset after the append", lseek(app, 0, SEEK_CUR));
  close(app);
  report("punch [5 GiB, 5 GiB + 8192)", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 5 * GIB, 8192));
  printf("punched range reads zeros: %s\n", all(5 * GIB, 8192, 0));
  show("after the punch");
  report("SEEK_DATA 4 GiB + 8192", lseek(fd, 4 * GIB + 8192, SEEK_DATA));
  report("ftruncate 4 GiB", ftruncate(fd, 4 * GIB));
  report("ftruncate 6 GiB again", ftruncate(fd, 6 * GIB));
  printf("the cut part reads zeros: %s\n", all(4 * GIB, 5, 0));
  char kept[6] = {0};
  report("pread of the kept part", pread(fd, kept, 5, 4 * GIB - 5));
  printf("kept: %s\n", kept);
  show("shrunk and grown");
  report("ftruncate 0", ftruncate(fd, 0));
  show("empty");
  return 0;
}
