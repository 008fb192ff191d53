/* A tracer of its own child, as strace is (PTRACE_TRACEME, PTRACE_SYSCALL, the options):
 * 1. the child TRACEMEs and stops itself with SIGSTOP: a signal-delivery stop; SETOPTIONS
 *    TRACESYSGOOD | TRACEFORK | TRACEEXEC | TRACEEXIT; the stops of a known sequence of calls
 *    between two markers are counted (two per call, SIGTRAP | 0x80), GETSIGINFO and PEEKUSER
 *    of orig_rax at an entry stop;
 * 2. a write's arguments read with PTRACE_GET_SYSCALL_INFO (op, nr, args, sizes) and its
 *    buffer with PEEKDATA;
 * 3. SETREGS: a call's return changed at its exit stop, a call's number changed at its entry
 *    stop, a call skipped (orig_rax -1) with the return the tracer chose;
 * 4. signal-delivery stops: one signal suppressed (data 0), another replaced by a third;
 * 5. fork with TRACEFORK: the event stop, GETEVENTMSG the new pid, the new child auto-attached
 *    stopped by SIGSTOP, its exit_group seen, its end reported to the tracer before its parent's
 *    wait4 gets it;
 * 6. execve with TRACEEXEC: entry, PTRACE_EVENT_EXEC (message: the pid), exit (0); then the
 *    new image's exit with TRACEEXIT (message: its status) and its end;
 * 7. without TRACEEXEC, the SIGTRAP after a successful execve;
 * 8. a tracer that exits while its tracee is stopped (at a signal or at a syscall's entry);
 * 9. PTRACE_SEIZE, INTERRUPT and LISTEN, of a child parked in a read and of a stopped child;
 *    DETACH in a group-stop leaves the child stopped.
 * Each traced task's stops are printed as their own stream (they interleave differently run to run). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

static volatile long handled;
static void on_usr1(int sig) { (void)sig; handled++; }

static long pt(long request, pid_t pid, long addr, long data) {
  return syscall(SYS_ptrace, request, pid, addr, data);
}

static const char *self;

/* The traced child: every call it makes after its stop is a raw syscall, so that the stops are the same on any libc. */
static void child(void) {
  int fd = open("/dev/null", O_WRONLY);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  /* Its child's SIGCHLD would come as its wait4 begins or before, as the tracer's wait goes. */
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  if (pt(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(90);
  syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
  /* 1 */
  syscall(SYS_getppid);
  syscall(SYS_getuid);
  syscall(SYS_getgid);
  syscall(SYS_geteuid);
  syscall(SYS_gettid);
  /* 2 */
  syscall(SYS_write, fd, "hello", 5);
  /* 3 */
  long v = syscall(SYS_getegid);
  syscall(SYS_write, fd, &v, sizeof v);
  v = syscall(SYS_getpid);
  syscall(SYS_write, fd, &v, sizeof v);
  v = syscall(SYS_dup, -5);
  syscall(SYS_write, fd, &v, sizeof v);
  /* 4 */
  syscall(SYS_kill, syscall(SYS_getpid), SIGUSR1);
  syscall(SYS_kill, syscall(SYS_getpid), SIGUSR2);
  v = handled;
  syscall(SYS_write, fd, &v, sizeof v);
  /* 5 */
  long g = syscall(SYS_fork);
  if (g == 0) syscall(SYS_exit_group, 5);
  int status = 0;
  v = syscall(SYS_wait4, g, &status, 0, 0) == g ? status : -1;
  syscall(SYS_write, fd, &v, sizeof v);
  /* 6 */
  char *argv[] = {(char *)self, "exec-image", NULL};
  syscall(SYS_execve, self, argv, environ);
  _exit(91);
}

static char out[2][8192];
static size_t used[2];

static void say(int who, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  used[who] += vsnprintf(out[who] + used[who], sizeof out[who] - used[who], fmt, ap);
  va_end(ap);
}

static const char *name(long nr) {
  switch (nr) {
    case SYS_getppid: return "getppid";
    case SYS_getuid: return "getuid";
    case SYS_getgid: return "getgid";
    case SYS_geteuid: return "geteuid";
    case SYS_gettid: return "gettid";
    case SYS_write: return "write";
    case SYS_getegid: return "getegid";
    case SYS_getpid: return "getpid";
    case SYS_dup: return "dup";
    case SYS_kill: return "kill";
    case SYS_fork: return "fork";
    case SYS_wait4: return "wait4";
    case SYS_execve: return "execve";
    case SYS_exit_group: return "exit_group";
    default: return NULL;
  }
}

static long peek_word(pid_t pid, long addr) {
  long word = 0;
  pt(PTRACE_PEEKDATA, pid, addr, (long)&word);
  return word;
}

static void traced_run(void) {
  pid_t kid = fork();
  if (kid == 0) child();
  pid_t grandchild = 0;
  long fork_msg = 0;
  int counting = 0, counted = 0, in_exec = 0, written = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      printf("waitpid: %s\n", strerror(errno));
      break;
    }
    int who = pid == kid ? 0 : 1;
    if (who == 1 && grandchild == 0) grandchild = pid;
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (WIFEXITED(status)) say(who, "exited %d\n", WEXITSTATUS(status));
      else say(who, "killed by %s\n", sigabbrev_np(WTERMSIG(status)));
      if (who == 0) break;
      continue;
    }
    int sig = WSTOPSIG(status), event = status >> 16;
    long request = in_exec ? PTRACE_CONT : PTRACE_SYSCALL, data = 0;
    if (event != 0) {
      unsigned long msg = 0;
      pt(PTRACE_GETEVENTMSG, pid, 0, (long)&msg);
      if (event == PTRACE_EVENT_FORK) {
        fork_msg = (long)msg;
        say(who, "event fork (%s)\n", sig == SIGTRAP ? "SIGTRAP" : "?");
      } else if (event == PTRACE_EVENT_EXEC) {
        say(who, "event exec, message is its pid: %s\n", (pid_t)msg == pid ? "yes" : "no");
      } else if (event == PTRACE_EVENT_EXIT) {
        say(who, "event exit, message %#lx\n", msg);
      } else {
        say(who, "event %d\n", event);
      }
    } else if (sig == (SIGTRAP | 0x80)) {
      struct ptrace_syscall_info info;
      memset(&info, 0xff, sizeof info);
      long size = pt(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, (long)&info);
      int entry = info.op == PTRACE_SYSCALL_INFO_ENTRY;
      long nr = entry ? (long)info.entry.nr : -1;
      static long last_nr[2];
      if (entry) last_nr[who] = nr;
      else nr = last_nr[who];
      if (counting) counted++;
      const char *n = name(nr);
      if (entry && nr == SYS_getppid && who == 0 && !counting) {
        counting = 1;
        counted = 1;
        siginfo_t si;
        pt(PTRACE_GETSIGINFO, pid, 0, (long)&si);
        long orig = -1;
        pt(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, orig_rax), (long)&orig);
        say(who, "entry stop: info size %ld, arch %#x, siginfo %s code %#x, PEEKUSER orig_rax is getppid: %s\n", size, info.arch,
            sigabbrev_np(si.si_signo), si.si_code, orig == SYS_getppid ? "yes" : "no");
      }
      if (!entry && nr == SYS_gettid && counting) {
        counting = 0;
        say(who, "stops from getppid's entry to gettid's exit: %d\n", counted);
      }
      if (n == NULL || counting || nr == SYS_gettid) {
        /* not one of the calls followed (the dynamic loader's, a handler's return) */
      } else if (entry) {
        say(who, "entry %s", n);
        if (nr == SYS_write) {
          written++;
          if (written == 1) {
            char buf[8] = {0};
            long word = peek_word(pid, (long)info.entry.args[1]);
            memcpy(buf, &word, 5);
            say(who, "(count %llu, \"%s\")", (unsigned long long)info.entry.args[2], buf);
          } else if (written == 3) {
            say(who, "(value is the tracer's pid: %s)", peek_word(pid, (long)info.entry.args[1]) == getpid() ? "yes" : "no");
          } else {
            say(who, "(value %ld)", peek_word(pid, (long)info.entry.args[1]));
          }
        }
        if (nr == SYS_kill) say(who, "(%s)", sigabbrev_np((int)info.entry.args[1]));
        if (nr == SYS_exit_group) say(who, "(%llu)", (unsigned long long)info.entry.args[0]);
        struct user_regs_struct regs;
        if (nr == SYS_getpid && written == 2) {
          /* getpid becomes getppid */
          pt(PTRACE_GETREGS, pid, 0, (long)&regs);
          regs.orig_rax = SYS_getppid;
          say(who, " -> getppid: %ld", pt(PTRACE_SETREGS, pid, 0, (long)&regs));
        }
        if (nr == SYS_dup) {
          pt(PTRACE_GETREGS, pid, 0, (long)&regs);
          say(who, " rax %lld", (long long)regs.rax);
          regs.orig_rax = -1;
          regs.rax = 77;
          say(who, " -> skipped: %ld", pt(PTRACE_SETREGS, pid, 0, (long)&regs));
        }
        say(who, "\n");
      } else {
        long rval = info.exit.rval;
        if (nr == SYS_getppid || nr == SYS_getpid) say(who, "exit %s: is the tracer: %s\n", n, rval == getpid() ? "yes" : "no");
        else if (nr == SYS_fork) say(who, "exit fork: the event's message: %s\n", rval == fork_msg ? "yes" : "no");
        else if (nr == SYS_wait4) say(who, "exit wait4: the new child: %s\n", rval == fork_msg ? "yes" : "no");
        else say(who, "exit %s = %ld (is_error %d, size %ld)\n", n, rval, info.exit.is_error, size);
        if (nr == SYS_getegid) {
          struct user_regs_struct regs;
          pt(PTRACE_GETREGS, pid, 0, (long)&regs);
          regs.rax = 4242;
          say(who, "  return -> 4242: %ld\n", pt(PTRACE_SETREGS, pid, 0, (long)&regs));
        }
        if (nr == SYS_execve) {
          in_exec = 1;
          request = PTRACE_CONT;
        }
      }
    } else if (sig == SIGTRAP) {
      say(who, "stopped by SIGTRAP\n");
    } else {
      siginfo_t si;
      memset(&si, 0, sizeof si);
      long r = pt(PTRACE_GETSIGINFO, pid, 0, (long)&si);
      say(who, "signal %s (siginfo %ld, signo %s)", sigabbrev_np(sig), r, sigabbrev_np(si.si_signo));
      if (sig == SIGSTOP && who == 0) {
        pt(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT);
        say(who, ": options set");
      } else if (sig == SIGSTOP) {
        say(who, ": the new child");
      } else if (sig == SIGUSR1) {
        say(who, ": suppressed");
      } else if (sig == SIGUSR2) {
        data = SIGUSR1;
        say(who, ": SIGUSR1 instead");
      }
      say(who, "\n");
    }
    if (pt(request, pid, 0, data) != 0) say(who, "restart failed: %s\n", strerror(errno));
  }
  printf("-- the child\n%s-- its child\n%s", out[0], out[1]);
  printf("the fork's message is the new child: %s\n", grandchild != 0 && grandchild == fork_msg ? "yes" : "no");
}

