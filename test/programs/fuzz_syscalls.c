/* A seeded syscall fuzzer, for the sandbox only (see docs/fuzzing.md).
 *
 *   fuzz_syscalls FIRST LAST [CALLS]       seeds FIRST..LAST, CALLS raw syscalls each (default 200)
 *   fuzz_syscalls --safe FIRST LAST [CALLS] read-only calls with garbage pointers, one line per call
 *
 * Each seed runs in a forked child (its "batch"): CALLS syscalls whose numbers cover the whole
 * x86-64 table (0..470) and numbers that do not exist (negative, 471..1023, the x32 bit, huge),
 * with arguments drawn from interesting values: 0, -1, small ints, fds 0..47 and the ones the
 * batch opened, INT_MAX, INT_MIN, 2^63-1, random flag bits, valid buffers of random bytes,
 * iovecs and timespecs, paths, a string without its NUL ending at the edge of an unmapped page,
 * unmapped, non-canonical and kernel-half addresses, huge lengths. The sequence of calls
 * depends on the seed only (never on what a call returned), so a seed reproduces its calls.
 *
 * What a batch may not do, because it would end or damage the fuzzer rather than test the
 * kernel (the choices are documented in docs/fuzzing.md):
 * - exit, exit_group and rt_sigreturn end the batch, so they are never drawn at random: a batch
 *   ends with one of them as its last call, by the seed's choice.
 * - fork, vfork, clone and clone3 run with any flags, but through inline assembly that makes the
 *   new process or thread call exit at once, without touching memory (its stack may be garbage,
 *   or the batch's own, shared).
 * - kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo target the batch itself or a pid
 *   that does not exist; prlimit64, ptrace, process_vm_writev, pidfd_open, setpgid, the
 *   sched_set* calls and the like never name the fuzzer's main process (so no pidfd of it
 *   exists either). Catchable signals other than those of a fault have an empty handler.
 * - addresses come from the batch's own arena or are invalid, so munmap, mprotect, mremap,
 *   madvise, brk and MAP_FIXED can unmap only the arena (a random 64-bit value almost never
 *   hits a mapping).
 * The batch's stdin, stdout and stderr are /dev/null, so nothing it writes reaches the output.
 *
 * The main process forks one batch per seed, kills it with SIGKILL if it is not done within a
 * deadline (a call may block for good: a signal mask, a pipe, a futex), and prints one line per
 * batch: `seed S: calls N, ENDING` where ENDING is `exit 0`, `signal N` or `timeout`, plus
 * the last call made when the batch did not end as it chose. A batch that SIGKILL does not end
 * within 10 s is `unkillable` (a kernel bug) and stops the run with status 3.
 *
 * Refuses to run unless it is pid 1 (the first process of the sandbox, or of a fresh pid
 * namespace): random syscalls as root on a real machine can reboot it or worse. --safe is the
 * exception: its calls only read, with garbage pointers, and it runs natively for comparison. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NR 470
#define PAGE 4096
#define ARENA_PAGES 19

/* ---- random numbers (splitmix64: a seed gives the same sequence everywhere) ---- */

static uint64_t rng_state;

static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t below(uint64_t n) { return rnd() % n; }

/* ---- the raw syscall, and the one that makes a new task exit at once ---- */

static long raw(long nr, long a, long b, long c, long d, long e, long f) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

/* fork, vfork, clone, clone3: in the new task (rax 0) call exit(0) straight away, touching no
 * memory, whatever its stack; the caller gets the result as from raw(). */
