/* pidfd_send_signal takes an fd of a /proc/PID directory as well as a pidfd: a signal to the
 * program itself and to a child; an fd of another directory is EBADF. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }

static long send_signal(int fd, int sig) { return syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0); }

int main(void) {
  signal(SIGUSR1, on_usr1);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d", getpid());
  int self = open(path, O_DIRECTORY | O_RDONLY);
  long r = send_signal(self, SIGUSR1);
  printf("to itself through /proc/PID: %ld, handler ran %s\n", r, got == SIGUSR1 ? "yes" : "no");
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  snprintf(path, sizeof path, "/proc/%d", child);
  int fd = open(path, O_DIRECTORY | O_RDONLY);
  printf("to a child: %ld\n", send_signal(fd, SIGTERM));
  int status;
  waitpid(child, &status, 0);
  printf("child killed by %s\n", WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : "nothing");
  int tmp = open("/tmp", O_DIRECTORY | O_RDONLY);
  printf("another directory: %s\n", send_signal(tmp, SIGUSR1) == 0 ? "0" : strerrorname_np(errno));
  return 0;
}
