/* Close-on-exec across execve: the program opens fds in each way, then re-executes itself
 * (argv[0], so the test passes an absolute path) with "check LABEL=FD..." and reports which
 * survived, with their flags. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char args[16][32];

static void add(int *n, const char *label, int fd) { snprintf(args[(*n)++], sizeof args[0], "%s=%d", label, fd); }

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "check") == 0) {
    printf("after execve (argc %d):\n", argc);
    for (int i = 2; i < argc; i++) {
      char *eq = strchr(argv[i], '=');
      int fd = atoi(eq + 1), f = fcntl(fd, F_GETFD);
      *eq = 0;
      if (f < 0) printf("  %s: closed\n", argv[i]);
      else printf("  %s: open, FD_CLOEXEC %s\n", argv[i], (f & FD_CLOEXEC) ? "set" : "clear");
    }
    char c;
    printf("  stdin still readable: %s\n", read(0, &c, 0) == 0 ? "yes" : "no");
    return 0;
  }
  int n = 0, p[2], q[2];
  add(&n, "plain", open("/dev/null", O_RDONLY));
  add(&n, "O_CLOEXEC", open("/dev/null", O_RDONLY | O_CLOEXEC));
  int cleared = open("/dev/null", O_RDONLY | O_CLOEXEC);
  fcntl(cleared, F_SETFD, 0);
  add(&n, "O_CLOEXEC-then-F_SETFD-0", cleared);
  int set = open("/dev/null", O_RDONLY);
  fcntl(set, F_SETFD, FD_CLOEXEC);
  add(&n, "F_SETFD-FD_CLOEXEC", set);
  if (pipe2(p, O_CLOEXEC) != 0 || pipe(q) != 0) return 1;
  add(&n, "pipe2-O_CLOEXEC-read", p[0]);
  add(&n, "pipe2-O_CLOEXEC-write", p[1]);
  add(&n, "pipe-read", q[0]);
  add(&n, "dup3-O_CLOEXEC", dup3(q[0], 40, O_CLOEXEC));
  add(&n, "dup-of-O_CLOEXEC", dup(p[0]));
  add(&n, "F_DUPFD_CLOEXEC", fcntl(q[0], F_DUPFD_CLOEXEC, 50));
  close(dup2(q[0], 60));
  add(&n, "closed-before-exec", 60);
  char *av[20] = {argv[0], "check"};
  for (int i = 0; i < n; i++) av[2 + i] = args[i];
  av[2 + n] = NULL;
  printf("before execve: %d fds to check\n", n);
  fflush(stdout);
  execv(argv[0], av);
  perror("execv");
  return 1;
}
