/* kcmp: open files compared by open file description (a dup'd fd and a forked child's copy are
 * the same, two opens of one file are not), threads sharing their process's memory, fd table,
 * fs context and handlers, processes not sharing them, KCMP_EPOLL_TFD finding a file
 * registered with an epoll instance, and the errors: a closed fd (EBADF), an unknown type
 * (EINVAL), no such pid (ESRCH), an fd number not registered (ENOENT), another user's process
 * (EPERM). Unequal objects print as "differ" (their order is scrambled on Linux). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long kcmp(pid_t a, pid_t b, int type, unsigned long x, unsigned long y) {
  return syscall(SYS_kcmp, a, b, type, x, y);
}

static void show(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %s\n", what, r == 0 ? "same" : (r == 1 || r == 2) ? "differ" : "?");
}

static pid_t thread_tid;
static int go[2];

static void *thread_main(void *arg) {
  (void)arg;
  thread_tid = gettid();
  char c;
  read(go[0], &c, 1);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t me = getpid();
  int a = open("/dev/null", O_RDONLY);
  int b = dup(a);
  int c = open("/dev/null", O_RDONLY);
  show("dup'd fd", kcmp(me, me, KCMP_FILE, a, b));
  show("two opens of one file", kcmp(me, me, KCMP_FILE, a, c));
  show("a closed fd", kcmp(me, me, KCMP_FILE, a, 99));
  show("type 99", kcmp(me, me, 99, 0, 0));
  show("no such pid", kcmp(me, 999999, KCMP_VM, 0, 0));

  pipe(go);
  pthread_t t;
  pthread_create(&t, NULL, thread_main, NULL);
  while (__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST) == 0) usleep(1000);
  show("thread: vm", kcmp(me, thread_tid, KCMP_VM, 0, 0));
  show("thread: files", kcmp(me, thread_tid, KCMP_FILES, 0, 0));
  show("thread: fs", kcmp(me, thread_tid, KCMP_FS, 0, 0));
  show("thread: sighand", kcmp(me, thread_tid, KCMP_SIGHAND, 0, 0));
  show("thread: sysvsem", kcmp(me, thread_tid, KCMP_SYSVSEM, 0, 0));
  show("thread: fd a", kcmp(me, thread_tid, KCMP_FILE, a, a));
  write(go[1], "g", 1);
  pthread_join(t, NULL);

  int sync[2];
  pipe(sync);
  pid_t child = fork();
  if (child == 0) {
    char x;
    read(sync[0], &x, 1);
    _exit(0);
  }
  show("child: vm", kcmp(me, child, KCMP_VM, 0, 0));
  show("child: files", kcmp(me, child, KCMP_FILES, 0, 0));
  show("child: sighand", kcmp(me, child, KCMP_SIGHAND, 0, 0));
  show("child: inherited fd", kcmp(me, child, KCMP_FILE, a, a));
  show("child: fd a against its c", kcmp(me, child, KCMP_FILE, a, c));

  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN};
  int p[2];
  pipe(p);
  int p_dup = dup(p[0]);
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  struct kcmp_epoll_slot slot = {.efd = ep, .tfd = p[0], .toff = 0};
  show("epoll: the pipe registered", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&slot));
  show("epoll: its dup against the registration", kcmp(me, me, KCMP_EPOLL_TFD, p_dup, (unsigned long)&slot));
  show("epoll: a against the registration", kcmp(me, me, KCMP_EPOLL_TFD, a, (unsigned long)&slot));
  slot.toff = 1;
  show("epoll: a second registration of that fd", kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&slot));
  slot.toff = 0;
  slot.tfd = a;
  show("epoll: fd a not registered", kcmp(me, me, KCMP_EPOLL_TFD, a, (unsigned long)&slot));
  slot.efd = a;
  show("epoll: efd not an epoll", kcmp(me, me, KCMP_EPOLL_TFD, a, (unsigned long)&slot));
  show("epoll: slot unreadable", kcmp(me, me, KCMP_EPOLL_TFD, a, 8));

  pid_t other = fork();
  if (other == 0) {
    if (setresuid(1000, 1000, 1000) != 0) _exit(1);
    show("unprivileged against root's process", kcmp(getpid(), me, KCMP_VM, 0, 0));
    _exit(0);
  }
  waitpid(other, NULL, 0);
  write(sync[1], "x", 1);
  waitpid(child, NULL, 0);
  return 0;
}
