// build: -pthread
/* pselect6, ppoll, epoll_pwait and epoll_pwait2 with a signal mask: the mask holds only while
 * the call waits. A signal it unblocks ends the wait with EINTR and its handler runs under the
 * call's mask (plus sa_mask and the signal), while the frame's uc_sigmask is the mask from
 * before the call, which sigreturn puts back: after the handler the caller's mask is whole
 * again (sigprocmask and /proc/thread-self/status's SigBlk say the same). Cases: a signal sent
 * by another process during the wait; the same on an alternate signal stack (SA_ONSTACK); two
 * signals pending before the call (both handlers run, nested, the second inside the first);
 * a signal the process ignores, sent during the wait before its fd becomes ready (the fd ends
 * the wait, nothing stays pending; an order that holds on a loaded machine); a ready fd with a
 * signal pending (the call returns the fd, the handler waits for the unblock); a signal from
 * another thread of the process, kill(getpid()), as gpg-agent's npth threads wake its main
 * thread, several rounds. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

enum call { PSELECT, PPOLL, EPOLL_PWAIT, EPOLL_PWAIT2 };
static const char *const call_names[] = {"pselect6", "ppoll", "epoll_pwait", "epoll_pwait2"};

static char altstack[1 << 16];
static char trail[256];
static volatile sig_atomic_t trail_len;
/* What each handler saw (the last of its runs): its mask, its frame's uc_sigmask, its stack. */
static sigset_t in_handler[65], in_frame[65];
static volatile sig_atomic_t on_alt[65];

static void note(const char *s) {
  while (*s && trail_len < (int)sizeof trail - 1) trail[trail_len++] = *s++;
}

static void on_signal(int sig, siginfo_t *info, void *ucv) {
  (void)info;
  ucontext_t *uc = ucv;
  char local;
  pthread_sigmask(SIG_SETMASK, NULL, &in_handler[sig]);
  in_frame[sig] = uc->uc_sigmask;
  on_alt[sig] = &local >= altstack && &local < altstack + sizeof altstack;
  note(sig == SIGUSR1 ? "USR1 " : sig == SIGUSR2 ? "USR2 " : "other ");
}

/* The members of a set among the signals this program uses. */
static const char *members(const sigset_t *set) {
  /* Several may be printed by one printf: each call gets a buffer of its own. */
  static char outs[4][64];
  static int next;
  char *out = outs[next++ % 4];
  static const struct { int sig; const char *name; } named[] = {
      {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"}, {SIGHUP, "HUP"}, {SIGTERM, "TERM"}, {SIGWINCH, "WINCH"}};
  out[0] = 0;
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
    if (!sigismember(set, named[i].sig)) continue;
    if (out[0]) strcat(out, "+");
    strcat(out, named[i].name);
  }
  return out[0] ? out : "none";
}

/* The thread's blocked set as /proc says it (the SigBlk line's hex). */
static const char *proc_sigblk(void) {
  static char out[32];
  char line[256];
  FILE *f = fopen("/proc/thread-self/status", "r");
  snprintf(out, sizeof out, "?");
  if (!f) return out;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "SigBlk:", 7) != 0) continue;
    char *v = line + 7;
    while (*v == ' ' || *v == '\t') v++;
    v[strcspn(v, "\n")] = 0;
    snprintf(out, sizeof out, "%.20s", v);
  }
  fclose(f);
  return out;
}

static void install(int sig, int flags, int extra_masked) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  if (extra_masked) sigaddset(&sa.sa_mask, extra_masked);
  sigaction(sig, &sa, NULL);
}

/*
 * Waits with the call's mask on a pipe that never becomes readable; ready: one that is;
 * signal_then_ready: a child sends this signal during the wait, then makes the pipe readable.
 */
static int wait_masked(enum call c, const sigset_t *mask, int timeout_ms, int ready, int signal_then_ready) {
  int p[2];
  if (pipe(p) != 0) return -2;
  if (ready) (void)!write(p[1], "x", 1);
  pid_t child = -1;
  if (signal_then_ready) {
    pid_t parent = getpid();
    child = fork();
    if (child == 0) {
      usleep(100000);
      kill(parent, signal_then_ready);
      (void)!write(p[1], "x", 1);
      _exit(0);
    }
  }
  int n = -2, e = 0;
  struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
  if (c == PSELECT) {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    n = pselect(p[0] + 1, &r, NULL, NULL, &ts, mask);
  } else if (c == PPOLL) {
    struct pollfd pfd = {p[0], POLLIN, 0};
    n = ppoll(&pfd, 1, &ts, mask);
  } else {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    if (c == EPOLL_PWAIT) n = epoll_pwait(ep, &out, 1, timeout_ms, mask);
    else n = (int)syscall(SYS_epoll_pwait2, ep, &out, 1, &ts, mask, (size_t)8);
    e = errno;
    close(ep);
    errno = e;
  }
  e = errno;
  if (child > 0) waitpid(child, NULL, 0);
  close(p[0]);
  close(p[1]);
  errno = e;
  return n;
}

