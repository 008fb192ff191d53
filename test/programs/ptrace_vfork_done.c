/* PTRACE_O_TRACEVFORKDONE (gdb sets it): a traced process that vforks stops with
 * PTRACE_EVENT_VFORK (the new pid in the event message), its auto-attached child starts in
 * a SIGSTOP stop, and once that child has exited (or exec'd) the parent stops again with
 * PTRACE_EVENT_VFORK_DONE, the same pid in the message, before its vfork returns it. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static void describe(const char *who, int status, pid_t expected_msg, pid_t pid) {
  if (WIFEXITED(status)) {
    printf("%s: exit %d\n", who, WEXITSTATUS(status));
    return;
  }
  if (!WIFSTOPPED(status)) {
    printf("%s: status %#x\n", who, status);
    return;
  }
  int event = status >> 16;
  unsigned long msg = 0;
  if (event) ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
  printf("%s: stop %s, event %s%s\n", who, strsignal(WSTOPSIG(status)),
         event == PTRACE_EVENT_VFORK ? "VFORK" : event == PTRACE_EVENT_VFORK_DONE ? "VFORK_DONE" : event ? "other" : "none",
         event ? ((pid_t)msg == expected_msg ? ", message is the new pid" : ", message is another pid") : "");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int done_too = argc > 1 && strcmp(argv[1], "without-done") != 0;
  pid_t child = fork();
  if (child == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    pid_t gc = vfork();
    if (gc == 0) _exit(3);
    int st;
    waitpid(gc, &st, 0);
    _exit(WIFEXITED(st) && WEXITSTATUS(st) == 3 ? 0 : 1);
  }
  int status;
  waitpid(child, &status, 0);
  long options = PTRACE_O_TRACEVFORK | (done_too ? PTRACE_O_TRACEVFORKDONE : 0);
  printf("SETOPTIONS %s: %ld\n", done_too ? "TRACEVFORK|TRACEVFORKDONE" : "TRACEVFORK", ptrace(PTRACE_SETOPTIONS, child, 0, options));
  ptrace(PTRACE_CONT, child, 0, 0);

  waitpid(child, &status, 0);
  unsigned long gc = 0;
  ptrace(PTRACE_GETEVENTMSG, child, 0, &gc);
  describe("parent", status, (pid_t)gc, child);
  waitpid((pid_t)gc, &status, __WALL);
  describe("new child", status, 0, (pid_t)gc);
  ptrace(PTRACE_CONT, (pid_t)gc, 0, 0);
  waitpid((pid_t)gc, &status, __WALL);
  describe("new child", status, 0, (pid_t)gc);

  ptrace(PTRACE_CONT, child, 0, 0);
  waitpid(child, &status, 0);
  describe("parent", status, (pid_t)gc, child);
  for (int i = 0; i < 5 && WIFSTOPPED(status); i++) {
    ptrace(PTRACE_CONT, child, 0, 0);
    waitpid(child, &status, 0);
    describe("parent", status, (pid_t)gc, child);
  }
  return 0;
}
