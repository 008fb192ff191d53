/* /proc/self: exe is the resolved path of the running program (argv[0] resolved; the test
 * passes an absolute path), whatever the cwd, in a fork child too; it opens as an ELF file;
 * /proc/self names the pid; cwd and fd/N links are the paths they stand for. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }

static int link_is(const char *link, const char *expected) {
  char buf[PATH_MAX];
  ssize_t n = readlink(link, buf, sizeof buf - 1);
  if (n < 0) return 0;
  buf[n] = 0;
  return strcmp(buf, expected) == 0;
}

int main(int argc, char **argv) {
  (void)argc;
  char real[PATH_MAX], buf[64];
  if (!realpath(argv[0], real)) return perror("realpath"), 1;
  printf("/proc/self/exe is argv[0] resolved: %s\n", yes(link_is("/proc/self/exe", real)));
  if (chdir("/") != 0) return 1;
  printf("after chdir(\"/\"), still: %s\n", yes(link_is("/proc/self/exe", real)));
  printf("/proc/self/cwd is \"/\": %s\n", yes(link_is("/proc/self/cwd", "/")));
  ssize_t n = readlink("/proc/self/exe", buf, 4);
  printf("readlink into 4 bytes returns 4 (truncated, no NUL): %s\n", yes(n == 4 && memcmp(buf, real, 4) == 0));
  char pid[32];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  printf("/proc/self names my pid: %s\n", yes(link_is("/proc/self", pid)));
  char mine[64];
  snprintf(mine, sizeof mine, "/proc/%d/exe", (int)getpid());
  printf("/proc/PID/exe is the same: %s\n", yes(link_is(mine, real)));
  int fd = open("/proc/self/exe", O_RDONLY);
  printf("/proc/self/exe opens as an ELF file: %s\n", yes(fd >= 0 && read(fd, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0));
  int e = open(real, O_RDONLY);
  char fdlink[64];
  snprintf(fdlink, sizeof fdlink, "/proc/self/fd/%d", e);
  printf("/proc/self/fd/N of the opened program is its path: %s\n", yes(link_is(fdlink, real)));
  printf("/proc/self/fd/1 exists: %s\n", yes(access("/proc/self/fd/1", F_OK) == 0));
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    char cpid[32];
    snprintf(cpid, sizeof cpid, "%d", (int)getpid());
    _exit(link_is("/proc/self/exe", real) && link_is("/proc/self", cpid) ? 0 : 1);
  }
  int st;
  waitpid(child, &st, 0);
  printf("in a fork child, exe the same and /proc/self its own pid: %s\n", yes(WIFEXITED(st) && WEXITSTATUS(st) == 0));
  return 0;
}