/* The line after a call: its result, the handlers that ran, and the mask now. */
static void report(const char *what, enum call c, int n, int err) {
  sigset_t now, pending;
  pthread_sigmask(SIG_SETMASK, NULL, &now);
  sigpending(&pending);
  trail[trail_len] = 0;
  printf("%s %s: result %d%s%s, handlers [%s], mask after %s, SigBlk %s, pending %s\n", call_names[c], what, n,
         n < 0 ? " " : "", n < 0 ? strerrorname_np(err) : "", trail, members(&now), proc_sigblk(), members(&pending));
  trail_len = 0;
}

static void report_handler(int sig) {
  printf("  in the %s handler: mask %s", sig == SIGUSR1 ? "USR1" : "USR2", members(&in_handler[sig]));
  printf(", frame's uc_sigmask %s, on the alternate stack %s\n", members(&in_frame[sig]), on_alt[sig] ? "yes" : "no");
}

/* A child that sends sig to this process once the call waits. */
static pid_t send_later(int sig) {
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    usleep(100000);
    kill(parent, sig);
    _exit(0);
  }
  return child;
}

static void *thread_sender(void *arg) {
  (void)arg;
  usleep(50000);
  kill(getpid(), SIGUSR1);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  /* Outside the waits USR1, USR2 and WINCH are blocked; the calls' mask blocks TERM instead. */
  sigset_t outside, during;
  sigemptyset(&outside);
  sigaddset(&outside, SIGUSR1);
  sigaddset(&outside, SIGUSR2);
  sigaddset(&outside, SIGWINCH);
  sigprocmask(SIG_SETMASK, &outside, NULL);
  sigemptyset(&during);
  sigaddset(&during, SIGTERM);
  printf("before: mask %s, SigBlk %s\n", members(&outside), proc_sigblk());

  for (enum call c = PSELECT; c <= EPOLL_PWAIT2; c++) {
    /* A handler (sa_mask HUP), the signal sent during the wait. */
    install(SIGUSR1, 0, SIGHUP);
    pid_t child = send_later(SIGUSR1);
    int n = wait_masked(c, &during, 5000, 0, 0);
    int e = errno;
    waitpid(child, NULL, 0);
    report("signal during the wait", c, n, e);
    report_handler(SIGUSR1);

    /* The same on the alternate stack. */
    install(SIGUSR1, SA_ONSTACK, 0);
    child = send_later(SIGUSR1);
    n = wait_masked(c, &during, 5000, 0, 0);
    e = errno;
    waitpid(child, NULL, 0);
    report("SA_ONSTACK", c, n, e);
    report_handler(SIGUSR1);

    /* Two signals pending before the call: USR2's handler runs inside USR1's. */
    install(SIGUSR1, 0, 0);
    install(SIGUSR2, SA_ONSTACK, 0);
    raise(SIGUSR1);
    raise(SIGUSR2);
    n = wait_masked(c, &during, 5000, 0, 0);
    e = errno;
    report("two signals pending before the call", c, n, e);
    report_handler(SIGUSR1);
    report_handler(SIGUSR2);

    /* An ignored signal: the fd ends the wait, nothing is left pending. */
    signal(SIGUSR1, SIG_IGN);
    n = wait_masked(c, &during, 5000, 0, SIGUSR1);
    e = errno;
    report("ignored signal", c, n, e);

    /* One whose default action is to do nothing (WINCH): the same. */
    n = wait_masked(c, &during, 5000, 0, SIGWINCH);
    e = errno;
    report("default-ignored signal", c, n, e);

    /* A ready fd with a signal pending: the fd wins, the signal stays pending (blocked again). */
    install(SIGUSR1, 0, 0);
    raise(SIGUSR1);
    n = wait_masked(c, &during, 5000, 1, 0);
    e = errno;
    report("ready fd, signal pending", c, n, e);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    report("  then unblocked", c, 0, 0);
  }

  /* gpg-agent's pattern: another thread's kill(getpid()), round after round. */
  install(SIGUSR1, 0, 0);
  for (int round = 0; round < 5; round++) {
    pthread_t t;
    pthread_create(&t, NULL, thread_sender, NULL);
    int n = wait_masked(PSELECT, &during, 5000, 0, 0);
    int e = errno;
    pthread_join(t, NULL);
    char what[32];
    snprintf(what, sizeof what, "thread's kill, round %d", round);
    report(what, PSELECT, n, e);
  }
  return 0;
}
