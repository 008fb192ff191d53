/* What a debugger does to a tracee, with the answers Linux gives: PTRACE_SINGLESTEP runs one
 * instruction and stops with SIGTRAP (si_code TRAP_TRACE), one at a time along known code; a
 * step over a syscall instruction stops after it with the call's result in rax; a breakpoint
 * (int3 poked into the text) stops with SIGTRAP (SI_KERNEL) just past it, and the debugger's
 * way past it (put the byte back, rip back one, step, plant it again) works; a signal given
 * with SINGLESTEP runs its handler and stops at the handler's first instruction; a hardware
 * watchpoint set through the debug registers (POKEUSER DR0/DR7) stops the tracee with SIGTRAP
 * (TRAP_HWBKPT) right after its write, DR6 saying which. */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/* Known code: three one-byte nops, a five-byte mov, a getpid by syscall, a call, the end. */
extern char steps_start[], steps_mov[], steps_syscall[], steps_after_syscall[], steps_call[], steps_end[], steps_fn[];
__asm__(".text\n"
        ".globl steps_start, steps_mov, steps_syscall, steps_after_syscall, steps_call, steps_end, steps_fn\n"
        "steps_start: nop\n nop\n nop\n"
        "steps_mov: mov $39, %eax\n" /* __NR_getpid */
        "steps_syscall: syscall\n"
        "steps_after_syscall: nop\n"
        "steps_call: call steps_fn\n"
        "steps_end: nop\n ret\n"
        "steps_fn: nop\n ret\n");

static volatile int handled;
static volatile int watched;
static void on_usr1(int sig) { handled = sig; }

static void tracee(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  ptrace(PTRACE_TRACEME, 0, 0, 0);
  raise(SIGSTOP);
  ((void (*)(void))steps_start)();
  watched = 5;
  printf("tracee: past the code, handler saw %d\n", handled);
  fflush(stdout);
  _exit(7);
}

static long rip_of(pid_t pid) {
  struct user_regs_struct r;
  ptrace(PTRACE_GETREGS, pid, 0, &r);
  return (long)r.rip;
}

static const char *where(long rip) {
  static char buf[64];
  static const struct { char *at; const char *name; } marks[] = {
      {steps_start, "start"}, {steps_start + 1, "start+1"}, {steps_start + 2, "start+2"}, {steps_mov, "mov"},
      {steps_syscall, "syscall"}, {steps_after_syscall, "after_syscall"}, {steps_call, "call"},
      {steps_end, "end"}, {steps_fn, "fn"}};
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if (rip == (long)marks[i].at) return marks[i].name;
  if (rip == (long)on_usr1) return "handler";
  snprintf(buf, sizeof buf, "elsewhere");
  return buf;
}

/* Waits for the next stop; prints it with where the tracee is. Returns the stop's signal (0: ended). */
static int next_stop(pid_t pid, const char *what) {
  int status;
  waitpid(pid, &status, 0);
  if (!WIFSTOPPED(status)) {
    printf("%s: ended, %s %d\n", what, WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return 0;
  }
  siginfo_t si;
  memset(&si, 0, sizeof si);
  ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
  printf("%s: stop %s, si_code %d, at %s\n", what, strsignal(WSTOPSIG(status)), si.si_code, where(rip_of(pid)));
  return WSTOPSIG(status);
}

static void set_rip(pid_t pid, long rip) {
  struct user_regs_struct r;
  ptrace(PTRACE_GETREGS, pid, 0, &r);
  r.rip = (unsigned long long)rip;
  ptrace(PTRACE_SETREGS, pid, 0, &r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t pid = fork();
  if (pid == 0) tracee();
  next_stop(pid, "first");

  /* A breakpoint at steps_start: the tracee stops just past the int3. */
  long word = ptrace(PTRACE_PEEKTEXT, pid, steps_start, 0);
  ptrace(PTRACE_POKETEXT, pid, steps_start, (word & ~0xffL) | 0xcc);
  ptrace(PTRACE_CONT, pid, 0, 0);
  next_stop(pid, "breakpoint");
  printf("rip is one past the int3: %s\n", rip_of(pid) == (long)steps_start + 1 ? "yes" : "no");

  /* Past it as gdb goes: the original byte back, rip back, one step, the int3 again. */
  ptrace(PTRACE_POKETEXT, pid, steps_start, word);
  set_rip(pid, (long)steps_start);
  ptrace(PTRACE_SINGLESTEP, pid, 0, 0);
  next_stop(pid, "step over the breakpoint");
  ptrace(PTRACE_POKETEXT, pid, steps_start, (word & ~0xffL) | 0xcc);

  /* Step along: nop, nop, mov, syscall (getpid's result in rax), nop, call, into the function. */
  const char *names[] = {"step 2", "step 3", "step 4", "step 5 (the syscall)", "step 6", "step 7 (the call)"};
  for (int i = 0; i < 6; i++) {
    ptrace(PTRACE_SINGLESTEP, pid, 0, 0);
    next_stop(pid, names[i]);
    if (i == 3) {
      struct user_regs_struct r;
      ptrace(PTRACE_GETREGS, pid, 0, &r);
      printf("rax after the syscall is the tracee's pid: %s\n", (pid_t)r.rax == pid ? "yes" : "no");
    }
  }

  /* A signal given with SINGLESTEP: the handler's frame is built and the tracee stops at its start. */
  ptrace(PTRACE_SINGLESTEP, pid, 0, SIGUSR1);
  next_stop(pid, "step with SIGUSR1");

  /* A hardware watchpoint on writes of the 4 bytes of `watched`. */
  size_t dr = offsetof(struct user, u_debugreg);
  long r0 = ptrace(PTRACE_POKEUSER, pid, dr, &watched);
  long r7 = ptrace(PTRACE_POKEUSER, pid, dr + 7 * sizeof(long), 0x1 | (1 << 16) | (3 << 18));
  printf("POKEUSER DR0 %ld, DR7 %ld; PEEKUSER DR7 %#lx\n", r0, r7, ptrace(PTRACE_PEEKUSER, pid, dr + 7 * sizeof(long), 0));
  ptrace(PTRACE_CONT, pid, 0, 0);
  next_stop(pid, "continue to the watchpoint");
  printf("DR6 says DR0: %s\n", (ptrace(PTRACE_PEEKUSER, pid, dr + 6 * sizeof(long), 0) & 1) ? "yes" : "no");
  ptrace(PTRACE_POKEUSER, pid, dr + 7 * sizeof(long), 0);

  /* Then let it run to its end. */
  ptrace(PTRACE_CONT, pid, 0, 0);
  next_stop(pid, "continue");
  return 0;
}