static long raw_spawning(long nr, long a, long b, long c, long d, long e, long f) {
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall\n\t"
                   "test %%rax, %%rax\n\t"
                   "jnz 1f\n\t"
                   "mov $60, %%eax\n\t"
                   "xor %%edi, %%edi\n\t"
                   "syscall\n\t"
                   "ud2\n"
                   "1:"
                   : "=a"(ret)
                   : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

/* ---- what a batch works with ---- */

/* The arena: pages of random bytes, the last of them followed by an unmapped page. */
static unsigned char *arena;
static unsigned char *unmapped;
static int fds[24];
static int nfds;
static pid_t fuzzer_pid;
static pid_t batch_pid;

/* Written by the batch before each call, read by the main process when the batch dies. */
struct shared_record {
  volatile long calls;
  volatile long nr;
  volatile long args[6];
};
static struct shared_record *record;

static const char *const PATHS[] = {
    "/",          "/tmp",           "/tmp/fz",          "/tmp/fz/a",          "/dev/null",
    "/dev/zero",  "/dev/full",      "/dev/tty",         "/proc/self/status", "/proc/self/maps",
    "/proc/self/fd/3", "/proc/self/exe", "/proc/1/stat", "/etc/passwd",        "/srv/file",
    "/srv",    "/media",         "/media/a",         "/media/d",              ".",
    "..",         "",               "/nonexistent/x",   "../../../../etc",    "/sys/fs/cgroup",
    "/dev/shm/f", "a\377b",         "/tmp/fz/../../..", "/proc/self/root/..", "/dev/ptmx",
};
#define NPATHS (sizeof PATHS / sizeof PATHS[0])

/* Where in the arena each kind of valid pointer lives. */
#define A_BUF (arena)                   /* random bytes, 4 pages */
#define A_ZERO (arena + 4 * PAGE)       /* zeroes, 2 pages */
#define A_PATHS (arena + 6 * PAGE)      /* the paths, NUL-terminated, one per 256 bytes */
#define A_IOV (arena + 10 * PAGE)       /* iovecs into the arena and elsewhere */
#define A_TIME (arena + 11 * PAGE)      /* short timespecs and timevals */
#define A_LONGPATH (arena + 12 * PAGE)  /* 'a' * 3 pages, NUL-terminated */
#define A_WORDS (arena + 15 * PAGE)     /* 2 pages of 8-byte argument values: plausible structs */
#define A_INTS (arena + 17 * PAGE)      /* 4-byte small ints, fds and flags: plausible structs */
#define A_LAST (arena + 18 * PAGE)      /* the last page: 'A' up to the unmapped page, no NUL */

static long interesting_int(void) {
  static const long fixed[] = {
      0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 256, 4095, 4096, 4097, 65535, 65536,
      -1, -2, -4095, -4096, INT_MAX, INT_MIN, UINT_MAX, (long)0x80000000L,
      LONG_MAX, LONG_MIN, 1L << 32, 1L << 40, 1L << 47, (1L << 62) + 5, -100 /* AT_FDCWD */,
  };
  return fixed[below(sizeof fixed / sizeof fixed[0])];
}

static long random_flags(void) {
  long f = 0;
  int bits = (int)below(4);
  for (int i = 0; i < bits; i++) f |= 1L << below(32);
  if (below(8) == 0) f |= (long)(rnd() & 0xffffffff);
  return f;
}

static long bad_pointer(void) {
  static const unsigned long bad[] = {
      0, 1, 0xfff, 0xdeadbeef000UL, 0x7ffffffff000UL, 0x800000000000UL, 0xffff800000000000UL,
      0xffff888000000000UL, 0xffffffffff600000UL, 0xfffffffffffff000UL, (unsigned long)-1,
  };
  if (below(3) == 0) return (long)(unmapped + below(PAGE)); /* the hole after the arena */
  return (long)bad[below(sizeof bad / sizeof bad[0])];
}

static long argument(void);

static long valid_pointer(void) {
  switch (below(11)) {
    case 9: return (long)(A_WORDS + 8 * below(2 * PAGE / 8 - 8));
    case 10: return (long)(A_INTS + 4 * below(PAGE / 4 - 16));
    case 0: return (long)(A_BUF + below(4 * PAGE));
    case 1: return (long)A_BUF;
    case 2: return (long)A_ZERO;
    case 3: return (long)(A_PATHS + 256 * below(NPATHS));
    case 4: return (long)A_IOV;
    case 5: return (long)A_TIME;
    case 6: return (long)A_LONGPATH;
    case 7: return (long)(unmapped - 1 - below(64)); /* no NUL before the unmapped page */
    default: return (long)(unmapped - 8 * (1 + below(8))); /* a struct that runs off the end */
  }
}

static long length(void) {
  static const long lens[] = {0, 1, 8, 16, 64, 100, 4096, 8192, 65536, 1 << 20, 1L << 31,
                              1L << 40, LONG_MAX, -1, SSIZE_MAX, 0x7ffff000};
  return lens[below(sizeof lens / sizeof lens[0])];
}

static long fd_value(void) {
  if (below(3) == 0) return (long)below(below(2) ? 11 : 48); /* fds the batch's calls made too */
  if (nfds > 0 && below(4) != 0) return fds[below((uint64_t)nfds)];
  static const long odd[] = {-1, -100, 1023, 1024, 65536, INT_MAX, INT_MIN, 1L << 32};
  return odd[below(sizeof odd / sizeof odd[0])];
}

static long argument(void) {
  switch (below(12)) {
    case 0: case 1: return interesting_int();
    case 2: return (long)below(11);
    case 3: return fd_value();
    case 4: return random_flags();
    case 5: return (long)rnd();
    case 6: case 7: return valid_pointer();
    case 8: case 9: return bad_pointer();
    case 10: return length();
    default: return (long)below(70); /* signal numbers, small enums, resources */
  }
}

/* ---- the batch ---- */

static void fill_arena(void) {
  for (int i = 0; i < 4 * PAGE; i += 8) {
    uint64_t v = rnd();
    memcpy(A_BUF + i, &v, 8);
  }
  memset(A_ZERO, 0, 2 * PAGE);
  for (size_t i = 0; i < NPATHS; i++) strcpy((char *)A_PATHS + 256 * i, PATHS[i]);
  struct iovec *iov = (struct iovec *)A_IOV;
  for (int i = 0; i < 64; i++) {
    iov[i].iov_base = below(4) == 0 ? (void *)bad_pointer() : (void *)(A_BUF + below(2 * PAGE));
    iov[i].iov_len = below(4) == 0 ? (size_t)length() : (size_t)below(512);
  }
  struct timespec *ts = (struct timespec *)A_TIME;
  for (int i = 0; i < 16; i++) {
    ts[i].tv_sec = 0;
    ts[i].tv_nsec = (long)below(2000000);
  }
  long *words = (long *)A_WORDS;
  for (int i = 0; i < 2 * PAGE / 8; i++) words[i] = argument();
  int *ints = (int *)A_INTS;
  for (int i = 0; i < PAGE / 4; i++) ints[i] = below(3) == 0 ? (int)random_flags() : (int)fd_value();
  memset(A_LONGPATH, 'a', 3 * PAGE - 1);
  A_LONGPATH[3 * PAGE - 1] = 0;
  memset(A_LAST, 'A', PAGE);
}

static void open_fds(void) {
  nfds = 0;
  int p[2], s[2];
  fds[nfds++] = open("/dev/null", O_RDWR);
  fds[nfds++] = open("/dev/zero", O_RDONLY);
  fds[nfds++] = open("/", O_RDONLY | O_DIRECTORY);
  mkdir("/tmp/fz", 0777);
  fds[nfds++] = open("/tmp/fz/a", O_RDWR | O_CREAT, 0644);
  fds[nfds++] = open("/srv/file", O_RDONLY);
  fds[nfds++] = open("/media/a", O_RDWR | O_CREAT, 0644);
  if (pipe2(p, O_NONBLOCK) == 0) { fds[nfds++] = p[0]; fds[nfds++] = p[1]; }
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0) { fds[nfds++] = s[0]; fds[nfds++] = s[1]; }
  fds[nfds++] = socket(AF_UNIX, SOCK_DGRAM, 0);
  fds[nfds++] = socket(AF_INET, SOCK_STREAM, 0);
  fds[nfds++] = socket(AF_INET6, SOCK_DGRAM, 0);
  fds[nfds++] = epoll_create1(0);
  fds[nfds++] = eventfd(0, EFD_NONBLOCK);
  fds[nfds++] = timerfd_create(CLOCK_MONOTONIC, 0);
  fds[nfds++] = inotify_init1(0);
  sigset_t all;
  sigfillset(&all);
  fds[nfds++] = signalfd(-1, &all, 0);
  fds[nfds++] = memfd_create("fz", 0);
  fds[nfds++] = open("/proc/self/status", O_RDONLY);
  fds[nfds++] = open("/dev/ptmx", O_RDWR | O_NOCTTY);
}

