/* A child that was never waited for: with SIGCHLD ignored the system reaps it, so the wait
 * that comes later finds no child: ECHILD. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  signal(SIGCHLD, SIG_IGN);
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) _exit(0);
  sleep(1);
  if (waitpid(child, NULL, 0) < 0) {
    perror("waitpid");
    return 1;
  }
  return 0;
}
