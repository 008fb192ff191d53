/* fexecve (execveat with AT_EMPTY_PATH) runs the file the fd is open on: a memfd (close-on-exec
 * or not), a file unlinked after it was opened, and a script in a memfd, whose interpreter is
 * given /dev/fd/N (so from a close-on-exec fd the exec itself is ENOENT, as on Linux).
 * argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void copy(int from, int to) {
  char buf[65536];
  ssize_t n;
  lseek(from, 0, SEEK_SET);
  while ((n = read(from, buf, sizeof buf)) > 0)
    if (write(to, buf, (size_t)n) != n) return;
}

/* Runs fd with fexecve in a child: its exit status, or 100 + errno if the exec failed. */
static int run(int fd, char *arg, char *arg2) {
  pid_t pid = fork();
  if (pid == 0) {
    char *argv[] = {"prog", arg, arg2, NULL};
    fexecve(fd, argv, environ);
    _exit(100 + errno);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: fexecve_memfd DIR\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  int elf = open("/bin/sh", O_RDONLY);

  int m = memfd_create("sh", MFD_CLOEXEC);
  copy(elf, m);
  printf("memfd, close-on-exec: status %d\n", run(m, "-c", "exit 3"));
  int m2 = memfd_create("sh2", 0);
  copy(elf, m2);
  printf("memfd: status %d\n", run(m2, "-c", "exit 4"));

  int f = open("copy-of-sh", O_RDWR | O_CREAT | O_TRUNC, 0755);
  copy(elf, f);
  close(f);
  f = open("copy-of-sh", O_RDONLY);
  unlink("copy-of-sh");
  printf("an unlinked file: status %d\n", run(f, "-c", "exit 5"));

  const char *script = "#!/bin/sh\necho \"script run as $0 with $1\" | sed 's|/dev/fd/[0-9]*|/dev/fd/N|'\nexit 6\n";
  int s = memfd_create("script", 0);
  if (write(s, script, strlen(script)) < 0) return 1;
  printf("script in a memfd: status %d\n", run(s, "arg", NULL));
  int sc = memfd_create("script", MFD_CLOEXEC);
  if (write(sc, script, strlen(script)) < 0) return 1;
  int r = run(sc, "arg", NULL);
  printf("script in a close-on-exec memfd: %s\n", r > 100 ? strerrorname_np(r - 100) : "ran");
  return 0;
}
