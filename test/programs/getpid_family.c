/* The getpid family. Values differ natively and in the sandbox (where the first process is
 * pid 1), so the default mode prints only relations; "ids" prints the raw values for tests
 * that run in the sandbox alone. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *yes(int c) { return c ? "yes" : "no"; }

int main(int argc, char **argv) {
  pid_t pid = getpid();
  if (argc > 1 && strcmp(argv[1], "ids") == 0) {
    printf("pid %d ppid %d tid %d\n", (int)pid, (int)getppid(), (int)gettid());
    return 0;
  }
  printf("pid positive: %s\n", yes(pid > 0));
  printf("getpid stable: %s\n", yes(getpid() == pid));
  printf("gettid equals getpid (one thread): %s\n", yes(gettid() == pid));
  printf("getppid differs from getpid: %s\n", yes(getppid() != pid));
  printf("getuid equals geteuid: %s\n", yes(getuid() == geteuid()));
  printf("getgid equals getegid: %s\n", yes(getgid() == getegid()));
  return 0;
}