/* 7: no TRACEEXEC: the SIGTRAP after execve. */
static void legacy_exec_trap(void) {
  pid_t kid = fork();
  if (kid == 0) {
    pt(PTRACE_TRACEME, 0, 0, 0);
    syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
    char *argv[] = {(char *)self, "exec-image", NULL};
    syscall(SYS_execve, self, argv, environ);
    _exit(91);
  }
  printf("-- without PTRACE_O_TRACEEXEC\n");
  for (;;) {
    int status;
    if (waitpid(kid, &status, 0) != kid) break;
    if (WIFEXITED(status)) {
      printf("exited %d\n", WEXITSTATUS(status));
      break;
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    pt(PTRACE_GETSIGINFO, kid, 0, (long)&si);
    printf("stopped by %s (status>>16 %d), siginfo %s code %d\n", sigabbrev_np(WSTOPSIG(status)), status >> 16,
           sigabbrev_np(si.si_signo), si.si_code);
    pt(PTRACE_CONT, kid, 0, 0);
  }
}

/* Errors: TRACEME twice; a request for a child not traced. */
static void errors(void) {
  pid_t kid = fork();
  if (kid == 0) {
    long a = pt(PTRACE_TRACEME, 0, 0, 0);
    long b = pt(PTRACE_TRACEME, 0, 0, 0);
    int e = errno;
    printf("TRACEME: %ld, again: %ld %s\n", a, b, strerrorname_np(e));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(kid, &status, 0);
  printf("child exited %d\n", WEXITSTATUS(status));
  pid_t other = fork();
  if (other == 0) {
    pause();
    _exit(0);
  }
  errno = 0;
  long r = pt(PTRACE_SYSCALL, other, 0, 0);
  printf("SYSCALL on a child not traced: %ld %s\n", r, strerrorname_np(errno));
  kill(other, SIGKILL);
  waitpid(other, &status, 0);
}

/* 8: a tracer that exits while its tracee is stopped: at a signal-delivery stop the signal is
 * delivered (its handler runs), at a syscall-entry stop the call is made; the tracee goes on
 * and its new parent (a subreaper) waits for it. */
static void tracer_gone(int at_syscall) {
  int p[2];
  if (pipe(p)) return;
  pid_t middle = fork();
  if (middle == 0) {
    pid_t tracee = fork();
    if (tracee == 0) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = on_usr1;
      sigaction(SIGUSR1, &sa, NULL);
      pt(PTRACE_TRACEME, 0, 0, 0);
      syscall(SYS_kill, syscall(SYS_getpid), at_syscall ? SIGSTOP : SIGUSR1);
      long parent = syscall(SYS_getppid);
      char line[64];
      int n = snprintf(line, sizeof line, "handled %ld, parent is the subreaper: %s\n", handled, parent == getpgrp() ? "yes" : "no");
      if (write(p[1], line, n) != n) _exit(1);
      _exit(4);
    }
    int status;
    waitpid(tracee, &status, 0);
    if (at_syscall) {
      pt(PTRACE_SYSCALL, tracee, 0, 0);
      waitpid(tracee, &status, 0);
    }
    _exit(WIFSTOPPED(status) ? (status >> 8) & 0xff : 99);
  }
  close(p[1]);
  int status;
  waitpid(middle, &status, 0);
  printf("tracer gone %s: it saw the stop %#x\n", at_syscall ? "at a syscall-entry stop" : "at a signal-delivery stop", WEXITSTATUS(status));
  char line[64] = {0};
  if (read(p[0], line, sizeof line - 1) < 0) return;
  printf("tracee: %s", line);
  pid_t tracee = wait(&status);
  printf("tracee waited for: %s, exited %d\n", tracee > 0 ? "yes" : "no", WEXITSTATUS(status));
  close(p[0]);
}

static void print_stop(const char *what, int status) {
  if (WIFSTOPPED(status))
    printf("%s: stopped by %s, event %d\n", what, sigabbrev_np(WSTOPSIG(status) & 0x7f), status >> 16);
  else if (WIFEXITED(status))
    printf("%s: exited %d\n", what, WEXITSTATUS(status));
  else
    printf("%s: status %#x\n", what, status);
}

/* 9: PTRACE_SEIZE of a child parked in a read, PTRACE_INTERRUPT (PTRACE_EVENT_STOP), its read
 * seen again from its entry, its exit; SEIZE of a stopped child: its group-stop, LISTEN, the
 * trap after SIGCONT, the SIGCONT's delivery stop. */
static void seized(void) {
  int p[2];
  if (pipe(p)) return;
  pid_t kid = fork();
  if (kid == 0) {
    char c = 0;
    long n = syscall(SYS_read, p[0], &c, 1);
    syscall(SYS_exit_group, n == 1 ? c : 99);
  }
  usleep(200000);
  int status;
  printf("SEIZE: %ld, with an address: %ld\n", pt(PTRACE_SEIZE, kid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXIT), pt(PTRACE_SEIZE, kid, 8, 0));
  struct user_regs_struct regs;
  long r = pt(PTRACE_GETREGS, kid, 0, (long)&regs);
  printf("GETREGS before a stop: %ld %s\n", r, strerrorname_np(errno));
  printf("INTERRUPT: %ld\n", pt(PTRACE_INTERRUPT, kid, 0, 0));
  waitpid(kid, &status, __WALL);
  print_stop("after INTERRUPT", status);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  pt(PTRACE_GETSIGINFO, kid, 0, (long)&si);
  printf("siginfo: %s, code %#x\n", sigabbrev_np(si.si_signo), si.si_code);
  for (int i = 0; i < 5; i++) {
    pt(PTRACE_SYSCALL, kid, 0, 0);
    if (i == 1 && write(p[1], "A", 1) != 1) return;
    waitpid(kid, &status, __WALL);
    if (WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80)) {
      struct ptrace_syscall_info info;
      pt(PTRACE_GET_SYSCALL_INFO, kid, sizeof info, (long)&info);
      if (info.op == PTRACE_SYSCALL_INFO_ENTRY) printf("entry %s\n", info.entry.nr == SYS_read ? "read" : info.entry.nr == SYS_exit_group ? "exit_group" : "other");
      else printf("exit = %lld\n", (long long)info.exit.rval);
    } else {
      print_stop("then", status);
      if (WIFEXITED(status)) break;
    }
  }

  kid = fork();
  if (kid == 0) {
    syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
    syscall(SYS_exit_group, 3);
  }
  waitpid(kid, &status, WSTOPPED);
  print_stop("a child stopped itself", status);
  printf("SEIZE: %ld\n", pt(PTRACE_SEIZE, kid, 0, 0));
  waitpid(kid, &status, __WALL);
  print_stop("its group-stop", status);
  memset(&si, 0, sizeof si);
  printf("siginfo: %ld %s, code %#x\n", pt(PTRACE_GETSIGINFO, kid, 0, (long)&si), sigabbrev_np(si.si_signo), si.si_code);
  printf("LISTEN: %ld\n", pt(PTRACE_LISTEN, kid, 0, 0));
  r = pt(PTRACE_GETREGS, kid, 0, (long)&regs);
  printf("GETREGS while listening: %ld %s\n", r, strerrorname_np(errno));
  printf("WNOHANG while listening: %d\n", waitpid(kid, &status, __WALL | WNOHANG));
  kill(kid, SIGCONT);
  for (int i = 0; i < 3; i++) {
    waitpid(kid, &status, __WALL);
    print_stop("after SIGCONT", status);
    if (WIFEXITED(status)) break;
    pt(PTRACE_CONT, kid, 0, WSTOPSIG(status) == SIGCONT ? SIGCONT : 0);
  }

  /* Detached in its group-stop, a child stays stopped until a SIGCONT. */
  kid = fork();
  if (kid == 0) {
    syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
    syscall(SYS_exit_group, 4);
  }
  waitpid(kid, &status, WSTOPPED);
  pt(PTRACE_SEIZE, kid, 0, 0);
  waitpid(kid, &status, __WALL);
  print_stop("seized in its group-stop", status);
  printf("DETACH: %ld\n", pt(PTRACE_DETACH, kid, 0, 0));
  usleep(200000);
  printf("ended while stopped: %s\n", waitpid(kid, &status, WNOHANG) == 0 ? "no" : "yes");
  kill(kid, SIGCONT);
  waitpid(kid, &status, 0);
  print_stop("after SIGCONT", status);
}

int main(int argc, char **argv) {
  self = argv[0];
  if (argc > 1 && strcmp(argv[1], "exec-image") == 0) return 7;
  setvbuf(stdout, NULL, _IONBF, 0);
  traced_run();
  legacy_exec_trap();
  errors();
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  setpgid(0, 0);
  tracer_gone(0);
  tracer_gone(1);
  seized();
  return 0;
}
