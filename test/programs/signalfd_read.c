/* signalfd: argument checks, non-blocking and blocking reads of blocked signals (their
 * sender's pid and uid, SIGCHLD's status), several records per read, changing the mask,
 * poll and epoll readiness, and a blocked read interrupted by a caught signal. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

/* Reads once and prints each record's signal, code and whether the sender is who we expect. */
static void read_records(const char *what, int fd, size_t size, pid_t sender) {
  struct signalfd_siginfo info[4];
  ssize_t n = read(fd, info, size);
  if (n < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  printf("%s: %zd bytes\n", what, n);
  for (int i = 0; i < n / (ssize_t)sizeof info[0]; i++) {
    printf("  signo %u code %d pid-ok %d uid %u", info[i].ssi_signo, info[i].ssi_code, (pid_t)info[i].ssi_pid == sender,
           info[i].ssi_uid);
    if (info[i].ssi_signo == SIGCHLD) printf(" status %d", info[i].ssi_status);
    printf("\n");
  }
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  sigset_t mask, empty;
  sigemptyset(&empty);
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGUSR2);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  pid_t me = getpid();

  report("sizemask 4", syscall(SYS_signalfd4, -1, &mask, 4, 0));
  report("mask at a bad address", syscall(SYS_signalfd4, -1, (void *)16, 8, 0));
  report("unknown flags", syscall(SYS_signalfd4, -1, &mask, 8, 0x1));
  report("fd 999", syscall(SYS_signalfd4, 999, &mask, 8, 0));
  report("fd of /dev/null", syscall(SYS_signalfd4, open("/dev/null", O_RDONLY), &mask, 8, 0));

  int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  char link[64] = {0}, path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  report("readlink length", readlink(path, link, sizeof link - 1));
  printf("link: %s, cloexec %d\n", link, (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  read_records("nothing pending", fd, sizeof(struct signalfd_siginfo), me);
  char buf[128] = {0};
  report("read of 100 bytes", read(fd, buf, 100));
  report("write", write(fd, buf, 8));

  kill(me, SIGUSR1);
  struct pollfd p = {.fd = fd, .events = POLLIN};
  report("poll with SIGUSR1 pending", poll(&p, 1, 0));
  printf("revents %d\n", p.revents);
  read_records("one pending", fd, sizeof(struct signalfd_siginfo), me);
  sigset_t pending;
  sigpending(&pending);
  printf("still pending: %d\n", sigismember(&pending, SIGUSR1));
  report("poll with nothing pending", poll(&p, 1, 0));

  kill(me, SIGUSR2);
  kill(me, SIGUSR1);
  read_records("two pending, room for four", fd, 4 * sizeof(struct signalfd_siginfo), me);

  kill(me, SIGUSR2);
  report("new mask: only SIGUSR1", signalfd(fd, &(sigset_t){{1UL << (SIGUSR1 - 1)}}, 0) == fd);
  read_records("SIGUSR2 pending, not in the mask", fd, sizeof(struct signalfd_siginfo), me);
  signalfd(fd, &mask, 0);

  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, out;
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  report("epoll_wait with SIGUSR2 pending", epoll_wait(ep, &out, 1, 0));
  read_records("taken", fd, sizeof(struct signalfd_siginfo), me);
  report("epoll_wait with nothing", epoll_wait(ep, &out, 1, 0));

  /* A blocking signalfd: a child signals the parent while it waits in read. */
  int bfd = signalfd(-1, &mask, 0);
  pid_t child = fork();
  if (child == 0) {
    usleep(100000);
    kill(getppid(), SIGUSR1);
    _exit(7);
  }
  read_records("blocking read, a child's SIGUSR1", bfd, sizeof(struct signalfd_siginfo), child);
  read_records("blocking read, its SIGCHLD", bfd, sizeof(struct signalfd_siginfo), child);
  waitpid(child, NULL, 0);

  /* A blocking read waits in epoll too. */
  child = fork();
  if (child == 0) {
    usleep(100000);
    kill(getppid(), SIGUSR2);
    _exit(0);
  }
  report("epoll_wait until a signal", epoll_wait(ep, &out, 1, 5000));
  read_records("then read", fd, sizeof(struct signalfd_siginfo), child);
  waitpid(child, NULL, 0);
  read_records("SIGCHLD", fd, sizeof(struct signalfd_siginfo), child);

  /* A caught signal that is not blocked interrupts a blocked read (no SA_RESTART). */
  struct sigaction sa = {.sa_handler = on_alarm};
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {.it_value = {.tv_usec = 100000}};
  setitimer(ITIMER_REAL, &it, NULL);
  read_records("blocking read, SIGALRM caught", bfd, sizeof(struct signalfd_siginfo), me);
  return 0;
}
