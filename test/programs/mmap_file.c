/* File-backed mmap (emulated from VFS contents in the sandbox) and anonymous memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t fnv(const unsigned char *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}
static const char *yes(int c) { return c ? "yes" : "no"; }
static const char *err(void *p) { return p == MAP_FAILED ? strerrorname_np(errno) : "mapped"; }

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) return printf("bad input file\n"), 1;
  size_t size = st.st_size, page = 4096, mapped = (size + page - 1) / page * page;
  static unsigned char copy[1 << 20];
  if (size > sizeof copy || pread(fd, copy, size, 0) != (ssize_t)size) return 1;
  unsigned char *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return printf("mmap: %s\n", strerrorname_np(errno)), 1;
  printf("size %zu checksum %08x\n", size, fnv(p, size));
  printf("mapping equals read(): %s\n", yes(memcmp(p, copy, size) == 0));
  int tail_zero = 1;
  for (size_t i = size; i < mapped; i++) tail_zero &= p[i] == 0;
  printf("rest of the last page is zero: %s\n", yes(tail_zero));
  if (size > page) {
    unsigned char *q = mmap(NULL, size - page, PROT_READ, MAP_PRIVATE, fd, page);
    printf("offset mapping equals file at 4096: %s\n", yes(q != MAP_FAILED && memcmp(q, copy + page, size - page) == 0));
  }
  unsigned char *w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (w == MAP_FAILED) return printf("mmap rw: %s\n", strerrorname_np(errno)), 1;
  w[0] ^= 0xff;
  unsigned char first = 0;
  printf("private write stays private: %s\n", yes(pread(fd, &first, 1, 0) == 1 && first == copy[0] && p[0] == copy[0]));
  close(fd);
  printf("mapping survives close: %s\n", yes(fnv(p, size) == fnv(copy, size)));
  printf("munmap: %d\n", munmap(p, size));
  printf("mmap bad fd: %s\n", err(mmap(NULL, page, PROT_READ, MAP_PRIVATE, 99, 0)));
  printf("mmap unaligned offset: %s\n", err(mmap(NULL, page, PROT_READ, MAP_PRIVATE, 0, 1)));
  printf("mmap zero length: %s\n", err(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
  size_t alen = 1 << 20;
  unsigned char *a = mmap(NULL, alen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a == MAP_FAILED) return printf("mmap anon: %s\n", strerrorname_np(errno)), 1;
  int zero = 1;
  for (size_t i = 0; i < alen; i += page) zero &= a[i] == 0 && a[i + page - 1] == 0;
  for (size_t i = 0; i < alen; i++) a[i] = (unsigned char)(i * 7);
  printf("anonymous memory zeroed: %s, checksum after writes %08x\n", yes(zero), fnv(a, alen));
  printf("munmap anon: %d\n", munmap(a, alen));
  return 0;
}
