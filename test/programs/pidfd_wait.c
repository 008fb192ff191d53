// pidfd_open, poll on a pidfd (readable once the process has ended), waitid(P_PIDFD),
// pidfd_send_signal (with and without a siginfo), pidfd_getfd, and their errors; a zombie
// can be named until it is reaped.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags) { return (int)syscall(SYS_pidfd_send_signal, fd, sig, info, flags); }
static int pidfd_getfd(int fd, int target, unsigned flags) { return (int)syscall(SYS_pidfd_getfd, fd, target, flags); }

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static int readable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  int n = poll(&p, 1, 0);
  return n > 0 && (p.revents & POLLIN);
}

static volatile pid_t thread_tid;
static int thread_go[2];

static void *thread_main(void *arg) {
  (void)arg;
  thread_tid = (pid_t)syscall(SYS_gettid);
  char c;
  read(thread_go[0], &c, 1);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int go[2], data[2];
  pipe(go);
  pipe(data);
  pid_t child = fork();
  if (child == 0) {
    char c;
    read(go[0], &c, 1);
    _exit(7);
  }
  int fd = pidfd_open(child, 0);
  printf("pidfd_open: %s, cloexec %d\n", fd >= 0 ? "fd" : strerror(errno), fcntl(fd, F_GETFD) & FD_CLOEXEC);
  char link[64], target[64] = {0};
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  readlink(link, target, sizeof target - 1);
  printf("link: %s\n", target);
  printf("readable while it runs: %d\n", readable(fd));
  char byte;
  result("read on a pidfd", read(fd, &byte, 1));
  write(go[1], "x", 1);
  struct pollfd p = {fd, POLLIN, 0};
  result("poll until it ends", poll(&p, 1, 5000));
  siginfo_t info;
  memset(&info, 0, sizeof info);
  result("waitid(P_PIDFD)", waitid(P_PIDFD, fd, &info, WEXITED));
  printf("si_pid is the child %d, code CLD_EXITED %d, status %d\n", info.si_pid == child, info.si_code == CLD_EXITED, info.si_status);
  result("waitid(P_PIDFD) again", waitid(P_PIDFD, fd, &info, WEXITED | WNOHANG));
  result("pidfd_send_signal to the reaped child", pidfd_send_signal(fd, SIGTERM, NULL, 0));
  close(fd);

  child = fork();
  if (child == 0) {
    close(data[0]);
    pause();
    _exit(0);
  }
  fd = pidfd_open(child, PIDFD_NONBLOCK);
  printf("PIDFD_NONBLOCK shows as O_NONBLOCK: %d\n", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  result("waitid(P_PIDFD, nonblocking, the child runs)", waitid(P_PIDFD, fd, &info, WEXITED));
  result("the same with WNOHANG", waitid(P_PIDFD, fd, &info, WEXITED | WNOHANG));
  int theirs = pidfd_getfd(fd, data[1], 0);
  printf("pidfd_getfd: %s, cloexec %d\n", theirs >= 0 ? "fd" : strerror(errno), fcntl(theirs, F_GETFD) & FD_CLOEXEC);
  write(theirs, "via the child's fd", 18);
  char got[32] = {0};
  read(data[0], got, sizeof got - 1);
  printf("read: %s\n", got);
  result("pidfd_getfd of an fd it does not have", pidfd_getfd(fd, 99, 0));
  result("pidfd_send_signal bad flags", pidfd_send_signal(fd, SIGTERM, NULL, 8));
  result("pidfd_send_signal two scopes", pidfd_send_signal(fd, 0, NULL, 3));
  result("pidfd_send_signal(PIDFD_SIGNAL_THREAD, 0)", pidfd_send_signal(fd, 0, NULL, 1));
  siginfo_t other;
  memset(&other, 0, sizeof other);
  other.si_signo = SIGUSR1;
  other.si_code = SI_QUEUE;
  result("pidfd_send_signal(SIGUSR2, a siginfo for SIGUSR1)", pidfd_send_signal(fd, SIGUSR2, &other, 0));
  result("pidfd_send_signal(SIGTERM)", pidfd_send_signal(fd, SIGTERM, NULL, 0));
  int status;
  waitpid(child, &status, 0);
  printf("child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
  close(fd);

  result("pidfd_open(no such pid)", pidfd_open(999999, 0));
  result("pidfd_open(bad flags)", pidfd_open(getpid(), 1));
  pipe(thread_go);
  pthread_t th;
  pthread_create(&th, NULL, thread_main, NULL);
  while (thread_tid == 0) usleep(1000);
  result("pidfd_open(a thread's id)", pidfd_open(thread_tid, 0));
  write(thread_go[1], "x", 1);
  pthread_join(th, NULL);
  result("pidfd_send_signal(not a pidfd)", pidfd_send_signal(go[0], 0, NULL, 0));
  result("waitid(P_PIDFD, not a pidfd)", waitid(P_PIDFD, go[0], &info, WEXITED));
  int self = pidfd_open(getpid(), 0);
  result("pidfd_send_signal(self, 0)", pidfd_send_signal(self, 0, NULL, 0));
  pid_t zombie = fork();
  if (zombie == 0) _exit(5);
  waitid(P_PID, zombie, &info, WEXITED | WNOWAIT);
  int zfd = pidfd_open(zombie, 0);
  printf("pidfd_open(a zombie): %s\n", zfd >= 0 ? "fd" : strerror(errno));
  struct pollfd zp = {zfd, POLLIN, 0};
  int ready = poll(&zp, 1, 0);
  printf("poll on it: %d, POLLIN %d\n", ready, (zp.revents & POLLIN) != 0);
  memset(&info, 0, sizeof info);
  int w = waitid(P_PIDFD, zfd, &info, WEXITED);
  printf("waitid(P_PIDFD) on it: %d, status %d\n", w, info.si_status);
  result("pidfd_open(reaped)", pidfd_open(zombie, 0));
  return 0;
}
