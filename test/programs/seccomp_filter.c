// A program's own seccomp filter: PR_GET_SECCOMP before and after, a filter answering EPERM
// for getppid (inherited by a child), SECCOMP_RET_TRAP delivering SIGSYS with the syscall's
// number, SECCOMP_RET_KILL_PROCESS ending a child by SIGSYS, and the errors (bad flags, bad
// program pointer, no_new_privs missing is not tested: the sandbox always has it).
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

/** A filter: `action` for syscall nr, allow the rest. */
static int install(int nr, unsigned action, unsigned flags) {
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, action),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof f / sizeof *f, f};
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static volatile int trapped_nr = -1;

static void on_sigsys(int sig, siginfo_t *info, void *ctx) {
  (void)sig;
  (void)ctx;
  trapped_nr = info->si_syscall;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  result("PR_GET_SECCOMP before", prctl(PR_GET_SECCOMP));
  unsigned action = SECCOMP_RET_KILL_PROCESS;
  result("SECCOMP_GET_ACTION_AVAIL(KILL_PROCESS)", syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action));
  result("filter with bad flags", install(SYS_getppid, SECCOMP_RET_ERRNO | EPERM, 0x100));
  result("filter with a bad pointer", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (void *)8));
  result("filter: getppid gets EPERM", install(SYS_getppid, SECCOMP_RET_ERRNO | EPERM, 0));
  result("PR_GET_SECCOMP after", prctl(PR_GET_SECCOMP));
  result("getppid", syscall(SYS_getppid));
  printf("getpid still works: %d\n", getpid() > 0);
  pid_t child = fork();
  if (child == 0) {
    result("child getppid", syscall(SYS_getppid));
    _exit(0);
  }
  waitpid(child, NULL, 0);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);
  result("filter: uname traps", install(SYS_uname, SECCOMP_RET_TRAP, 0));
  struct utsname u;
  long r = syscall(SYS_uname, &u);
  printf("uname: %ld, SIGSYS for syscall %d (uname is %d)\n", r, trapped_nr, SYS_uname);

  child = fork();
  if (child == 0) {
    install(SYS_getuid, SECCOMP_RET_KILL_PROCESS, 0);
    syscall(SYS_getuid);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child killed by signal %d (SIGSYS %d)\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1, SIGSYS);
  result("prctl(PR_SET_SECCOMP, FILTER)", prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL));
  return 0;
}
