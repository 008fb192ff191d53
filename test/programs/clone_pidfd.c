/* CLONE_PIDFD with clone(2) and clone3(2): the parent gets a pidfd of the child
 * (close-on-exec), which polls readable once the child has exited, waitid(P_PIDFD) reaps
 * and pidfd_send_signal signals; the flag's errors: with CLONE_PARENT_SETTID in clone(2),
 * with CLONE_DETACHED, and a bad pidfd address in clone3. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[65536];

static int child_fn(void *arg) {
  _exit((int)(long)arg);
}

static void show_wait(const char *what, int pidfd) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  int r = waitid(P_PIDFD, pidfd, &info, WEXITED);
  if (r < 0) printf("%s: waitid -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: waitid code %d status %d\n", what, info.si_code, info.si_status);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int pidfd = -1;
  pid_t pid = clone(child_fn, stack + sizeof stack, CLONE_PIDFD | SIGCHLD, (void *)7, &pidfd);
  printf("clone: child %s, pidfd %s, cloexec %d\n", pid > 0 ? "made" : strerrorname_np(errno), pidfd >= 0 ? "set" : "unset",
         (fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0);
  struct pollfd p = {pidfd, POLLIN, 0};
  int n = poll(&p, 1, -1);
  printf("poll: %d revents %#x\n", n, p.revents);
  show_wait("clone", pidfd);
  close(pidfd);

  int fd2 = -1;
  struct clone_args args = {.flags = CLONE_PIDFD, .pidfd = (unsigned long)&fd2, .exit_signal = SIGCHLD};
  long r = syscall(SYS_clone3, &args, sizeof args);
  if (r == 0) {
    pause();
    _exit(0);
  }
  printf("clone3: child %s, pidfd %s\n", r > 0 ? "made" : strerrorname_np(errno), fd2 >= 0 ? "set" : "unset");
  printf("pidfd_send_signal: %ld\n", syscall(SYS_pidfd_send_signal, fd2, SIGTERM, NULL, 0));
  siginfo_t info;
  memset(&info, 0, sizeof info);
  waitid(P_PIDFD, fd2, &info, WEXITED);
  printf("clone3 child: code %d signal %d\n", info.si_code, info.si_status);

  int fd3 = -1;
  errno = 0;
  r = clone(child_fn, stack + sizeof stack, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, (void *)0, &fd3);
  printf("with CLONE_PARENT_SETTID: %ld %s\n", r, strerrorname_np(errno));
  r = clone(child_fn, stack + sizeof stack, CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, (void *)0, &fd3);
  printf("with CLONE_DETACHED: %ld %s\n", r, strerrorname_np(errno));
  struct clone_args bad = {.flags = CLONE_PIDFD, .pidfd = 8, .exit_signal = SIGCHLD};
  errno = 0;
  r = syscall(SYS_clone3, &bad, sizeof bad);
  if (r == 0) _exit(0);
  printf("clone3 with a bad pidfd address: %ld %s\n", r, strerrorname_np(errno));
  while (wait(NULL) > 0) {
  }
  return 0;
}
