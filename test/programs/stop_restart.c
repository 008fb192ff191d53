/* A stop signal with its default action (SIGSTOP, SIGTSTP) that catches a thread in a blocking
 * call, then SIGCONT: the call goes on as if never interrupted (a pipe read returns the bytes
 * written later, not EINTR), a nanosleep keeps its first deadline (it returns at once when the
 * stop outlasted it), and epoll_wait, which Linux lists as an exception (signal(7)), ends with
 * EINTR. Each child is in a process group of its own, so SIGTSTP is not discarded (orphaned
 * groups ignore it). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* Stops the child with sig once it is blocked, reports the stop, continues it. */
static void stop_and_continue(pid_t pid, int sig) {
  usleep(200000);
  kill(pid, sig);
  int st;
  waitpid(pid, &st, WUNTRACED);
  printf("  stopped by %s: %s\n", strsignal(sig), WIFSTOPPED(st) && WSTOPSIG(st) == sig ? "yes" : "no");
}

static void finish(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  printf("  child exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void blocked_read(int sig) {
  int p[2];
  pipe(p);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    close(p[1]);
    char buf[8];
    ssize_t r = read(p[0], buf, sizeof buf);
    printf("  read returned %zd%s%s\n", r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
    _exit(r == 2 ? 0 : 1);
  }
  close(p[0]);
  printf("pipe read, %s:\n", strsignal(sig));
  stop_and_continue(pid, sig);
  kill(pid, SIGCONT);
  usleep(100000);
  write(p[1], "hi", 2);
  finish(pid);
  close(p[1]);
}

static void blocked_epoll(void) {
  int p[2];
  pipe(p);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    int n = epoll_wait(ep, &ev, 1, 5000);
    printf("  epoll_wait returned %d%s%s\n", n, n < 0 ? " " : "", n < 0 ? strerror(errno) : "");
    _exit(0);
  }
  printf("epoll_wait, SIGSTOP:\n");
  stop_and_continue(pid, SIGSTOP);
  kill(pid, SIGCONT);
  finish(pid);
  close(p[0]);
  close(p[1]);
}

static void blocked_sleep(void) {
  int p[2];
  pipe(p);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    struct timespec req = {1, 0}, rem = {0, 0};
    int r = nanosleep(&req, &rem);
    double done = now();
    printf("  nanosleep returned %d\n", r);
    write(p[1], &done, sizeof done);
    _exit(0);
  }
  printf("nanosleep(1 s), stopped for 2 s:\n");
  stop_and_continue(pid, SIGSTOP);
  sleep(2);
  double resumed = now();
  kill(pid, SIGCONT);
  double done;
  read(p[0], &done, sizeof done);
  /* Its deadline passed while it was stopped: it returns at once, not a second later. */
  printf("  returned within half a second of SIGCONT: %s\n", done - resumed < 0.5 ? "yes" : "no");
  finish(pid);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  blocked_read(SIGSTOP);
  blocked_read(SIGTSTP);
  blocked_epoll();
  blocked_sleep();
  return 0;
}
