/* RLIMIT_AS and RLIMIT_DATA set by the program itself (ulimit -v, ulimit -d): an anonymous
 * mapping or a brk beyond them fails with ENOMEM, one within them works, a forked child
 * inherits them, and raising the soft limit again lets the same mapping through. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024L * 1024L)

static void try_map(const char *what, long bytes) {
  void *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    printf("%-44s %s\n", what, strerrorname_np(errno));
    return;
  }
  memset(p, 1, 4096);
  munmap(p, (size_t)bytes);
  printf("%-44s mapped\n", what);
}

static void try_brk(const char *what, long bytes) {
  void *start = sbrk(0);
  void *r = sbrk(bytes);
  printf("%-44s %s\n", what, r == (void *)-1 ? strerrorname_np(errno) : "grew");
  if (r != (void *)-1) brk(start);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct rlimit as = {256 * MIB, RLIM_INFINITY};
  if (setrlimit(RLIMIT_AS, &as) != 0) return perror("setrlimit"), 1;
  try_map("RLIMIT_AS 256 MiB: map 512 MiB", 512 * MIB);
  try_map("RLIMIT_AS 256 MiB: map 16 MiB", 16 * MIB);
  try_brk("RLIMIT_AS 256 MiB: brk up 512 MiB", 512 * MIB);
  try_brk("RLIMIT_AS 256 MiB: brk up 1 MiB", 1 * MIB);
  pid_t pid = fork();
  if (pid == 0) {
    try_map("child: map 512 MiB", 512 * MIB);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  as.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_AS, &as);
  try_map("RLIMIT_AS back to unlimited: map 512 MiB", 512 * MIB);

  struct rlimit data = {64 * MIB, RLIM_INFINITY};
  setrlimit(RLIMIT_DATA, &data);
  try_map("RLIMIT_DATA 64 MiB: map 128 MiB", 128 * MIB);
  try_brk("RLIMIT_DATA 64 MiB: brk up 128 MiB", 128 * MIB);
  try_map("RLIMIT_DATA 64 MiB: map 8 MiB", 8 * MIB);
  void *ro = mmap(NULL, 128 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("%-44s %s\n", "RLIMIT_DATA 64 MiB: map 128 MiB read-only", ro == MAP_FAILED ? strerrorname_np(errno) : "mapped");
  data.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_DATA, &data);
  try_map("RLIMIT_DATA back to unlimited: map 128 MiB", 128 * MIB);
  return 0;
}
