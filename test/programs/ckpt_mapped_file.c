// Checkpoint/restore of a file mapped MAP_SHARED (in the test, a file of a --mount ...:rw
// directory, argv[1]): a parent and its child add to one counter in the file, each through a
// mapping of its own; the file holds the right total only if, after a restore, both mappings
// are the file again (not copies). A read-only open's shared mapping must still refuse to be
// made writable. Each adds for ~2 s: the test's checkpoint lands while they do.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void add(long *counter) {
  for (int i = 0; i < 200; i++) {
    __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, 0);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/counter.bin", argv[1]);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || ftruncate(fd, 8192) != 0) return perror(path), 1;
  long *counter = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int ro = open(path, O_RDONLY);
  long *seen = mmap(0, 4096, PROT_READ, MAP_SHARED, ro, 0);
  if (counter == MAP_FAILED || seen == MAP_FAILED) return perror("mmap"), 1;
  printf("ready\n");
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    int cfd = open(path, O_RDWR);
    long *own = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
    if (own == MAP_FAILED) _exit(1);
    add(own);
    _exit(0);
  }
  add(counter);
  int status;
  waitpid(child, &status, 0);
  long stored = 0;
  pread(fd, &stored, sizeof stored, 0);
  int refused = mprotect(seen, 4096, PROT_READ | PROT_WRITE) != 0 ? errno : 0;
  printf("counter=%ld read=%ld seen=%ld child=%d mprotect=%s\n", *counter, stored, *seen, WEXITSTATUS(status), refused ? strerrorname_np(refused) : "ok");
  return 0;
}
