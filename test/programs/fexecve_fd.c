/* fexecve: execveat(fd, "", AT_EMPTY_PATH) runs the file fd was opened on (here the program
 * itself, re-run with "child"); fds that are not regular files are EACCES, a closed fd EBADF.
 * And execveat(AT_SYMLINK_NOFOLLOW) of a symbolic link is ELOOP. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void try_fd(const char *what, int fd) {
  char *args[] = {"never", NULL};
  long r = syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
  printf("%s: %ld %s\n", what, r, strerrorname_np(errno));
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    printf("child: argc %d, argv[2] %s\n", argc, argc > 2 ? argv[2] : "-");
    return 7;
  }
  try_fd("directory", open("/", O_RDONLY | O_DIRECTORY));
  int p[2];
  if (pipe(p) == 0) try_fd("pipe", p[0]);
  try_fd("closed fd", 99);
  try_fd("AT_FDCWD", AT_FDCWD);
  fflush(stdout);
  for (int flags = 0; flags < 2; flags++) {
    int fd = open("/proc/self/exe", O_RDONLY | (flags ? O_PATH : 0));
    pid_t pid = fork();
    if (pid == 0) {
      char *args[] = {argv[0], "child", flags ? "O_PATH" : "O_RDONLY", NULL};
      fexecve(fd, args, environ);
      printf("fexecve: %s\n", strerrorname_np(errno));
      _exit(1);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("%s fd: exit %d\n", flags ? "O_PATH" : "O_RDONLY", WEXITSTATUS(status));
    close(fd);
  }
  char *args[] = {"never", NULL};
  long r = syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", args, environ, AT_SYMLINK_NOFOLLOW);
  printf("execveat(a symlink, AT_SYMLINK_NOFOLLOW): %ld %s\n", r, strerrorname_np(errno));
  return 0;
}
