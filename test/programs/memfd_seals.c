// memfd_create: an anonymous file (its /proc/self/fd link, mode, size, reads and writes, a
// child reading it through the inherited fd, a private mapping), flags and name errors, and
// seals: F_SEAL_SEAL by default, then F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE refusing the
// changes they forbid with EPERM (and F_SEAL_WRITE itself refused with EBUSY while a shared
// writable mapping exists).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = memfd_create("scratch", MFD_CLOEXEC);
  printf("memfd_create: %s\n", fd >= 0 ? "fd" : strerror(errno));
  char link[64], target[256] = {0};
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  readlink(link, target, sizeof target - 1);
  printf("link: %s\n", target);
  struct stat st;
  fstat(fd, &st);
  printf("mode %o size %lld nlink %lu\n", st.st_mode, (long long)st.st_size, (unsigned long)st.st_nlink);
  printf("FD_CLOEXEC %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
  result("write", write(fd, "memory file", 11));
  fstat(fd, &st);
  printf("size %lld\n", (long long)st.st_size);
  char buf[32] = {0};
  result("pread", pread(fd, buf, sizeof buf - 1, 0));
  printf("read back \"%s\"\n", buf);
  char *map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  printf("mapped: \"%.11s\"\n", map == MAP_FAILED ? "failed" : map);
  munmap(map, 4096);
  pid_t child = fork();
  if (child == 0) {
    char mine[32] = {0};
    pread(fd, mine, sizeof mine - 1, 7);
    printf("child reads \"%s\"\n", mine);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  result("F_GET_SEALS without MFD_ALLOW_SEALING", fcntl(fd, F_GET_SEALS));
  result("F_ADD_SEALS on it", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
  close(fd);

  int s = memfd_create("sealed", MFD_ALLOW_SEALING);
  write(s, "0123456789", 10);
  result("F_GET_SEALS", fcntl(s, F_GET_SEALS));
  result("F_ADD_SEALS shrink|grow", fcntl(s, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
  result("F_GET_SEALS now", fcntl(s, F_GET_SEALS));
  result("pwrite inside", pwrite(s, "ab", 2, 0));
  result("pwrite past the end", pwrite(s, "ab", 2, 9));
  result("ftruncate smaller", ftruncate(s, 5));
  result("ftruncate bigger", ftruncate(s, 20));
  result("ftruncate same", ftruncate(s, 10));
  char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
  result("F_ADD_SEALS write beside a shared writable mapping", fcntl(s, F_ADD_SEALS, F_SEAL_WRITE));
  munmap(shared, 4096);
  result("F_ADD_SEALS write", fcntl(s, F_ADD_SEALS, F_SEAL_WRITE));
  result("write after F_SEAL_WRITE", pwrite(s, "x", 1, 0));
  result("F_ADD_SEALS seal", fcntl(s, F_ADD_SEALS, F_SEAL_SEAL));
  result("F_ADD_SEALS after F_SEAL_SEAL", fcntl(s, F_ADD_SEALS, F_SEAL_SHRINK));
  result("F_GET_SEALS finally", fcntl(s, F_GET_SEALS));
  close(s);

  char path[] = "/tmp/tsvisor-memfd-probe-XXXXXX";
  int regular = mkstemp(path);
  unlink(path);
  result("F_GET_SEALS on a regular file", fcntl(regular, F_GET_SEALS));
  close(regular);
  char longname[300];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  result("memfd_create(a 299-byte name)", memfd_create(longname, 0));
  result("memfd_create(bad flags)", memfd_create("x", 0x100));
  result("memfd_create(bad name pointer)", memfd_create((const char *)8, 0));
  return 0;
}
