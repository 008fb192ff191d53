/* fork + execve + wait, three levels deep: each level re-executes this program (argv[0]) one
 * level down, checks that its parent is the process that forked it, and exits with its
 * child's status + 1; the top prints the whole chain in order. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int level = argc > 1 ? atoi(argv[1]) : 0;
  if (level > 0) {
    pid_t expected = (pid_t)atol(argv[2]);
    printf("level %d: parent is the forking process %s, argv[0] kept %s\n", level, getppid() == expected ? "yes" : "no",
           strstr(argv[0], "exec_chain") ? "yes" : "no");
  } else {
    printf("level 0: start\n");
  }
  if (level == 3) {
    printf("level 3: bottom, exiting 10\n");
    return 10;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return perror("fork"), 1;
  if (pid == 0) {
    char next[16], parent[16];
    snprintf(next, sizeof next, "%d", level + 1);
    snprintf(parent, sizeof parent, "%ld", (long)getppid());
    execl(argv[0], argv[0], next, parent, (char *)NULL);
    perror("execl");
    _exit(127);
  }
  int st;
  if (waitpid(pid, &st, 0) != pid) return perror("waitpid"), 1;
  if (!WIFEXITED(st)) return printf("level %d: child did not exit\n", level), 1;
  printf("level %d: child exited %d, exiting %d\n", level, WEXITSTATUS(st), WEXITSTATUS(st) + 1);
  return WEXITSTATUS(st) + 1;
}
