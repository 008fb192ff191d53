/* /proc/PID/cmdline and environ are the process's memory between the mm's arg_start/arg_end
 * and env_start/env_end, read when the file is read: a program that writes over its argv
 * strings (perl's `$0 = ...`, setproctitle) changes what ps shows. When the last byte of the
 * argv area is no longer NUL, cmdline runs on into the environment strings up to the first NUL
 * (Linux's setproctitle case). A zombie has no memory: both files are empty. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static ssize_t slurp(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -errno;
  ssize_t total = 0, n;
  while ((n = read(fd, buf + total, size - total)) > 0) total += n;
  close(fd);
  return total;
}

static void show(const char *what, const char *buf, ssize_t n) {
  printf("%s: %zd bytes: ", what, n);
  for (ssize_t i = 0; i < n && i < 40; i++) {
    if (buf[i] == 0) printf("\\0");
    else putchar(buf[i]);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  static char buf[65536];
  char *end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
  size_t area = (size_t)(end - argv[0]);
  ssize_t n = slurp("/proc/self/cmdline", buf, sizeof buf);
  printf("at start: %s\n", n == (ssize_t)area && memcmp(buf, argv[0], area) == 0 ? "the argv strings" : "something else");
  int env_follows = environ[0] == end;
  printf("environment strings right after the arguments: %s\n", env_follows ? "yes" : "no");

  /* perl's $0 on Linux: the new name at argv[0], the rest of the area NUL. */
  memset(argv[0], 0, area);
  strcpy(argv[0], "ren");
  n = slurp("/proc/self/cmdline", buf, sizeof buf);
  printf("after renaming: %zd bytes (the whole area: %s)\n", n, n == (ssize_t)area ? "yes" : "no");
  show("cmdline", buf, n < 6 ? n : 6);

  if (env_follows) {
    /* setproctitle: the area filled up to its last byte, the title running on into the environment. */
    size_t env0 = strlen(environ[0]);
    memset(argv[0], 'x', area);
    memcpy(environ[0], "ENVSTART", env0 < 8 ? env0 : 8);
    n = slurp("/proc/self/cmdline", buf, sizeof buf);
    printf("title past the area: %zd bytes, area + first env string + NUL: %s\n", n, n == (ssize_t)(area + env0 + 1) ? "yes" : "no");
    printf("ends with the env string: %s\n", n > 9 && memcmp(buf + area, "ENVSTART", env0 < 8 ? env0 : 8) == 0 ? "yes" : "no");
    n = slurp("/proc/self/environ", buf, sizeof buf);
    show("environ", buf, n < 8 ? n : 8);
  }

  pid_t child = fork();
  if (child == 0) _exit(0);
  siginfo_t info;
  waitid(P_PID, child, &info, WEXITED | WNOWAIT);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cmdline", child);
  n = slurp(path, buf, sizeof buf);
  printf("zombie's cmdline: %zd bytes\n", n);
  snprintf(path, sizeof path, "/proc/%d/environ", child);
  n = slurp(path, buf, sizeof buf);
  if (n < 0) printf("zombie's environ: %s\n", strerrorname_np((int)-n));
  else printf("zombie's environ: %zd bytes\n", n);
  waitpid(child, NULL, 0);
  return 0;
}
