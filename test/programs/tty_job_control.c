/* Job control at a terminal: in a session whose controlling terminal is a pty, a process of a
 * background group that reads the terminal is stopped by SIGTTIN (and reads once continued in
 * the foreground), or gets EIO with SIGTTIN ignored, or EINTR after a handler without
 * SA_RESTART; it writes freely unless TOSTOP is set, when SIGTTOU stops it unless ignored;
 * tcsetattr from the background is stopped by SIGTTOU unless blocked; tcsetpgrp with SIGTTOU
 * blocked (the shell's way of taking the terminal back) goes ahead; an orphaned background
 * group gets EIO rather than a stop nobody could undo. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int master, slave;

static void result(const char *what, ssize_t r) {
  printf("  %s: %zd%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void on_signal(int sig) { (void)sig; }

static void set_tostop(int on) {
  struct termios t;
  tcgetattr(slave, &t);
  if (on) t.c_lflag |= TOSTOP; else t.c_lflag &= ~TOSTOP;
  tcsetattr(slave, TCSANOW, &t);
}

/* Drains what the slave wrote (and echoed) so far, so later cases start empty. */
static void drain(void) {
  char buf[256];
  int flags = fcntl(master, F_GETFL);
  fcntl(master, F_SETFL, flags | O_NONBLOCK);
  while (read(master, buf, sizeof buf) > 0) {}
  fcntl(master, F_SETFL, flags);
}

enum { BG_READ, BG_READ_IGNORED, BG_READ_HANDLED, BG_WRITE, BG_WRITE_TOSTOP, BG_WRITE_TOSTOP_IGNORED, BG_TCSETATTR,
       BG_TCSETATTR_BLOCKED, BG_TCSETPGRP_BLOCKED };
static const char *names[] = {"read", "read, SIGTTIN ignored", "read, SIGTTIN handled without SA_RESTART", "write",
                              "write with TOSTOP", "write with TOSTOP, SIGTTOU ignored", "tcsetattr",
                              "tcsetattr, SIGTTOU blocked", "tcsetpgrp, SIGTTOU blocked"};

static void background_case(int which) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  char buf[64];
  switch (which) {
    case BG_READ:
      result("read", read(slave, buf, sizeof buf));
      break;
    case BG_READ_IGNORED:
      signal(SIGTTIN, SIG_IGN);
      result("read", read(slave, buf, sizeof buf));
      break;
    case BG_READ_HANDLED: {
      struct sigaction sa = {.sa_handler = on_signal};
      sigaction(SIGTTIN, &sa, NULL);
      result("read", read(slave, buf, sizeof buf));
      break;
    }
    case BG_WRITE:
    case BG_WRITE_TOSTOP:
      result("write", write(slave, "out\n", 4));
      break;
    case BG_WRITE_TOSTOP_IGNORED:
      signal(SIGTTOU, SIG_IGN);
      result("write", write(slave, "out\n", 4));
      break;
    case BG_TCSETATTR:
    case BG_TCSETATTR_BLOCKED: {
      if (which == BG_TCSETATTR_BLOCKED) {
        sigset_t ttou;
        sigemptyset(&ttou);
        sigaddset(&ttou, SIGTTOU);
        sigprocmask(SIG_BLOCK, &ttou, NULL);
      }
      struct termios t;
      tcgetattr(slave, &t);
      result("tcsetattr", tcsetattr(slave, TCSANOW, &t));
      break;
    }
    case BG_TCSETPGRP_BLOCKED: {
      sigset_t ttou;
      sigemptyset(&ttou);
      sigaddset(&ttou, SIGTTOU);
      sigprocmask(SIG_BLOCK, &ttou, NULL);
      result("tcsetpgrp", tcsetpgrp(slave, getpgrp()));
      printf("  foreground is now its group: %s\n", tcgetpgrp(slave) == getpgrp() ? "yes" : "no");
      break;
    }
  }
  fflush(stdout);
  _exit(0);
}

/* The session leader runs each case in a background group of its own, and brings a stopped one to the foreground. */
static void run_case(int which) {
  printf("%s:\n", names[which]);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    background_case(which);
  }
  setpgid(pid, pid);
  int st;
  waitpid(pid, &st, WUNTRACED);
  if (WIFSTOPPED(st)) {
    printf("  stopped by %s\n", sigabbrev_np(WSTOPSIG(st)));
    fflush(stdout);
    tcsetpgrp(slave, pid);
    if (which == BG_READ) write(master, "line\n", 5);
    kill(-pid, SIGCONT);
    waitpid(pid, &st, 0);
    tcsetpgrp(slave, getpgrp()); /* SIGTTOU is blocked in the leader, as in a shell */
  }
  printf("  exit status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  fflush(stdout);
  drain();
}

/* A background group whose parent left: orphaned, so no stop, EIO. */
static void orphaned_case(void) {
  printf("orphaned background group:\n");
  fflush(stdout);
  int done[2];
  pipe(done);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    if (fork() == 0) {
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, NULL);
      usleep(200000); /* its parent has exited by now */
      char buf[8];
      result("read", read(slave, buf, sizeof buf));
      struct termios t;
      tcgetattr(slave, &t);
      result("tcsetattr", tcsetattr(slave, TCSANOW, &t));
      fflush(stdout);
      write(done[1], "x", 1);
      _exit(0);
    }
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  close(done[1]);
  char c;
  read(done[0], &c, 1);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) || unlockpt(master)) return perror("ptmx"), 1;
  char *name = ptsname(master);
  pid_t leader = fork();
  if (leader == 0) {
    setsid();
    slave = open(name, O_RDWR); /* the session's controlling terminal; its group the foreground */
    if (slave < 0) return perror("slave"), 1;
    sigset_t ttou;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, NULL);
    for (int which = BG_READ; which <= BG_TCSETPGRP_BLOCKED; which++) {
      set_tostop(which == BG_WRITE_TOSTOP || which == BG_WRITE_TOSTOP_IGNORED);
      run_case(which);
      if (tcgetpgrp(slave) != getpgrp()) tcsetpgrp(slave, getpgrp());
    }
    orphaned_case();
    _exit(0);
  }
  int st;
  waitpid(leader, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
