/* syslog(2)'s interface (the log's contents are the host's natively, the sandbox's own inside
 * it, so only their shape is printed): the buffer's size, READ_ALL and READ_CLEAR succeeding
 * with at most len bytes, bad buffers and lengths (EINVAL), an unknown action (EINVAL), the
 * console level's range, a blocking READ ended by a signal (EINTR) or a message, and every action
 * refused to a process without root's privilege (EPERM, dmesg_restrict). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long klog(int type, char *buf, int len) { return syscall(SYS_syslog, type, buf, len); }

static void result(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static char buf[1 << 20];
  long size = klog(10, NULL, 0);
  printf("SIZE_BUFFER: %s\n", size > 0 ? "positive" : strerrorname_np(errno));
  long all = klog(3, buf, sizeof buf);
  printf("READ_ALL: %s\n", all >= 0 && all <= (long)sizeof buf ? "ok" : strerrorname_np(errno));
  long few = klog(3, buf, 10);
  printf("READ_ALL of 10 bytes: %s\n", few >= 0 && few <= 10 ? "ok" : strerrorname_np(errno));
  result("READ_ALL of 0 bytes", klog(3, buf, 0));
  result("READ_ALL into NULL", klog(3, NULL, 10));
  result("READ_ALL of -1 bytes", klog(3, buf, -1));
  result("READ into NULL", klog(2, NULL, 10));
  result("READ of 0 bytes", klog(2, buf, 0));
  result("CONSOLE_LEVEL 0", klog(8, NULL, 0));
  result("CONSOLE_LEVEL 9", klog(8, NULL, 9));
  result("OPEN", klog(1, NULL, 0));
  result("CLOSE", klog(0, NULL, 0));
  long unread = klog(9, NULL, 0);
  printf("SIZE_UNREAD: %s\n", unread >= 0 ? "ok" : strerrorname_np(errno));
  result("action 11", klog(11, NULL, 0));
  result("action -1", klog(-1, NULL, 0));

  /* READ waits for messages it has not yet returned: drain them first, then wait. */
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  while (klog(9, NULL, 0) > 0) klog(2, buf, sizeof buf);
  ualarm(200000, 0);
  /* Natively a message may come in meanwhile (the host's kernel logs as it likes): either ends the wait. */
  long got = klog(2, buf, sizeof buf);
  printf("READ with nothing unread: %s\n", (got < 0 && errno == EINTR) || got > 0 ? "waits until a signal or a message" : strerrorname_np(errno));

  pid_t child = fork();
  if (child == 0) {
    if (setresuid(1000, 1000, 1000) != 0) _exit(1);
    result("unprivileged SIZE_BUFFER", klog(10, NULL, 0));
    result("unprivileged READ_ALL", klog(3, buf, sizeof buf));
    result("unprivileged action 11", klog(11, NULL, 0));
    _exit(0);
  }
  waitpid(child, NULL, 0);
  return 0;
}
