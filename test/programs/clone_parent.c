// clone(CLONE_PARENT) makes a sibling of the caller: its parent is the caller's parent (who
// waits for it), and it ends with the caller's exit signal whatever clone asked. Also the
// order of clone's EINVAL checks before the namespace ones (EPERM where not allowed), and
// clone3's stack: an address and a size, both or neither.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int done[2];

static int child(void *arg) {
  pid_t expected = *(pid_t *)arg;
  printf("sibling: parent is the caller's parent: %s\n", getppid() == expected ? "yes" : "no");
  fflush(stdout);
  write(done[1], "x", 1);
  return 7;
}

static void try_flags(const char *what, unsigned long flags) {
  long r = syscall(SYS_clone, flags, 0, 0, 0, 0);
  if (r == 0) _exit(0);
  if (r > 0) waitpid((pid_t)r, NULL, __WALL);
  printf("clone(%s) = %ld %s\n", what, r < 0 ? -1L : 0L, r < 0 ? strerror(errno) : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  pid_t self = getpid();
  if (pipe(done) != 0) return 1;
  pid_t caller = fork();
  if (caller == 0) {
    static char stack[64 * 1024];
    // Asks for SIGUSR1 as exit signal: CLONE_PARENT gives the caller's (SIGCHLD) instead.
    pid_t sib = clone(child, stack + sizeof stack, CLONE_PARENT | SIGUSR1, &self);
    char c;
    if (sib > 0) read(done[0], &c, 1);
    printf("caller: clone %s\n", sib > 0 ? "ok" : strerror(errno));
    printf("caller: waitpid(sibling) = %s\n", waitpid(sib, NULL, __WALL) < 0 ? strerror(errno) : "reaped");
    _exit(3);
  }
  int reaped = 0, caller_exit = -1, sibling_exit = -1;
  for (;;) {
    int status;
    // Without __WCLONE: only children ending with SIGCHLD are found.
    pid_t p = waitpid(-1, &status, 0);
    if (p < 0) break;
    *(p == caller ? &caller_exit : &sibling_exit) = WEXITSTATUS(status);
    reaped++;
  }
  printf("parent: %d children reaped (the caller's exit %d, the sibling's %d), then %s\n", reaped, caller_exit, sibling_exit, strerror(errno));

  try_flags("CLONE_NEWNS|CLONE_FS", CLONE_NEWNS | CLONE_FS | SIGCHLD);
  try_flags("CLONE_NEWUSER|CLONE_FS", CLONE_NEWUSER | CLONE_FS | SIGCHLD);
  try_flags("CLONE_THREAD without CLONE_SIGHAND", CLONE_THREAD | CLONE_VM);
  try_flags("CLONE_SIGHAND without CLONE_VM", CLONE_SIGHAND);
  try_flags("CLONE_THREAD|CLONE_SIGHAND|CLONE_VM|CLONE_NEWPID", CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWPID);
  static char stack3[16384];
  struct clone_args no_size = {.exit_signal = SIGCHLD, .stack = (unsigned long)stack3};
  long r = syscall(SYS_clone3, &no_size, sizeof no_size);
  if (r == 0) _exit(0);
  printf("clone3(a stack, no size) = %ld %s\n", r < 0 ? -1L : 0L, r < 0 ? strerror(errno) : "");
  struct clone_args no_stack = {.exit_signal = SIGCHLD, .stack_size = sizeof stack3};
  r = syscall(SYS_clone3, &no_stack, sizeof no_stack);
  if (r == 0) _exit(0);
  printf("clone3(a size, no stack) = %ld %s\n", r < 0 ? -1L : 0L, r < 0 ? strerror(errno) : "");
  while (wait(NULL) > 0) {
  }
  return 0;
}
