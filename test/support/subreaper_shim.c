// What an engine's shim does with a container's pid file, for the OCI tests: as a child
// subreaper, runs the runtime's create or exec (CMD...) with its stdout and stderr on a pipe,
// copies what comes through the pipe to OUTFILE as it comes, and reaps every process that ends
// under it (the runtime's, and whatever is reparented to it). It prints the runtime's status
// ("runtime exited N"), then the pid file's process's end ("exited N" or "signalled N"), then,
// once no process is left under it and the pipe has ended, "all reaped".
// Usage: subreaper_shim PIDFILE OUTFILE CMD...
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void print_end(const char* what, int status) {
  if (WIFSIGNALED(status)) printf("%s signalled %d\n", what, WTERMSIG(status));
  else printf("%s exited %d\n", what, WEXITSTATUS(status));
  fflush(stdout);
}

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  int pipefd[2];
  if (out < 0 || pipe(pipefd) != 0) return 2;
  pid_t create = fork();
  if (create == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    execvp(argv[3], argv + 3);
    _exit(127);
  }
  close(pipefd[1]);
  pid_t target = 0;
  int open_pipe = 1;
  int children = 1;
  while (open_pipe || children) {
    if (open_pipe) {
      struct pollfd p = {pipefd[0], POLLIN, 0};
      if (poll(&p, 1, 20) > 0) {
        char buf[4096];
        ssize_t n = read(pipefd[0], buf, sizeof buf);
        if (n > 0) {
          if (write(out, buf, (size_t)n) != n) return 2;
        } else if (n == 0 || errno != EINTR) {
          open_pipe = 0;
        }
      }
    } else {
      usleep(20000);
    }
    for (;;) {
      int status;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid < 0 && errno == ECHILD) {
        children = 0;
        break;
      }
      if (pid <= 0) break;
      if (pid == create) {
        print_end("runtime", status);
        FILE* f = fopen(argv[1], "r");
        if (!f || fscanf(f, "%d", &target) != 1) target = -1;
        if (f) fclose(f);
      } else if (pid == target) {
        print_end("pid file's process", status);
      }
    }
  }
  printf("all reaped\n");
  return 0;
}
