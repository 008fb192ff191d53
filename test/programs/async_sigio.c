/* O_ASYNC and file owners: F_SETOWN/F_GETOWN, F_SETOWN_EX/F_GETOWN_EX (defaults, ESRCH for a
 * pid that does not exist, a process group), F_SETSIG/F_GETSIG; SIGIO to the owner when a
 * pipe, a unix or TCP socket becomes readable or writable, with si_code, si_band and si_fd
 * when F_SETSIG names a signal; nothing from an eventfd (it has no fasync: F_SETFL drops O_ASYNC). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t sigio_count;
static volatile sig_atomic_t rt_count;
static volatile int rt_code[16], rt_fd[16];
static volatile long rt_band[16];

static void on_sigio(int sig) { (void)sig; sigio_count++; }

static void on_rt(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  int i = rt_count;
  if (i < 16) {
    rt_code[i] = si->si_code;
    rt_band[i] = si->si_band;
    rt_fd[i] = si->si_fd;
  }
  rt_count++;
}

/* Whether a signal with this si_code and si_band arrived (with an fd). */
static int saw(int code, long band) {
  for (int i = 0; i < rt_count && i < 16; i++)
    if (rt_code[i] == code && rt_band[i] == band && rt_fd[i] >= 0) return 1;
  return 0;
}

static void make_async(int fd, int sig) {
  fcntl(fd, F_SETOWN, getpid());
  if (sig) fcntl(fd, F_SETSIG, sig);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC);
}

static void report_rt(const char *what) {
  printf("%s: %d signal(s)", what, (int)rt_count);
  for (int i = 0; i < rt_count && i < 16; i++) printf(" [code %d band %#lx fd-ok %d]", rt_code[i], rt_band[i], rt_fd[i] >= 0);
  printf("\n");
  rt_count = 0;
}

int main(void) {
  signal(SIGIO, on_sigio);
  struct sigaction sa = {.sa_sigaction = on_rt, .sa_flags = SA_SIGINFO};
  sigaction(SIGRTMIN + 1, &sa, NULL);
  int rt = SIGRTMIN + 1;

  int p[2];
  pipe(p);
  struct f_owner_ex ex = {.type = 7, .pid = 7};
  int r = fcntl(p[0], F_GETOWN_EX, &ex);
  printf("defaults: F_GETOWN %d, F_GETOWN_EX %d type %d pid %d, F_GETSIG %d\n", fcntl(p[0], F_GETOWN), r, ex.type, ex.pid, fcntl(p[0], F_GETSIG));
  errno = 0;
  r = fcntl(p[0], F_SETOWN, 999999);
  printf("F_SETOWN of no such pid: %d %s\n", r, strerrorname_np(errno));
  errno = 0;
  r = fcntl(p[0], F_SETSIG, 65);
  printf("F_SETSIG 65: %d %s\n", r, strerrorname_np(errno));
  errno = 0;
  ex.type = 3;
  ex.pid = getpid();
  r = fcntl(p[0], F_SETOWN_EX, &ex);
  printf("F_SETOWN_EX type 3: %d %s\n", r, strerrorname_np(errno));
  fcntl(p[0], F_SETOWN, -getpgrp());
  printf("F_SETOWN -pgrp: F_GETOWN is -pgrp %d\n", fcntl(p[0], F_GETOWN) == -getpgrp());
  fcntl(p[0], F_GETOWN_EX, &ex);
  printf("  F_GETOWN_EX type %d is pgrp %d\n", ex.type, ex.pid == getpgrp());
  ex.type = F_OWNER_TID;
  ex.pid = gettid();
  fcntl(p[0], F_SETOWN_EX, &ex);
  printf("F_SETOWN_EX tid: F_GETOWN is tid %d\n", fcntl(p[0], F_GETOWN) == gettid());
  fcntl(p[0], F_SETOWN, 0);

  /* A pipe's read end: plain SIGIO on each write. */
  make_async(p[0], 0);
  write(p[1], "a", 1);
  printf("pipe reader, SIGIO: %d\n", sigio_count > 0);
  sigio_count = 0;
  char buf[256];
  read(p[0], buf, sizeof buf);
  printf("pipe reader after a read: %d\n", (int)sigio_count);
  close(p[0]);
  close(p[1]);

  /* With F_SETSIG: one queued signal per write, POLL_IN, band POLLIN|POLLRDNORM, the fd. */
  pipe(p);
  make_async(p[0], rt);
  write(p[1], "a", 1);
  write(p[1], "b", 1);
  report_rt("pipe reader, F_SETSIG, two writes");
  close(p[1]);
  report_rt("pipe reader, writer closed");
  close(p[0]);

  /* The write end: POLL_OUT after a read. */
  pipe(p);
  make_async(p[1], rt);
  write(p[1], "abc", 3);
  report_rt("pipe writer after its own write");
  read(p[0], buf, 3);
  report_rt("pipe writer after a read");
  close(p[0]);
  close(p[1]);

  /* A unix stream socket. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  make_async(sv[0], rt);
  write(sv[1], "x", 1);
  /* (Linux may add a POLL_OUT here: only the POLL_IN is compared.) */
  printf("unix socket, data: POLL_IN %d\n", saw(1, 0x41));
  rt_count = 0;
  close(sv[0]);
  close(sv[1]);

  /* TCP over the loopback. */
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(l, (struct sockaddr *)&a, sizeof a);
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  listen(l, 4);
  make_async(l, rt);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  usleep(20000);
  printf("tcp listener, a connection: POLL_IN %d\n", saw(1, 0x41));
  rt_count = 0;
  int s = accept(l, NULL, NULL);
  make_async(s, rt);
  write(c, "hello", 5);
  usleep(20000);
  printf("tcp data: POLL_IN %d\n", saw(1, 0x41));
  rt_count = 0;
  close(c);
  usleep(20000);
  printf("tcp peer closed: POLL_IN %d\n", saw(1, 0x41));
  rt_count = 0;
  close(s);
  close(l);

  /* An eventfd has no fasync: O_ASYNC is not kept, and nothing signals. */
  int e = eventfd(0, 0);
  sigio_count = 0;
  make_async(e, 0);
  printf("eventfd O_ASYNC kept: %d\n", (fcntl(e, F_GETFL) & O_ASYNC) != 0);
  eventfd_write(e, 1);
  printf("eventfd SIGIO: %d\n", (int)sigio_count);
  return 0;
}
