/* RLIMIT_NPROC bounds the tasks of the caller's real user (Linux's ucounts), and does not bind
 * root (the initial namespace's uid 0) or a task with CAP_SYS_RESOURCE or CAP_SYS_ADMIN: as
 * root a fork under `ulimit -u 1` succeeds (perl's t/op/fork.t then skips "maybe you're running
 * as root"); a user's fork fails with EAGAIN once its own tasks reach the limit, whatever other
 * users run. Run as root; the user's part runs in a child that drops to uid 54321. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Forks a child that exits at once; the result: "ok" or the errno's name. */
static const char *try_fork(void) {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  if (pid < 0) return strerrorname_np(errno);
  waitpid(pid, NULL, 0);
  return "ok";
}

int main(void) {
  if (getuid() != 0) {
    printf("run me as root\n");
    return 0;
  }
  struct rlimit one = { 1, 2 };
  pid_t child = fork();
  if (child == 0) {
    setrlimit(RLIMIT_NPROC, &one);
    printf("root, limit 1: fork %s\n", try_fork());
    fflush(stdout);
    _exit(0);
  }
  waitpid(child, NULL, 0);

  /* A user alone: its one task is at the limit of 1, and at 2 one more fits. */
  child = fork();
  if (child == 0) {
    setrlimit(RLIMIT_NPROC, &one);
    if (setgid(54321) != 0 || setuid(54321) != 0) _exit(1);
    printf("uid 54321, limit 1: fork %s\n", try_fork());
    struct rlimit two = { 2, 2 };
    if (setrlimit(RLIMIT_NPROC, &two) != 0) printf("setrlimit: %s\n", strerrorname_np(errno));
    printf("uid 54321, limit 2: fork %s\n", try_fork());
    fflush(stdout);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  return 0;
}
