/* mmap of a file: Linux checks the offset, then the fd (EBADF), then the length, then the
 * mapping type; MAP_SHARED_VALIDATE refuses flags mmap does not know (EOPNOTSUPP, and MAP_SYNC
 * for a file that is not DAX), where MAP_SHARED ignores them. An O_PATH fd is EBADF. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
static void r(const char *w, void *p) { printf("%s: %s\n", w, p == MAP_FAILED ? strerrorname_np(errno) : "ok"); }
int main(void) {
  int fd = open("/proc/self/exe", O_RDONLY);
  r("closed fd", mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, 77, 0));
  r("closed fd, length 0", mmap(NULL, 0, PROT_READ, MAP_SHARED, 77, 0));
  r("closed fd, bad offset", mmap(NULL, 4096, PROT_READ, MAP_SHARED, 77, 5));
  r("SHARED_VALIDATE, unknown flag", mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE | 0x400, fd, 0));
  r("SHARED_VALIDATE, MAP_SYNC", mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0));
  r("SHARED_VALIDATE, known flags", mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE | MAP_POPULATE, fd, 0));
  r("SHARED, unknown flag", mmap(NULL, 4096, PROT_READ, MAP_SHARED | 0x400, fd, 0));
  r("bad type", mmap(NULL, 4096, PROT_READ, 0, fd, 0));
  r("an O_PATH fd", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, open("/proc/self/exe", O_PATH), 0));
  return 0;
}
