/* A process whose parent exits is reparented (to init or a subreaper; in the sandbox, to its
 * pid 1): getppid() changes from the exited parent's pid. Only that relation is printed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid_t mid = fork();
  if (mid == 0) {
    close(p[0]);
    pid_t me = getpid();
    pid_t grand = fork();
    if (grand == 0) {
      char r[2] = {getppid() == me ? 'y' : 'n', 'n'};
      for (int i = 0; i < 500 && getppid() == me; i++) usleep(10 * 1000);
      r[1] = getppid() != me ? 'y' : 'n';
      _exit(write(p[1], r, 2) == 2 ? 0 : 1);
    }
    usleep(100 * 1000); /* the grandchild reads getppid() first */
    _exit(7);
  }
  close(p[1]);
  int st;
  waitpid(mid, &st, 0);
  printf("middle process exited %d\n", WEXITSTATUS(st));
  char r[2] = {'?', '?'};
  ssize_t n = read(p[0], r, 2);
  printf("grandchild reported: %zd bytes\n", n);
  printf("getppid() was the middle process at first: %s\n", r[0] == 'y' ? "yes" : "no");
  printf("getppid() changed after the middle process exited: %s\n", r[1] == 'y' ? "yes" : "no");
  return 0;
}
