// sigqueue (rt_sigqueueinfo) and rt_tgsigqueueinfo: the value and the sender reach the
// handler's siginfo (si_code SI_QUEUE, si_pid, si_value int and 64-bit pointer), real-time
// signals queue one delivery per send, a signalfd read reports ssi_int/ssi_ptr, and only a
// process signalling itself may claim a kernel si_code (EPERM).
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t count;
static volatile int last_value;
static volatile int last_code;
static volatile pid_t last_pid;
static void *volatile last_ptr;

static void on_signal(int sig, siginfo_t *info, void *ctx) {
  (void)sig;
  (void)ctx;
  count++;
  last_code = info->si_code;
  last_value = info->si_value.sival_int;
  last_pid = info->si_pid;
  last_ptr = info->si_value.sival_ptr;
}

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGRTMIN, &sa, NULL);

  union sigval v = {.sival_int = 1234};
  result("sigqueue(self, SIGUSR1, 1234)", sigqueue(getpid(), SIGUSR1, v));
  printf("handler: count %d code SI_QUEUE %d value %d from self %d\n", count, last_code == SI_QUEUE, last_value, last_pid == getpid());
  v.sival_ptr = (void *)(uintptr_t)0x123456789abcULL;
  sigqueue(getpid(), SIGUSR1, v);
  printf("pointer value: %#llx\n", (unsigned long long)(uintptr_t)last_ptr);

  // Three real-time signals while blocked: three deliveries, in order of the values.
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &rt, NULL);
  count = 0;
  pid_t child = fork();
  if (child == 0) {
    for (int i = 1; i <= 3; i++) {
      union sigval cv = {.sival_int = 100 * i};
      sigqueue(getppid(), SIGRTMIN, cv);
    }
    siginfo_t fake;
    memset(&fake, 0, sizeof fake);
    fake.si_signo = SIGUSR1;
    fake.si_code = SI_USER;
    long r = syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, &fake);
    printf("child: rt_sigqueueinfo to the parent claiming SI_USER: %ld %s\n", r, r < 0 ? strerror(errno) : "");
    _exit(0);
  }
  waitpid(child, NULL, 0);
  int sfd = signalfd(-1, &rt, 0);
  struct signalfd_siginfo si;
  ssize_t n = read(sfd, &si, sizeof si);
  printf("signalfd: %zd bytes, signo %d, code SI_QUEUE %d, ssi_int %d, from the child %d\n", n, si.ssi_signo == (uint32_t)SIGRTMIN,
         si.ssi_code == SI_QUEUE, si.ssi_int, si.ssi_pid == (uint32_t)child);
  sigprocmask(SIG_UNBLOCK, &rt, NULL);
  printf("after unblocking: %d more deliveries, last value %d\n", count, last_value);

  siginfo_t own;
  memset(&own, 0, sizeof own);
  own.si_signo = SIGUSR1;
  own.si_code = SI_USER;
  own.si_pid = getpid();
  result("rt_sigqueueinfo(self) claiming SI_USER", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &own));
  own.si_code = SI_QUEUE;
  result("rt_tgsigqueueinfo(self, main thread)", syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), SIGUSR1, &own));
  result("rt_sigqueueinfo(no such process)", syscall(SYS_rt_sigqueueinfo, 999999, SIGUSR1, &own));
  result("rt_sigqueueinfo(bad signal)", syscall(SYS_rt_sigqueueinfo, getpid(), 99, &own));
  result("rt_sigqueueinfo(bad pointer)", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, (void *)8));
  return 0;
}