static void ignore_signal(int sig) { (void)sig; }

/* The call's arguments, made safe for the fuzzer (see the top of the file). */
static void shape(long nr, long *a) {
  long self = batch_pid;
  long nobody = 0x3fffffff;
  switch (nr) {
    case SYS_kill:
    case SYS_rt_sigqueueinfo:
      a[0] = below(2) ? self : nobody;
      break;
    case SYS_tkill:
      a[0] = below(2) ? self : nobody;
      break;
    case SYS_tgkill:
    case SYS_rt_tgsigqueueinfo:
      a[0] = self;
      a[1] = below(2) ? self : nobody;
      break;
    case SYS_prlimit64:
    case SYS_ptrace:
    case SYS_process_vm_writev:
    case SYS_pidfd_open:
    case SYS_setpgid:
    case SYS_sched_setaffinity:
    case SYS_sched_setscheduler:
    case SYS_sched_setparam:
    case SYS_sched_setattr:
    case SYS_setpriority:
    case SYS_ioprio_set:
    case SYS_process_madvise:
    case SYS_migrate_pages:
    case SYS_move_pages:
      for (int i = 0; i < 2; i++)
        if (a[i] == fuzzer_pid || a[i] == -fuzzer_pid || a[i] == -1) a[i] = self;
      break;
    default:
      break;
  }
}

