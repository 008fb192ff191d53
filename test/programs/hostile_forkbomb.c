/* A fork bomb, bounded only so that it ends: every process forks BREADTH children, each of
 * which does the same down to DEPTH levels (4 + 16 + ... + 4^6 = 5460 processes natively, all
 * alive at once for a moment). Every process sleeps a little once its forks are done, waits for
 * its children and exits with bit 0 set when a fork in its subtree failed with EAGAIN and bit 1
 * when one failed otherwise. The first process prints what the tree saw.
 *
 * NEVER run this natively: it is only meant for `tsvisor run --pids-limit N`. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BREADTH 4
#define DEPTH 6

static int bomb(int depth) {
  int seen = 0;
  pid_t kids[BREADTH];
  int n = 0;
  if (depth > 0) {
    for (int i = 0; i < BREADTH; i++) {
      pid_t pid = fork();
      if (pid == 0) _exit(bomb(depth - 1));
      if (pid > 0) kids[n++] = pid;
      else seen |= errno == EAGAIN ? 1 : 2;
    }
  }
  struct timespec nap = {0, 300 * 1000 * 1000};
  nanosleep(&nap, NULL);
  for (int i = 0; i < n; i++) {
    int status;
    if (waitpid(kids[i], &status, 0) == kids[i] && WIFEXITED(status)) seen |= WEXITSTATUS(status) & 3;
    else seen |= 2;
  }
  return seen;
}

int main(void) {
  int seen = bomb(DEPTH);
  printf("saw EAGAIN: %s\n", seen & 1 ? "yes" : "no");
  printf("saw other failures: %s\n", seen & 2 ? "yes" : "no");
  return 0;
}
