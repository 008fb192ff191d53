/* A pipe reads EOF (0, again and again) only once every write end is closed: in this
 * process, in a dup, and in a child that writes and exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, ssize_t r, const char *buf) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd \"%.*s\"\n", what, r, (int)r, buf);
}

int main(void) {
  char buf[64];
  int p[2];
  if (pipe(p) != 0) return 1;
  if (write(p[1], "abc", 3) != 3) return 1;
  close(p[1]);
  report("read with the writer closed and data left", read(p[0], buf, sizeof buf), buf);
  report("read again", read(p[0], buf, sizeof buf), buf);
  report("and again", read(p[0], buf, sizeof buf), buf);
  close(p[0]);

  if (pipe2(p, O_NONBLOCK) != 0) return 1;
  int extra = dup(p[1]);
  close(p[1]);
  report("empty, a dup of the write end still open", read(p[0], buf, sizeof buf), buf);
  close(extra);
  report("empty, every write end closed", read(p[0], buf, sizeof buf), buf);
  close(p[0]);

  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    usleep(100 * 1000);
    if (write(p[1], "from child", 10) != 10) _exit(1);
    _exit(0);
  }
  close(p[1]);
  report("blocking read while the child sleeps then writes", read(p[0], buf, sizeof buf), buf);
  report("blocking read until the child exits", read(p[0], buf, sizeof buf), buf);
  int st;
  waitpid(pid, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));

  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid = fork();
  if (pid == 0) _exit(0); /* the child's copy of the write end closes at its exit */
  close(p[1]);
  report("read after a child holding the write end exits", read(p[0], buf, sizeof buf), buf);
  waitpid(pid, &st, 0);
  return 0;
}
