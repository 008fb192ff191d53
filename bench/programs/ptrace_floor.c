// The floor of a ptrace kernel for md5sum's reads of a pipe (docs/performance.md, the pipe's
// fourth round): a minimal tracer in C that answers each trapped read(0, buf, 32 KiB) of a
// reader by pulling 32 KiB from a parked writer's buffer (process_vm_readv into a warm 128 KiB
// ring) and pushing it into the reader (process_vm_writev), with the ptrace requests tsvisor
// makes (waitpid, GETREGS, SETREGS, CONT) and nothing else. Not run by the bench:
//   cc -O2 -o /tmp/ptrace_floor bench/programs/ptrace_floor.c
//   perf stat -e task-clock taskset -c 0 /tmp/ptrace_floor 8192
// NOCOPY=1 leaves the copies out (the round trip alone); WORK=1 has the reader touch what it got.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PIECE 32768
static char writerbuf[1 << 20];

static void filter(void) {
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_read, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof f / sizeof f[0], f};
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 8192;
  int work = getenv("WORK") != NULL;
  memset(writerbuf, 0, sizeof writerbuf);
  pid_t writer = fork();
  if (writer == 0) {  // parked "dd": just holds its buffer
    pause();
    _exit(0);
  }
  pid_t reader = fork();
  if (reader == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    filter();
    static unsigned char buf[PIECE];
    unsigned long sum = 0;
    for (int i = 0; i < n; i++) {
      if (syscall(SYS_read, 0, buf, PIECE) != PIECE) _exit(1);
      if (work) for (int j = 0; j < PIECE; j += 64) sum += buf[j];
    }
    _exit(sum == 12345);
  }
  int status;
  waitpid(reader, &status, 0);
  ptrace(PTRACE_SETOPTIONS, reader, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
  ptrace(PTRACE_CONT, reader, 0, 0);
  static char ring[2 * 65536];
  size_t tail = 0, wpos = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long stops = 0;
  for (;;) {
    pid_t p = waitpid(reader, &status, __WALL);
    if (p < 0 || WIFEXITED(status) || WIFSIGNALED(status)) break;
    if ((status >> 16) != PTRACE_EVENT_SECCOMP) {
      ptrace(PTRACE_CONT, reader, 0, 0);
      continue;
    }
    stops++;
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, reader, 0, &r);
    // pull from the writer into the ring, push into the reader
    if (tail + PIECE > sizeof ring) tail = 0;
    struct iovec l = {ring + tail, PIECE}, rem = {writerbuf + wpos, PIECE};
    if (!getenv("NOCOPY")) process_vm_readv(writer, &l, 1, &rem, 1, 0);
    wpos = (wpos + PIECE) % sizeof writerbuf;
    struct iovec l2 = {ring + tail, PIECE}, rem2 = {(void *)r.rsi, PIECE};
    if (!getenv("NOCOPY")) process_vm_writev(reader, &l2, 1, &rem2, 1, 0);
    tail += PIECE;
    r.orig_rax = -1;
    r.rax = PIECE;
    ptrace(PTRACE_SETREGS, reader, 0, &r);
    ptrace(PTRACE_CONT, reader, 0, 0);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  printf("%ld reads in %.1f ms: %.2f us each\n", stops, ms, ms * 1000 / stops);
  kill(writer, SIGKILL);
  return 0;
}