static long draw_nr(void) {
  switch (below(20)) {
    case 0: {
      static const long odd[] = {-1, -2, 471, 512, 1023, 1L << 30, (1L << 30) | SYS_read,
                                 (1L << 30) | SYS_getpid, INT_MAX, 1L << 32, LONG_MAX, LONG_MIN};
      return odd[below(sizeof odd / sizeof odd[0])];
    }
    default:
      for (;;) {
        long nr = (long)below(MAX_NR + 1);
        if (nr == SYS_exit || nr == SYS_exit_group || nr == SYS_rt_sigreturn) continue;
        /* The development VM's kernel (6.18-fc) answers 335 and 336 itself, before seccomp
         * and ptrace see them (335 raises SIGILL natively and in any sandbox): not the
         * sandbox's to test, and a third of the batches would end there. */
        if (nr == 335 || nr == 336) continue;
        return nr;
      }
  }
}

static int is_spawning(long nr) {
  return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3;
}

static void run_batch(uint64_t seed, long calls) {
  rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
  /* stdin, stdout and stderr: /dev/null, so the batch's writes never reach the output. */
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  dup2(null, 2);
  close(null);
  setpgid(0, 0);
  batch_pid = getpid();
  /* Signals the batch sends itself (kill, tgkill, timers, SIGPIPE...) would mostly end it
   * early: an empty handler catches them all, but those of a fault (SIGSEGV, SIGBUS, SIGILL,
   * SIGFPE, SIGTRAP, SIGSYS), which would come back forever once handled, and the stop signals
   * (ignored, or the batch would wait for its deadline). */
  for (int sig = 1; sig < 65; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
        sig == SIGTRAP || sig == SIGSYS)
      continue;
    if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) signal(sig, SIG_IGN);
    else signal(sig, ignore_signal);
  }
  open_fds();
  fill_arena(); /* after open_fds: its structs hold the batch's fds */
  /* The main process sends SIGALRM every 50 ms: its empty handler (no SA_RESTART) interrupts
   * calls that would block, unless a fuzzed call blocked or ignored it (then the deadline
   * ends the batch). A timer of the batch's own would be cancelled by a fuzzed alarm(0). */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = ignore_signal;
  sigaction(SIGALRM, &sa, NULL);

  for (long i = 0; i < calls; i++) {
    long nr = draw_nr();
    long a[6];
    for (int j = 0; j < 6; j++) a[j] = argument();
    shape(nr, a);
    record->nr = nr;
    for (int j = 0; j < 6; j++) record->args[j] = a[j];
    record->calls = i + 1;
    if (is_spawning(nr)) raw_spawning(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    else raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  }
  /* The last call, chosen by the seed: one of those that end a batch. */
  long last[3][2] = {{SYS_exit_group, 0}, {SYS_exit, 0}, {SYS_rt_sigreturn, 0}};
  long k = (long)below(3);
  record->nr = last[k][0];
  for (int j = 0; j < 6; j++) record->args[j] = 0;
  record->calls = calls + 1;
  raw(last[k][0], last[k][1], 0, 0, 0, 0, 0);
  /* exit (the thread) in a process with threads left, or a rt_sigreturn the kernel allowed. */
  raw(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

/* ---- the main process ---- */

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Where say() writes: stdout, or a copy of it (--safe). */
static int out_fd = 1;

static void say(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(out_fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

/* Waits for the batch, reaping whatever else ends meanwhile (orphaned grandchildren come to
 * pid 1). Returns its wait status, or -1 if it is not done by the deadline. */
static int wait_batch(pid_t batch, long deadline) {
  for (long poke = now_ms() + 50;;) {
    int status;
    pid_t p = waitpid(-1, &status, WNOHANG | __WALL);
    if (p == batch) return status;
    if (p > 0) continue;
    long now = now_ms();
    if (now >= deadline) return -1;
    if (now >= poke) {
      kill(batch, SIGALRM);
      poke = now + 50;
    }
    struct timespec nap = {0, 5000000};
    nanosleep(&nap, NULL);
  }
}

static int fuzz(uint64_t first, uint64_t last, long calls) {
  fuzzer_pid = getpid();
  if (fuzzer_pid != 1) {
    fprintf(stderr, "fuzz_syscalls: refusing to run as pid %d: only in a sandbox (pid 1)\n", fuzzer_pid);
    return 2;
  }
  arena = mmap(NULL, (ARENA_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  record = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (arena == MAP_FAILED || record == MAP_FAILED) return 1;
  unmapped = arena + ARENA_PAGES * PAGE;
  munmap(unmapped, PAGE);
  long total = 0;
  char line[512];
  for (uint64_t seed = first; seed <= last; seed++) {
    memset((void *)record, 0, sizeof *record);
    pid_t batch = fork();
    if (batch < 0) {
      perror("fork");
      return 1;
    }
    if (batch == 0) {
      run_batch(seed, calls);
      _exit(0);
    }
    int status = wait_batch(batch, now_ms() + 2000 + calls * 10);
    const char *ending;
    char how[64];
    int chose = 0;
    if (status == -1) {
      kill(batch, SIGKILL);
      status = wait_batch(batch, now_ms() + 10000);
      if (status == -1) {
        snprintf(line, sizeof line, "seed %llu: calls %ld, unkillable: last call %ld\n",
                 (unsigned long long)seed, record->calls, record->nr);
        say(line);
        return 3;
      }
      ending = "timeout";
    } else if (WIFEXITED(status)) {
      snprintf(how, sizeof how, "exit %d", WEXITSTATUS(status));
      ending = how;
      chose = record->calls == calls + 1;
    } else {
      snprintf(how, sizeof how, "signal %d", WTERMSIG(status));
      ending = how;
      chose = record->calls == calls + 1 && record->nr == SYS_rt_sigreturn;
    }
    total += record->calls;
    int n = snprintf(line, sizeof line, "seed %llu: calls %ld, %s", (unsigned long long)seed, record->calls, ending);
    if (!chose)
      n += snprintf(line + n, sizeof line - (size_t)n, " after %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)", record->nr,
                    record->args[0], record->args[1], record->args[2], record->args[3], record->args[4],
                    record->args[5]);
    snprintf(line + n, sizeof line - (size_t)n, "\n");
    say(line);
  }
  snprintf(line, sizeof line, "total calls: %ld\n", total);
  say(line);
  return 0;
}

/* ---- --safe: read-only calls with garbage pointers, printed for comparison with Linux ---- */

static int safe(uint64_t first, uint64_t last, long calls) {
  /* Calls that only read the caller's state, given only invalid pointers: nothing they can do
   * changes the machine, even natively as root. */
  static const long safe_nrs[] = {
      SYS_read,      SYS_pread64,   SYS_readv,       SYS_stat,         SYS_lstat,     SYS_fstat,
      SYS_newfstatat, SYS_statx,    SYS_access,      SYS_faccessat,    SYS_faccessat2, SYS_readlink,
      SYS_readlinkat, SYS_getcwd,   SYS_uname,       SYS_sysinfo,      SYS_times,     SYS_getrusage,
      SYS_getrlimit, SYS_getitimer, SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday, SYS_time,
      SYS_getresuid, SYS_getresgid, SYS_getgroups,   SYS_statfs,       SYS_fstatfs,   SYS_getdents64,
      SYS_getdents,  SYS_rt_sigpending, SYS_sigaltstack, SYS_getcpu,    SYS_getxattr,  SYS_lgetxattr,
      SYS_listxattr, SYS_fgetxattr,  SYS_capget,
  };
  /* Integers: no pid-taking call is here (pids 2..5 exist natively, not in the sandbox), and no
   * value beyond 2^53: tsvisor's kernel gets arguments as doubles, so the low bits of larger
   * ones (read by Linux as an int fd, flag or count) are lost (docs/fuzzing.md). */
  /* 8 and 9 would be the _ALARM clocks, EINVAL on a host without an RTC. */
  static const long ints[] = {0, 1, 2, 7, 12, 16, 255, 4095, 4096, 65536, -1, -2, -100, INT_MAX, INT_MIN,
                              UINT_MAX, 1L << 32, 1L << 40, (1L << 32) + 3, -(1L << 40)};
  static const unsigned long garbage[] = {0, 1, 0xdeadbeef000UL, 0x800000000000UL, 0xffff888000000000UL,
                                          0xffffffffff600000UL, (unsigned long)-1};
  /* The output goes to a copy of stdout, and fds 1 and 2 become /dev/null: a stdout that is
   * a socket (as Node's spawn makes it) would block the calls that read from it. */
  out_fd = dup2(1, 100);
  int null = open("/dev/null", O_RDWR);
  if (out_fd != 100 || null < 0 || dup2(null, 1) != 1 || dup2(null, 2) != 2) return 1;
  close(null);
  int zero = open("/dev/zero", O_RDONLY);
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  if (zero != 3 || dir != 4) {
    fprintf(stderr, "fuzz_syscalls --safe: expected fds 3 and 4, got %d and %d\n", zero, dir);
    return 1;
  }
  char line[256];
  for (uint64_t seed = first; seed <= last; seed++) {
    rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
    for (long i = 0; i < calls; i++) {
      long nr = safe_nrs[below(sizeof safe_nrs / sizeof safe_nrs[0])];
      long a[6];
      for (int j = 0; j < 6; j++) {
        switch (below(4)) {
          case 0: a[j] = (long)garbage[below(sizeof garbage / sizeof garbage[0])]; break;
          case 1: a[j] = (long)below(6); break; /* fds 0..5: stdio, /dev/zero, /, none */
          case 2: a[j] = ints[below(sizeof ints / sizeof ints[0])]; break;
          default: a[j] = (long)garbage[1 + below(sizeof garbage / sizeof garbage[0] - 1)]; break;
        }
      }
      /* A successful read of stdin would consume the runner's input: stdin is empty anyway. */
      long r = raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
      const char *e = r < 0 && r > -4096 ? strerrorname_np((int)-r) : NULL;
      snprintf(line, sizeof line, "%llu.%ld %ld(%#lx, %#lx, %#lx, %#lx): %s\n", (unsigned long long)seed, i, nr,
               a[0], a[1], a[2], a[3], e ? e : "ok");
      say(line);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  int safe_mode = argc > 1 && strcmp(argv[1], "--safe") == 0;
  int at = safe_mode ? 2 : 1;
  if (argc - at < 2 || argc - at > 3) {
    fprintf(stderr, "usage: fuzz_syscalls [--safe] FIRST LAST [CALLS]\n");
    return 2;
  }
  uint64_t first = strtoull(argv[at], NULL, 10);
  uint64_t last = strtoull(argv[at + 1], NULL, 10);
  long calls = argc - at == 3 ? strtol(argv[at + 2], NULL, 10) : 200;
  if (calls <= 0) calls = 200;
  return safe_mode ? safe(first, last, calls) : fuzz(first, last, calls);
}
