/* ptrace between sandbox processes as a stop-the-world tracer uses it (LeakSanitizer at the
 * exit of every gcc -fsanitize=address program):
 * 1. a parent attaches to its child, parked in a blocking read: the wait reports SIGSTOP,
 *    GETREGS, GETFPREGS, GETREGSET (NT_PRSTATUS's length, a short iovec), GETSIGINFO,
 *    PEEKDATA and POKEDATA of a global, then DETACH: the child's read goes on and it sees
 *    the poked value; and a spinning child (no syscalls) stopped and let go with CONT;
 * 2. LeakSanitizer's own pattern: clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED)
 *    with no exit signal; the clone attaches to every thread of its parent (one spinning on
 *    sched_yield, one parked in a read), reads each one's stack pointer, detaches, and the
 *    parent waits for it with __WALL;
 * 3. calls the stop must not disturb: pause() (a handler's signal after the detach still ends
 *    it with EINTR), nanosleep (it sleeps its whole time), a thread of another process waiting
 *    on a condition variable (named by the tid it reports); a tracer that exits without
 *    detaching (its tracee goes on);
 * 4. a stopped tracee killed by SIGKILL or PTRACE_KILL, whether it was parked in a read, in
 *    pause() or running, is reaped as killed;
 * 5. errors: attaching to the caller's own thread group or twice (EPERM), a thread that does
 *    not exist (ESRCH), a zombie (EPERM), a request for a thread not traced (ESRCH), an unknown
 *    request (EIO). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static long value = 1234;

static long pt(long request, pid_t tid, void *addr, void *data) {
  return syscall(SYS_ptrace, request, tid, addr, data);
}

static void result(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static void wait_stop(const char *what, pid_t tid) {
  int status = 0;
  pid_t got = waitpid(tid, &status, __WALL);
  printf("%s: waited %s, stopped %d, by %s\n", what, got == tid ? "it" : "another", WIFSTOPPED(status),
         WIFSTOPPED(status) ? sigabbrev_np(WSTOPSIG(status)) : "-");
}

/* The TracerPid line of /proc/PID/status. */
static int tracer_pid(pid_t pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  int tracer = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "TracerPid: %d", &tracer) == 1) break;
  if (f) fclose(f);
  return tracer;
}

/* Part 1: a parent and its children. */
static void parent_and_child(void) {
  int in[2];
  if (pipe(in)) return;
  pid_t child = fork();
  if (child == 0) {
    char c;
    ssize_t n = read(in[0], &c, 1); /* parked here when the parent attaches */
    _exit(n == 1 && value == 5678 ? 0 : 1);
  }
  usleep(50000);
  result("attach", pt(PTRACE_ATTACH, child, NULL, NULL));
  result("attach again", pt(PTRACE_ATTACH, child, NULL, NULL));
  wait_stop("child", child);
  printf("TracerPid is mine: %d\n", tracer_pid(child) == getpid());
  struct user_regs_struct regs;
  result("getregs", pt(PTRACE_GETREGS, child, NULL, &regs));
  printf("rsp in the stack: %d\n", regs.rsp > 0x10000 && regs.rsp < 0x800000000000UL);
  struct user_fpregs_struct fp;
  memset(&fp, 0xff, sizeof fp);
  result("getfpregs", pt(PTRACE_GETFPREGS, child, NULL, &fp));
  printf("mxcsr mask set: %d\n", fp.mxcr_mask != 0xffffffffu);
  char buf[4096];
  struct iovec iov = {buf, sizeof buf};
  result("getregset prstatus", pt(PTRACE_GETREGSET, child, (void *)NT_PRSTATUS, &iov));
  printf("prstatus length: %zu\n", iov.iov_len);
  iov.iov_len = 8;
  result("getregset short", pt(PTRACE_GETREGSET, child, (void *)NT_PRSTATUS, &iov));
  printf("short length: %zu, r15 again: %d\n", iov.iov_len, ((struct user_regs_struct *)buf)->r15 == regs.r15);
  iov.iov_len = sizeof buf;
  result("getregset bad type", pt(PTRACE_GETREGSET, child, (void *)0x999, &iov));
  siginfo_t si;
  result("getsiginfo", pt(PTRACE_GETSIGINFO, child, NULL, &si));
  printf("siginfo: %s\n", sigabbrev_np(si.si_signo));
  long word = 0;
  result("peekdata", pt(PTRACE_PEEKDATA, child, &value, &word));
  printf("peeked: %ld\n", word);
  result("pokedata", pt(PTRACE_POKEDATA, child, &value, (void *)5678L));
  result("peek unmapped", pt(PTRACE_PEEKDATA, child, (void *)8, &word));
  result("unknown request", pt(0x7777, child, NULL, NULL));
  result("detach", pt(PTRACE_DETACH, child, NULL, NULL));
  printf("TracerPid after the detach: %d\n", tracer_pid(child));
  result("getregs after detach", pt(PTRACE_GETREGS, child, NULL, &regs));
  if (write(in[1], "x", 1) != 1) return;
  int status;
  waitpid(child, &status, 0);
  printf("child saw the poke: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");

  pid_t spinner = fork();
  if (spinner == 0) {
    volatile unsigned long n = 0;
    for (;;) n++;
  }
  usleep(50000);
  result("attach spinner", pt(PTRACE_ATTACH, spinner, NULL, NULL));
  wait_stop("spinner", spinner);
  result("getregs spinner", pt(PTRACE_GETREGS, spinner, NULL, &regs));
  result("cont", pt(PTRACE_CONT, spinner, NULL, NULL));
  result("getregs running", pt(PTRACE_GETREGS, spinner, NULL, &regs));
  kill(spinner, SIGKILL);
  waitpid(spinner, &status, __WALL);
  printf("spinner: %s\n", WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : "exited");
}

