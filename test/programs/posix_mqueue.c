/* POSIX message queues: mq_open's errors (missing, O_EXCL, bad names, attributes past the
 * limits, access mode 3), the default and given attributes, priority order, EMSGSIZE both ways,
 * EAGAIN with O_NONBLOCK (and mq_setattr turning it on), ETIMEDOUT with a past deadline and a
 * near one, poll readiness, a receiver blocked until a child sends, mq_notify by signal (once,
 * EBUSY for another process, the signal's si_code/si_value), read(2)'s status line,
 * close-on-exec, mq_unlink (the open queue lives on), a bad fd, a bad pointer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static volatile int got_code, got_value;
static void on_signal(int sig, siginfo_t *info, void *ctx) {
  (void)sig, (void)ctx;
  got_code = info->si_code;
  got_value = info->si_value.sival_int;
}

static void receive(const char *what, mqd_t q, size_t len) {
  char buf[9000];
  unsigned prio = 99;
  ssize_t n = mq_receive(q, buf, len, &prio);
  if (n < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd \"%.*s\" prio %u\n", what, n, (int)n, buf, prio);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char name[64];
  snprintf(name, sizeof name, "/tsvisor-mq-%d", getpid());
  mq_unlink(name);
  result("missing", mq_open(name, O_RDWR));
  result("name without a slash (glibc)", mq_open("noslash", O_RDWR | O_CREAT, 0600, NULL));
  result("name \"/\"", mq_open("/", O_RDWR | O_CREAT, 0600, NULL));
  result("name with two slashes", mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL));
  struct mq_attr big = {.mq_maxmsg = 11, .mq_msgsize = 100};
  result("mq_maxmsg 11", mq_open(name, O_RDWR | O_CREAT, 0600, &big));
  struct mq_attr zero = {.mq_maxmsg = 0, .mq_msgsize = 100};
  result("mq_maxmsg 0", mq_open(name, O_RDWR | O_CREAT, 0600, &zero));
  struct mq_attr huge = {.mq_maxmsg = 4, .mq_msgsize = 8193};
  result("mq_msgsize 8193", mq_open(name, O_RDWR | O_CREAT, 0600, &huge));
  result("bad attr pointer", syscall(SYS_mq_open, name + 1, O_RDWR | O_CREAT, 0600, (void *)8));
  result("bad name pointer", syscall(SYS_mq_open, (void *)8, O_RDWR | O_CREAT, 0600, NULL));

  mqd_t d = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
  printf("created: %s, cloexec %d\n", d >= 0 ? "yes" : strerrorname_np(errno), (fcntl(d, F_GETFD) & FD_CLOEXEC) != 0);
  struct mq_attr a;
  mq_getattr(d, &a);
  printf("defaults: maxmsg %ld msgsize %ld curmsgs %ld flags %ld\n", a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs, a.mq_flags);
  result("O_EXCL again", mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL));
  result("access mode 3", mq_open(name, 3));
  mq_close(d);
  mq_unlink(name);

  struct mq_attr small = {.mq_maxmsg = 3, .mq_msgsize = 16};
  mqd_t q = mq_open(name, O_RDWR | O_CREAT, 0640, &small);
  mq_getattr(q, &a);
  printf("given: maxmsg %ld msgsize %ld\n", a.mq_maxmsg, a.mq_msgsize);
  result("send 17 bytes", mq_send(q, "0123456789abcdefg", 17, 0));
  result("priority 32768", mq_send(q, "x", 1, 32768));
  result("send low", mq_send(q, "low", 3, 1));
  result("send high", mq_send(q, "high", 4, 9));
  result("send low again", mq_send(q, "low2", 4, 1));
  char status[128] = {0};
  ssize_t sn = read(q, status, sizeof status - 1);
  printf("read: %zd \"%s\"", sn, status);
  result("write", write(q, "x", 1));
  struct pollfd p = {q, POLLIN | POLLOUT, 0};
  poll(&p, 1, 0);
  printf("poll full: %#x\n", p.revents);
  struct timespec past = {1, 0};
  result("timedsend, past deadline, full", mq_timedsend(q, "x", 1, 0, &past));
  struct timespec bad = {0, 2000000000};
  result("timedsend, bad deadline", mq_timedsend(q, "x", 1, 0, &bad));
  struct mq_attr nb = {.mq_flags = O_NONBLOCK}, old;
  result("mq_setattr O_NONBLOCK", mq_setattr(q, &nb, &old));
  printf("old flags %ld curmsgs %ld\n", old.mq_flags, old.mq_curmsgs);
  result("send to a full queue, O_NONBLOCK", mq_send(q, "x", 1, 0));
  receive("receive, buffer too small", q, 15);
  receive("receive", q, 16);
  receive("receive", q, 16);
  receive("receive", q, 16);
  receive("receive empty, O_NONBLOCK", q, 16);
  struct mq_attr bl = {.mq_flags = 0};
  mq_setattr(q, &bl, NULL);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  now.tv_nsec += 20000000;
  if (now.tv_nsec >= 1000000000) now.tv_sec++, now.tv_nsec -= 1000000000;
  char buf[16];
  result("timedreceive, near deadline", mq_timedreceive(q, buf, 16, NULL, &now));
  poll(&p, 1, 0);
  printf("poll empty: %#x\n", p.revents);

  /* A receiver waits until a child sends. */
  pid_t child = fork();
  if (child == 0) {
    struct timespec pause = {0, 100000000};
    nanosleep(&pause, NULL);
    mq_send(q, "late", 4, 3);
    _exit(0);
  }
  receive("blocked receive", q, 16);
  waitpid(child, NULL, 0);

  /* mq_notify by signal. */
  struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1, .sigev_value.sival_int = 42};
  result("mq_notify", mq_notify(q, &ev));
  child = fork();
  if (child == 0) {
    struct sigevent other = {.sigev_notify = SIGEV_NONE};
    _exit(mq_notify(q, &other) == 0 ? 0 : errno);
  }
  int status_code;
  waitpid(child, &status_code, 0);
  printf("another process: %s\n", strerrorname_np(WEXITSTATUS(status_code)));
  memset(status, 0, sizeof status);
  pread(q, status, sizeof status - 1, 0);
  int notify_pid = 0;
  char *pid_at = strstr(status, "NOTIFY_PID:");
  if (pid_at) sscanf(pid_at, "NOTIFY_PID:%d", &notify_pid), *pid_at = 0;
  printf("status: %s NOTIFY_PID is me %d\n", status, notify_pid == getpid());
  mq_send(q, "ping", 4, 0);
  struct timespec wait = {0, 50000000};
  nanosleep(&wait, NULL);
  printf("signal: code %d value %d\n", got_code, got_value);
  receive("receive", q, 16);
  got_code = 0;
  mq_send(q, "again", 5, 0);
  nanosleep(&wait, NULL);
  printf("a second message: signal %s\n", got_code ? "again" : "not sent (the registration went)");
  struct sigevent zero_ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0};
  result("mq_notify signal 0", mq_notify(q, &zero_ev));
  struct sigevent bad_ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = 65};
  result("mq_notify signal 65", mq_notify(q, &bad_ev));
  struct sigevent bad_how = {.sigev_notify = 7};
  result("mq_notify sigev_notify 7", mq_notify(q, &bad_how));
  result("mq_notify unregister", mq_notify(q, NULL));

  result("mq_unlink", mq_unlink(name));
  result("mq_unlink again", mq_unlink(name));
  result("open after unlink", mq_open(name, O_RDWR));
  result("send after unlink", mq_send(q, "still", 5, 0));
  receive("receive after unlink", q, 16);
  result("receive from a bad pointer", mq_receive(q, (char *)8, 16, NULL) < 0 ? -1 : 0);
  int fd = open("/dev/null", O_RDONLY);
  result("send to a non-queue fd", mq_send(fd, "x", 1, 0));
  result("getattr of a closed fd", syscall(SYS_mq_getsetattr, 99, NULL, &a));
  mq_close(q);
  return 0;
}
