/* Files of the sandbox's overlay (here under /tmp) far past 4 GiB: truncations, writes and a
 * fallocate there work, as on Linux, and cost only what is written. Sandbox only: natively the
 * fallocate would reserve 5 GiB of the host's disk (large_sparse_file.c compares the rest with
 * Linux). The syscall fuzzer once made an ftruncate to 2^40 throw inside the kernel's reducer
 * ("internal error in ftruncate"); then such sizes were EFBIG (one buffer per file). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *what, long r) {
  printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

int main(void) {
  int fd = open("/tmp/overlay_huge_size", O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 1;
  report("ftruncate 2^40", ftruncate(fd, 1L << 40));
  report("ftruncate 2^40 - 1", ftruncate(fd, (1L << 40) - 1));
  report("ftruncate 5 GiB", ftruncate(fd, 5L << 30));
  report("pwrite at 2^40", pwrite(fd, "x", 1, 1L << 40));
  report("pwrite at 5 GiB", pwrite(fd, "x", 1, 5L << 30));
  report("fallocate to 5 GiB", fallocate(fd, 0, 0, 5L << 30));
  report("ftruncate 1 MiB", ftruncate(fd, 1 << 20));
  report("pwrite at 1 MiB - 1", pwrite(fd, "y", 1, (1 << 20) - 1));
  struct stat st;
  fstat(fd, &st);
  printf("size: %lld\n", (long long)st.st_size);
  return 0;
}
