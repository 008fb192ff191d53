/* waitpid: WNOHANG returns 0 for a running child and ECHILD without children; pid, -1, 0 and
 * -pgid select children; a reaped child, a non-child and a child of another group: ECHILD. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, pid_t r, pid_t expected) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else if (r == 0) printf("%s: 0\n", what);
  else printf("%s: %s\n", what, r == expected ? "the child" : "another pid");
}

/* A child that exits with `code` once a byte arrives on the returned pipe. */
static pid_t child(int code, int *go, int own_group) {
  int p[2];
  if (pipe(p) != 0) return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    if (own_group) setpgid(0, 0);
    close(p[1]);
    _exit(read(p[0], &c, 1) == 1 ? code : 100);
  }
  if (own_group) setpgid(pid, pid);
  close(p[0]);
  *go = p[1];
  return pid;
}

int main(void) {
  int st, go;
  report("WNOHANG without children", waitpid(-1, &st, WNOHANG), 0);
  report("blocking wait without children", waitpid(-1, &st, 0), 0);
  pid_t pid = child(3, &go, 0);
  report("WNOHANG, child running", waitpid(pid, &st, WNOHANG), pid);
  report("WNOHANG -1, child running", waitpid(-1, &st, WNOHANG), pid);
  report("waitpid of myself", waitpid(getpid(), &st, WNOHANG), 0);
  report("waitpid of pid 99999", waitpid(99999, &st, 0), 0);
  if (write(go, "x", 1) != 1) return 1;
  report("blocking waitpid(pid)", waitpid(pid, &st, 0), pid);
  printf("  status %d\n", WEXITSTATUS(st));
  report("waitpid of the reaped child", waitpid(pid, &st, WNOHANG), pid);
  int go1, go2;
  pid_t a = child(11, &go1, 0), b = child(12, &go2, 0);
  if (write(go2, "x", 1) != 1) return 1;
  report("waitpid(-1) with one of two exited", waitpid(-1, &st, 0), b);
  printf("  status %d\n", WEXITSTATUS(st));
  if (write(go1, "x", 1) != 1) return 1;
  report("waitpid(0) (my group)", waitpid(0, &st, 0), a);
  printf("  status %d\n", WEXITSTATUS(st));
  pid = child(21, &go, 1);
  report("WNOHANG waitpid(0), only child in another group", waitpid(0, &st, WNOHANG), pid);
  report("WNOHANG waitpid(-its pgid)", waitpid(-pid, &st, WNOHANG), pid);
  if (write(go, "x", 1) != 1) return 1;
  report("waitpid(-its pgid)", waitpid(-pid, &st, 0), pid);
  printf("  status %d\n", WEXITSTATUS(st));
  report("WNOHANG once all are reaped", waitpid(-1, &st, WNOHANG), 0);
  return 0;
}