/* Part 2: LeakSanitizer's tracer, a clone sharing the memory that stops its parent's threads. */
static atomic_int done;
static atomic_int parked_ready;
static int park[2];
static pid_t parent_tids[2];
static unsigned long stack_pointers[2];
static int tracer_errors;

static void *parked_thread(void *arg) {
  char c;
  (void)arg;
  parent_tids[1] = gettid();
  atomic_store(&parked_ready, 1);
  if (read(park[0], &c, 1) != 1) return NULL;
  return NULL;
}

static int tracer(void *arg) {
  (void)arg;
  for (int i = 0; i < 2; i++) {
    pid_t tid = parent_tids[i];
    if (pt(PTRACE_ATTACH, tid, NULL, NULL) != 0) { tracer_errors++; continue; }
    int status;
    if (waitpid(tid, &status, __WALL) != tid || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) tracer_errors++;
    struct user_regs_struct regs;
    struct iovec iov = {&regs, sizeof regs};
    if (pt(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) != 0) tracer_errors++;
    stack_pointers[i] = regs.rsp;
  }
  for (int i = 0; i < 2; i++)
    if (pt(PTRACE_DETACH, parent_tids[i], NULL, NULL) != 0) tracer_errors++;
  atomic_store(&done, 1);
  return 0;
}

static void stop_the_world(void) {
  pthread_t t;
  if (pipe(park)) return;
  parent_tids[0] = gettid();
  pthread_create(&t, NULL, parked_thread, NULL);
  while (!atomic_load(&parked_ready)) sched_yield();
  usleep(50000);
  size_t size = 256 * 1024;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  pid_t pid = clone(tracer, stack + size, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED, NULL);
  if (pid < 0) {
    result("clone untraced", -1);
    return;
  }
  prctl(PR_SET_PTRACER, pid, 0, 0, 0); /* Yama's permission, where it is on */
  while (!atomic_load(&done)) sched_yield();
  int status = -1;
  pid_t got = waitpid(pid, &status, __WALL);
  printf("tracer: waited %s, exited %d with %d, errors %d\n", got == pid ? "it" : "another", WIFEXITED(status),
         WEXITSTATUS(status), tracer_errors);
  char here;
  printf("own stack pointer near: %d\n", stack_pointers[0] > (unsigned long)&here - 65536 && stack_pointers[0] < (unsigned long)&here + 65536);
  printf("parked thread's stack pointer set: %d\n", stack_pointers[1] != 0 && stack_pointers[1] != stack_pointers[0]);
  if (write(park[1], "x", 1) != 1) return;
  pthread_join(t, NULL);
  printf("parked thread went on\n");
}

/* Attaches to tid, waits for its stop, reads its registers and detaches. */
static void stop_and_go(const char *what, pid_t tid) {
  long attached = pt(PTRACE_ATTACH, tid, NULL, NULL);
  int status = 0;
  pid_t got = waitpid(tid, &status, __WALL);
  struct user_regs_struct regs;
  long read_regs = pt(PTRACE_GETREGS, tid, NULL, &regs);
  long detached = pt(PTRACE_DETACH, tid, NULL, NULL);
  printf("%s: attach %ld, waited %d, stopped by %s, getregs %ld, detach %ld\n", what, attached, got == tid,
         WIFSTOPPED(status) ? sigabbrev_np(WSTOPSIG(status)) : "-", read_regs, detached);
}

static void on_usr1(int sig) { (void)sig; }
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int go;
static int tid_pipe[2];

