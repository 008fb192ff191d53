/* A signal handler sets a flag; the program computes, checks the flag, then blocks in poll. A
 * signal that lands while it computes must not be lost: natively the handler runs there and the
 * check sees the flag. While recording, the kernel holds such a signal until the thread's next
 * syscall; it is then pending as poll begins (poll ends with EINTR and the loop sees the flag),
 * where delivering it before poll would set the flag just after the check and leave poll to time
 * out. The output is the same natively, recorded and replayed. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t flag;

static void on_usr1(int sig) {
  (void)sig;
  flag = 1;
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 2;
  int p[2];
  if (pipe(p) != 0) return 2;
  for (int round = 0; round < 5; round++) {
    flag = 0;
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
      kill(getppid(), SIGUSR1);
      _exit(0);
    }
    while (!flag) {
      for (volatile long i = 0; i < 5000000; i++) continue; /* the signal lands here */
      if (flag) break;
      struct pollfd pfd = {.fd = p[0], .events = POLLIN};
      int r = poll(&pfd, 1, 10000);
      if (r == 0) {
        printf("round %d: poll timed out: the wakeup was lost\n", round);
        return 1;
      }
      if (r < 0 && errno != EINTR) return 2;
    }
    if (waitpid(child, NULL, 0) != child) return 2;
    printf("round %d: woken\n", round);
  }
  return 0;
}
