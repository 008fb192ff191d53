// Checkpoint/restore of memory shared between processes: a parent and its child add to one
// counter in a MAP_SHARED anonymous mapping; the total is right only if, after a restore, the
// two still share the mapping. Each adds for ~2 s: the test's checkpoint lands while they do,
// even on a loaded machine.
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void add(long* counter) {
  for (int i = 0; i < 200; i++) {
    __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, 0);
  }
}

int main(void) {
  long* counter = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (counter == MAP_FAILED) return 1;
  printf("ready\n");
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    add(counter);
    _exit(0);
  }
  add(counter);
  int status;
  waitpid(child, &status, 0);
  printf("counter=%ld\n", *counter);
  return 0;
}