static void *cond_waiter(void *arg) {
  (void)arg;
  pid_t me = gettid();
  if (write(tid_pipe[1], &me, sizeof me) != sizeof me) return NULL;
  pthread_mutex_lock(&lock);
  while (!go) pthread_cond_wait(&cond, &lock);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void undisturbed(void) {
  int ready[2], status;
  char c;
  if (pipe(ready)) return;
  pid_t child = fork();
  if (child == 0) {
    signal(SIGUSR1, on_usr1);
    if (write(ready[1], "r", 1) != 1) _exit(2);
    int r = pause();
    _exit(r == -1 && errno == EINTR ? 10 : 11);
  }
  if (read(ready[0], &c, 1) != 1) return;
  usleep(50000);
  stop_and_go("pause", child);
  usleep(50000);
  kill(child, SIGUSR1);
  waitpid(child, &status, 0);
  printf("pause went on to the signal: %d\n", WEXITSTATUS(status) == 10);

  child = fork();
  if (child == 0) {
    struct timespec a, b, t = {0, 500000000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (write(ready[1], "r", 1) != 1) _exit(2);
    int r = nanosleep(&t, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    _exit(r == 0 && ms >= 500 ? 20 : 21);
  }
  if (read(ready[0], &c, 1) != 1) return;
  stop_and_go("nanosleep", child);
  waitpid(child, &status, 0);
  printf("nanosleep slept its time: %d\n", WEXITSTATUS(status) == 20);

  if (pipe(tid_pipe)) return;
  child = fork();
  if (child == 0) {
    pthread_t t;
    pthread_create(&t, NULL, cond_waiter, NULL);
    if (read(ready[0], &c, 1) != 1) _exit(2);
    pthread_mutex_lock(&lock);
    go = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    _exit(30);
  }
  pid_t waiter;
  if (read(tid_pipe[0], &waiter, sizeof waiter) != sizeof waiter) return;
  usleep(50000);
  stop_and_go("condition variable waiter", waiter);
  if (write(ready[1], "g", 1) != 1) return;
  waitpid(child, &status, 0);
  printf("the waiter went on: %d\n", WEXITSTATUS(status) == 30);

  child = fork();
  if (child == 0) _exit(0);
  usleep(50000);
  result("attach zombie", pt(PTRACE_ATTACH, child, NULL, NULL));
  waitpid(child, &status, 0);

  child = fork();
  if (child == 0) {
    if (read(ready[0], &c, 1) != 1) _exit(51);
    _exit(50);
  }
  pid_t tracer_child = fork();
  if (tracer_child == 0) {
    if (pt(PTRACE_ATTACH, child, NULL, NULL) != 0) _exit(1);
    waitpid(child, &status, __WALL);
    _exit(WIFSTOPPED(status) ? 0 : 1);
  }
  waitpid(tracer_child, &status, 0);
  printf("tracer exited while its tracee stopped: %d\n", WEXITSTATUS(status));
  if (write(ready[1], "g", 1) != 1) return;
  waitpid(child, &status, 0);
  printf("its tracee went on: %d\n", WEXITSTATUS(status) == 50);
}

/* Tracees killed where they are stopped. */
static void killed_while_stopped(void) {
  static const char *const kinds[] = {"parked", "paused", "running"};
  for (int round = 0; round < 6; round++) {
    int kind = round % 3;
    pid_t child = fork();
    if (child == 0) {
      if (kind == 0) {
        int p[2];
        char c;
        if (pipe(p) == 0 && read(p[0], &c, 1) == 1) _exit(1);
      }
      if (kind == 1) for (;;) pause();
      for (volatile unsigned long n = 0;; n++) {
      }
    }
    if (round >= 3) usleep(20000);
    int status = 0;
    pt(PTRACE_ATTACH, child, NULL, NULL);
    waitpid(child, &status, __WALL);
    if (round < 3) kill(child, SIGKILL);
    else pt(PTRACE_KILL, child, NULL, NULL);
    pid_t got = waitpid(child, &status, 0);
    printf("%s tracee %s: reaped %d, %s\n", kinds[kind], round < 3 ? "SIGKILLed" : "PTRACE_KILLed", got == child,
           WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : "not killed");
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  result("attach self", pt(PTRACE_ATTACH, getpid(), NULL, NULL));
  result("attach missing", pt(PTRACE_ATTACH, 999999, NULL, NULL));
  result("getregs of a stranger", pt(PTRACE_GETREGS, getppid(), NULL, NULL));
  parent_and_child();
  stop_the_world();
  undisturbed();
  killed_while_stopped();
  return 0;
}
