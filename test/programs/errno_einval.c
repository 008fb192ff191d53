/* EINVAL (and kin) for bad flags, commands, whence values, clocks, signals and sizes.
 * Raw syscalls where glibc would check first. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(void) {
  char buf[64];
  int p[2], st;
  struct timespec ts;
  struct rlimit rl;
  siginfo_t si;
  int fd = open("/dev/null", O_RDONLY);
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  report("dup3 onto itself", dup3(fd, fd, 0));
  report("dup3 with bad flags", dup3(fd, 30, 0x1234));
  report("fcntl with an unknown command", fcntl(fd, 9999));
  report("pipe2 with O_WRONLY in flags", pipe2(p, O_WRONLY));
  report("lseek with whence 42", lseek(fd, 0, 42));
  report("mmap of length 0", (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  report("mmap neither shared nor private", (long)mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0));
  report("clock_gettime of clock 12345", syscall(SYS_clock_gettime, 12345, &ts));
  report("clock_getres of clock 99", syscall(SYS_clock_getres, 99, &ts));
  ts.tv_sec = 0, ts.tv_nsec = 1000000000;
  report("nanosleep with tv_nsec 1e9", syscall(SYS_nanosleep, &ts, NULL));
  ts.tv_sec = -1, ts.tv_nsec = 0;
  report("nanosleep with tv_sec -1", syscall(SYS_nanosleep, &ts, NULL));
  report("kill with signal 999", kill(getpid(), 999));
  struct sigaction sa = {.sa_handler = SIG_IGN};
  report("sigaction SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, &sa, NULL, 8));
  report("sigaction SIGSTOP", syscall(SYS_rt_sigaction, SIGSTOP, &sa, NULL, 8));
  report("sigaction signal 0", syscall(SYS_rt_sigaction, 0, &sa, NULL, 8));
  report("sigaction signal 65", syscall(SYS_rt_sigaction, 65, &sa, NULL, 8));
  report("sigaction sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 4));
  report("sigprocmask how 99", syscall(SYS_rt_sigprocmask, 99, buf, NULL, 8));
  report("wait4 with unknown options", wait4(-1, &st, 0x1000, NULL));
  report("waitid with idtype 99", waitid(99, 0, &si, WEXITED));
  report("waitid without WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG));
  report("getrlimit resource 999", syscall(SYS_getrlimit, 999, &rl));
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max + 1;
  report("setrlimit soft above hard", setrlimit(RLIMIT_NOFILE, &rl));
  report("getcwd of size 0 (raw)", syscall(SYS_getcwd, buf, 0));
  report("readlink with size 0 (raw)", syscall(SYS_readlink, "/proc/self/exe", buf, 0));
  report("getrandom with flags 0x100", getrandom(buf, 8, 0x100));
  report("getdents64 into 1 byte", syscall(SYS_getdents64, dir, buf, 1));
  report("getdents64 of a regular file", syscall(SYS_getdents64, fd, buf, sizeof buf));
  report("poll nfds above RLIMIT_NOFILE", syscall(SYS_poll, buf, 1 << 30, 0));
  report("select nfds -1", select(-1, NULL, NULL, NULL, NULL));
  report("setpgid to pgid -1", setpgid(0, -1));
  report("prctl option 9999", prctl(9999, 0, 0, 0, 0));
  return 0;
}
