/* A hostile program: 100+ raw syscalls (syscall(2), so neither glibc nor the vDSO gets in the
 * way) with garbage pointers ((void *)1, (void *)-1, 0xdeadbeef000, a kernel address, a page
 * that was mapped and unmapped, a buffer running into that page) and absurd lengths, flags
 * and numbers. One line per call: `name: ERRNO-NAME`, or `name: = RESULT` when it succeeds.
 *
 * Every call here is harmless natively, even as root: it fails before it changes anything
 * (bad pointer, bad flags, bad fd), or it only touches the program's own pipes, /dev/null,
 * /dev/zero and its own address space. Nothing kills, exits, execs or forks for real, nothing
 * writes to a real file, nothing mounts or sets the clock or the host name. Output must not
 * depend on addresses (they differ between native runs and tsvisor). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Hidden from the compiler, so it neither warns nor assumes anything about them. */
static char *volatile B1 = (char *)1;
static char *volatile BM1 = (char *)-1;
static char *volatile BD = (char *)0xdeadbeef000UL;
static char *volatile BK = (char *)0xffff888000000000UL; /* the kernel's half */
static char *U;    /* a page that was mapped, then unmapped */
static char *EDGE; /* the last 8 bytes before U, mapped and writable */
static volatile size_t HUGE = (size_t)-1;
static volatile size_t BIG = (size_t)1 << 40;

static int count;

static void report(const char *name, long r) {
  count++;
  if (r == -1) printf("%s: %s\n", name, strerrorname_np(errno));
  else printf("%s: = %ld\n", name, r);
  fflush(stdout);
}

#define T(name, ...) report(name, syscall(__VA_ARGS__))

int main(void) {
  /* The unmapped page: two pages mapped, the second unmapped. */
  char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (two == MAP_FAILED) return 1;
  munmap(two + 4096, 4096);
  U = two + 4096;
  EDGE = U - 8;

  int zero = open("/dev/zero", O_RDONLY);
  int null = open("/dev/null", O_RDWR);
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  int p[2];
  if (pipe2(p, O_NONBLOCK) != 0) return 1;
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0) return 1;
  int ep = epoll_create1(0);
  int efd = eventfd(0, EFD_NONBLOCK);
  int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  int us = socket(AF_UNIX, SOCK_STREAM, 0);
  if (zero < 0 || null < 0 || dir < 0 || ep < 0 || efd < 0 || tfd < 0 || us < 0) return 1;
  char buf[256];
  struct timespec ts0 = {0, 0};
  sigset_t set;
  sigemptyset(&set);
  long fdset[16] = {0};

  /* read, write and their vectored and positioned forms */
  T("read zero B1", SYS_read, zero, B1, 16);
  T("read zero -1", SYS_read, zero, BM1, 16);
  T("read zero deadbeef", SYS_read, zero, BD, 4096);
  T("read zero unmapped", SYS_read, zero, U, 1);
  T("read zero kernel", SYS_read, zero, BK, 16);
  T("read zero huge length", SYS_read, zero, B1, HUGE);
  T("read zero straddling the unmapped page", SYS_read, zero, EDGE, 16);
  T("read null B1", SYS_read, null, B1, 16);
  T("read null kernel", SYS_read, null, BK, 16);
  T("read null huge length", SYS_read, null, B1, HUGE);
  T("read bad fd", SYS_read, 9999, buf, 16);
  T("write null B1", SYS_write, null, B1, 16);
  T("write null huge length", SYS_write, null, B1, HUGE);
  T("write null kernel", SYS_write, null, BK, 16);
  T("write pipe B1", SYS_write, p[1], B1, 16);
  T("write pipe unmapped", SYS_write, p[1], U, 100);
  T("write pipe huge length", SYS_write, p[1], BD, BIG);
  T("write read-only fd", SYS_write, zero, buf, 1);
  T("pread64 zero B1", SYS_pread64, zero, B1, 16, 0);
  T("pread64 negative offset", SYS_pread64, zero, buf, 16, -1L);
  T("pread64 pipe", SYS_pread64, p[0], buf, 16, 0);
  T("pwrite64 null negative offset", SYS_pwrite64, null, buf, 16, -1L);
  T("pwrite64 null kernel", SYS_pwrite64, null, BK, 16, 0);
  T("readv iov B1", SYS_readv, zero, B1, 1);
  T("readv iovcnt -1", SYS_readv, zero, buf, -1);
  T("readv iovcnt 1025", SYS_readv, zero, buf, 1025);
  {
    struct iovec iov[2] = {{B1, 16}, {buf, 16}};
    T("readv base B1", SYS_readv, zero, iov, 1);
    struct iovec neg[1] = {{buf, (size_t)-1}};
    T("readv length -1", SYS_readv, zero, neg, 1);
    T("writev base B1 to pipe", SYS_writev, p[1], iov, 1);
    T("writev iov unmapped", SYS_writev, null, U, 1);
    T("preadv iov deadbeef", SYS_preadv, zero, BD, 1, 0, 0);
    T("pwritev iov -1", SYS_pwritev, null, BM1, 1, 0, 0);
    struct iovec ok[1] = {{buf, 16}};
    T("preadv2 bad flags", SYS_preadv2, zero, ok, 1, 0, 0, 0x7fff0000);
    T("pwritev2 bad flags", SYS_pwritev2, null, ok, 1, 0, 0, 0x7fff0000);
  }

  /* paths */
  T("open B1", SYS_open, B1, O_RDONLY);
  T("open -1", SYS_open, BM1, O_RDONLY);
  T("open unmapped", SYS_open, U, O_RDONLY);
  T("open path straddling the unmapped page", SYS_open, (memset(EDGE, 'a', 8), EDGE), O_RDONLY);
  T("openat deadbeef", SYS_openat, AT_FDCWD, BD, O_RDONLY);
  T("openat bad dirfd", SYS_openat, 9999, "x", O_RDONLY);
  T("openat dirfd not a directory", SYS_openat, null, "x", O_RDONLY);
  T("creat B1", SYS_creat, B1, 0644);
  T("stat path B1", SYS_stat, B1, buf);
  T("stat buf B1", SYS_stat, "/", B1);
  T("stat buf straddling", SYS_stat, "/", EDGE);
  T("lstat buf kernel", SYS_lstat, "/", BK);
  T("fstat buf unmapped", SYS_fstat, zero, U);
  T("fstat bad fd", SYS_fstat, 9999, buf);
  T("newfstatat path B1", SYS_newfstatat, AT_FDCWD, B1, buf, 0);
  T("newfstatat bad flags", SYS_newfstatat, AT_FDCWD, "/", buf, 0x7fff0000);
  T("statx buf B1", SYS_statx, AT_FDCWD, "/", 0, 0x7ff, B1);
  T("statx path -1", SYS_statx, AT_FDCWD, BM1, 0, 0x7ff, buf);
  T("statx bad flags", SYS_statx, AT_FDCWD, "/", 0x7fff0000, 0x7ff, buf);
  T("access B1", SYS_access, B1, F_OK);
  T("access bad mode", SYS_access, "/", 0xff);
  T("faccessat unmapped", SYS_faccessat, AT_FDCWD, U, F_OK);
  T("faccessat2 bad flags", SYS_faccessat2, AT_FDCWD, "/", F_OK, 0x7fff0000);
  T("readlink path B1", SYS_readlink, B1, buf, sizeof buf);
  T("readlink buf B1", SYS_readlink, "/proc/self/exe", B1, 100);
  T("readlink size 0", SYS_readlink, "/proc/self/exe", buf, 0);
  T("readlink size -1", SYS_readlink, "/proc/self/exe", buf, -1);
  T("readlinkat deadbeef", SYS_readlinkat, AT_FDCWD, BD, buf, sizeof buf);
  T("getcwd B1", SYS_getcwd, B1, 4096);
  T("getcwd size 0", SYS_getcwd, buf, 0);
  T("getcwd size 1", SYS_getcwd, buf, 1);
  T("chdir B1", SYS_chdir, B1);
  T("fchdir bad fd", SYS_fchdir, 9999);
  T("fchdir not a directory", SYS_fchdir, null);
  T("chroot B1", SYS_chroot, B1);
  T("mkdir B1", SYS_mkdir, B1, 0755);
  T("mkdirat -1", SYS_mkdirat, AT_FDCWD, BM1, 0755);
  T("rmdir B1", SYS_rmdir, B1);
  T("unlink B1", SYS_unlink, B1);
  T("unlinkat bad flags", SYS_unlinkat, AT_FDCWD, "/nonexistent-tsvisor", 0x7fff0000);
  T("unlinkat deadbeef", SYS_unlinkat, AT_FDCWD, BD, 0);
  T("rename B1", SYS_rename, B1, B1);
  T("renameat2 bad flags", SYS_renameat2, AT_FDCWD, "/nonexistent-a", AT_FDCWD, "/nonexistent-b", 0xff);
  T("link B1", SYS_link, B1, B1);
  T("linkat bad flags", SYS_linkat, AT_FDCWD, "/nonexistent-a", AT_FDCWD, "/nonexistent-b", 0x7fff0000);
  T("symlink B1", SYS_symlink, B1, B1);
  T("symlinkat unmapped", SYS_symlinkat, U, AT_FDCWD, U);
  T("chmod B1", SYS_chmod, B1, 0644);
  T("fchmodat -1", SYS_fchmodat, AT_FDCWD, BM1, 0644);
  T("fchmod bad fd", SYS_fchmod, 9999, 0644);
  T("chown B1", SYS_chown, B1, 0, 0);
  T("lchown deadbeef", SYS_lchown, BD, 0, 0);
  T("fchownat bad flags", SYS_fchownat, AT_FDCWD, "/nonexistent-tsvisor", 0, 0, 0x7fff0000);
  T("utimensat times B1", SYS_utimensat, AT_FDCWD, "/nonexistent-tsvisor", B1, 0);
  T("utimensat bad flags", SYS_utimensat, AT_FDCWD, "/nonexistent-tsvisor", NULL, 0x7fff0000);
  T("utimes B1", SYS_utimes, B1, NULL);
  T("utime B1", SYS_utime, B1, NULL);
  T("futimesat times B1", SYS_futimesat, AT_FDCWD, "/nonexistent-tsvisor", B1);
  T("truncate B1", SYS_truncate, B1, 0);
  T("truncate negative length", SYS_truncate, "/nonexistent-tsvisor", -1L);
  T("ftruncate negative length", SYS_ftruncate, null, -1L);
  T("ftruncate bad fd", SYS_ftruncate, 9999, 0);
  T("mknod B1", SYS_mknod, B1, S_IFIFO | 0600, 0);
  T("mknodat deadbeef", SYS_mknodat, AT_FDCWD, BD, S_IFIFO | 0600, 0);
  T("statfs path B1", SYS_statfs, B1, buf);
  T("statfs buf B1", SYS_statfs, "/", B1);
  T("fstatfs buf unmapped", SYS_fstatfs, zero, U);
  T("getdents64 buf B1", SYS_getdents64, dir, B1, 4096);
  T("getdents64 buf kernel", SYS_getdents64, dir, BK, 4096);
  T("getdents64 count 0", SYS_getdents64, dir, buf, 0);
  T("getdents64 not a directory", SYS_getdents64, null, buf, sizeof buf);
  T("getdents64 huge length", SYS_getdents64, dir, BD, HUGE);

  /* file descriptors */
  T("lseek bad whence", SYS_lseek, zero, 0, 99);
  T("lseek bad fd", SYS_lseek, 9999, 0, SEEK_SET);
  T("lseek pipe", SYS_lseek, p[0], 0, SEEK_SET);
  T("dup bad fd", SYS_dup, 9999);
  T("dup2 negative newfd", SYS_dup2, null, -1);
  T("dup2 huge newfd", SYS_dup2, null, 1 << 30);
  T("dup3 same fd", SYS_dup3, null, null, 0);
  T("dup3 bad flags", SYS_dup3, null, 100, 0x7fff0000);
  T("fcntl bad cmd", SYS_fcntl, null, 0xdead);
  T("fcntl F_GETLK B1", SYS_fcntl, null, F_GETLK, B1);
  T("fcntl F_SETLK deadbeef", SYS_fcntl, null, F_SETLK, BD);
  T("fcntl F_DUPFD negative", SYS_fcntl, null, F_DUPFD, -1);
  T("fcntl F_DUPFD huge", SYS_fcntl, null, F_DUPFD, 1 << 30);
  T("close bad fd", SYS_close, 9999);
  T("close negative fd", SYS_close, -1);
  T("close_range reversed", SYS_close_range, 10, 5, 0);
  T("close_range bad flags", SYS_close_range, 9000, 9001, 0x7fff0000);
  T("pipe B1", SYS_pipe, B1);
  T("pipe2 unmapped", SYS_pipe2, U, 0);
  T("pipe2 bad flags", SYS_pipe2, buf, 0x7fff0000);
  T("ioctl FIONREAD B1", SYS_ioctl, p[0], FIONREAD, B1);
  T("ioctl FIONBIO B1", SYS_ioctl, p[0], FIONBIO, B1);
  T("ioctl unknown request", SYS_ioctl, p[0], 0xdeadbeefUL, 0);
  T("ioctl TCGETS on /dev/null", SYS_ioctl, null, 0x5401, B1);
  T("ioctl bad fd", SYS_ioctl, 9999, FIONREAD, buf);
  T("sendfile offset B1", SYS_sendfile, null, zero, B1, 16);
  T("sendfile bad fd", SYS_sendfile, 9999, zero, NULL, 16);
  T("copy_file_range offset B1", SYS_copy_file_range, zero, B1, null, NULL, 16, 0);
  T("copy_file_range bad flags", SYS_copy_file_range, zero, NULL, null, NULL, 16, 0xff);
  T("fsync bad fd", SYS_fsync, 9999);
  T("fdatasync bad fd", SYS_fdatasync, 9999);
  T("syncfs bad fd", SYS_syncfs, 9999);
  T("fallocate bad fd", SYS_fallocate, 9999, 0, 0, 16);
  T("fallocate negative offset", SYS_fallocate, null, 0, -1L, 16);
  T("fadvise64 bad advice", SYS_fadvise64, null, 0, 0, 999);

  /* readiness */
  T("poll fds B1", SYS_poll, B1, 1, 0);
  T("poll nfds huge", SYS_poll, NULL, 1 << 30, 0);
  T("ppoll fds deadbeef", SYS_ppoll, BD, 1, &ts0, NULL, 8);
  T("ppoll timeout B1", SYS_ppoll, NULL, 0, B1, NULL, 8);
  T("ppoll sigmask B1", SYS_ppoll, NULL, 0, &ts0, B1, 8);
  T("select readfds B1", SYS_select, 1, B1, NULL, NULL, &ts0);
  T("select negative nfds", SYS_select, -1, NULL, NULL, NULL, &ts0);
  T("select timeout B1", SYS_select, 1, fdset, NULL, NULL, B1);
  T("pselect6 sigmask struct B1", SYS_pselect6, 1, NULL, NULL, NULL, &ts0, B1);
  T("epoll_create 0", SYS_epoll_create, 0);
  T("epoll_create1 bad flags", SYS_epoll_create1, 0x7fff0000);
  T("epoll_ctl event B1", SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], B1);
  T("epoll_ctl bad op", SYS_epoll_ctl, ep, 99, p[0], buf);
  T("epoll_ctl on itself", SYS_epoll_ctl, ep, EPOLL_CTL_ADD, ep, buf);
  T("epoll_wait events kernel", SYS_epoll_wait, ep, BK, 1, 0);
  T("epoll_wait maxevents 0", SYS_epoll_wait, ep, buf, 0, 0);
  T("epoll_wait maxevents -1", SYS_epoll_wait, ep, buf, -1, 0);
  T("epoll_wait not epoll", SYS_epoll_wait, null, buf, 1, 0);
  T("epoll_pwait sigmask B1", SYS_epoll_pwait, ep, buf, 1, 0, B1, 8);
  T("epoll_pwait2 timeout B1", SYS_epoll_pwait2, ep, buf, 1, B1, NULL, 8);
  T("eventfd2 bad flags", SYS_eventfd2, 0, 0x7fff0000);
  T("eventfd write B1", SYS_write, efd, B1, 8);
  T("eventfd read short", SYS_read, efd, buf, 4);
  T("timerfd_create bad clock", SYS_timerfd_create, 99, 0);
  T("timerfd_settime new B1", SYS_timerfd_settime, tfd, 0, B1, NULL);
  T("timerfd_settime bad flags", SYS_timerfd_settime, tfd, 0xff, buf, NULL);
  T("timerfd_gettime B1", SYS_timerfd_gettime, tfd, B1);

  /* sockets */
  {
    socklen_t len = sizeof buf;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    T("socket bad family", SYS_socket, 9999, SOCK_STREAM, 0);
    T("socket bad type", SYS_socket, AF_UNIX, 0xff, 0);
    T("socketpair sv B1", SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, B1);
    T("bind addr B1", SYS_bind, us, B1, sizeof sun);
    T("bind addrlen 0", SYS_bind, us, &sun, 0);
    T("bind addrlen 1000", SYS_bind, us, &sun, 1000);
    T("connect addr -1", SYS_connect, us, BM1, sizeof sun);
    T("accept not listening", SYS_accept, us, B1, B1);
    T("getsockname addr B1", SYS_getsockname, us, B1, &len);
    len = sizeof buf;
    T("getsockname addrlen B1", SYS_getsockname, us, buf, B1);
    T("getpeername unconnected", SYS_getpeername, us, buf, &len);
    T("setsockopt optval B1", SYS_setsockopt, us, SOL_SOCKET, SO_RCVBUF, B1, 4);
    len = 4;
    T("getsockopt optval B1", SYS_getsockopt, us, SOL_SOCKET, SO_TYPE, B1, &len);
    T("getsockopt optlen B1", SYS_getsockopt, us, SOL_SOCKET, SO_TYPE, buf, B1);
    T("sendto buf B1", SYS_sendto, sp[0], B1, 10, MSG_DONTWAIT, NULL, 0);
    T("sendmsg msghdr B1", SYS_sendmsg, sp[0], B1, MSG_DONTWAIT);
    T("recvmsg msghdr deadbeef", SYS_recvmsg, sp[1], BD, MSG_DONTWAIT);
    T("sendmmsg vector B1", SYS_sendmmsg, sp[0], B1, 1, MSG_DONTWAIT);
    T("recvmmsg vector deadbeef", SYS_recvmmsg, sp[1], BD, 1, MSG_DONTWAIT, NULL);
    T("shutdown bad how", SYS_shutdown, sp[0], 99);
    T("listen bad fd", SYS_listen, 9999, 1);
    T("connect not a socket", SYS_connect, null, &sun, sizeof sun);
  }

  /* memory */
  T("mmap length 0", SYS_mmap, NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  T("mmap no type", SYS_mmap, NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0);
  T("mmap huge length", SYS_mmap, NULL, HUGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  T("mmap fixed unaligned", SYS_mmap, B1, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  T("mmap bad fd", SYS_mmap, NULL, 4096, PROT_READ, MAP_PRIVATE, 9999, 0);
  T("mmap unaligned offset", SYS_mmap, NULL, 4096, PROT_READ, MAP_PRIVATE, zero, 1);
  T("munmap unaligned", SYS_munmap, B1, 4096);
  T("munmap length 0", SYS_munmap, U, 0);
  T("mprotect unaligned", SYS_mprotect, B1, 4096, PROT_READ);
  T("mprotect unmapped", SYS_mprotect, U, 4096, PROT_READ);
  T("madvise bad advice", SYS_madvise, U, 4096, 999);
  T("mremap unmapped", SYS_mremap, U, 4096, 8192, 0);
  T("mremap bad flags", SYS_mremap, two, 4096, 8192, 0xff);
  T("mincore unmapped", SYS_mincore, U, 4096, buf);
  T("mincore vec B1", SYS_mincore, two, 4096, B1);
  {
    long before = syscall(SYS_brk, 0);
    long after = syscall(SYS_brk, B1);
    count++;
    printf("brk B1: %s\n", after == before ? "unchanged" : "moved");
  }

  /* time */
  T("clock_gettime B1", SYS_clock_gettime, CLOCK_MONOTONIC, B1);
  T("clock_gettime bad clock", SYS_clock_gettime, 999, buf);
  T("clock_getres bad clock", SYS_clock_getres, 999, buf);
  T("clock_nanosleep request B1", SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, B1, NULL);
  {
    struct timespec bad_ns = {0, 2000000000L};
    struct timespec neg = {-1, 0};
    T("clock_nanosleep bad nsec", SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad_ns, NULL);
    T("clock_nanosleep bad clock", SYS_clock_nanosleep, 999, 0, &ts0, NULL);
    T("nanosleep negative", SYS_nanosleep, &neg, NULL);
    T("nanosleep request -1", SYS_nanosleep, BM1, NULL);
  }
  T("gettimeofday B1", SYS_gettimeofday, B1, NULL);
  T("time B1", SYS_time, B1);
  T("getitimer bad which", SYS_getitimer, 99, buf);
  T("getitimer value B1", SYS_getitimer, ITIMER_REAL, B1);
  T("setitimer value B1", SYS_setitimer, ITIMER_REAL, B1, NULL);
  T("timer_create bad clock", SYS_timer_create, 99, NULL, buf);
  T("timer_create sigevent B1", SYS_timer_create, CLOCK_MONOTONIC, B1, buf);
  T("timer_settime bad id", SYS_timer_settime, 12345, 0, buf, NULL);
  T("timer_gettime bad id", SYS_timer_gettime, 12345, buf);
  T("timer_getoverrun bad id", SYS_timer_getoverrun, 12345);
  T("timer_delete bad id", SYS_timer_delete, 12345);
  T("times B1", SYS_times, B1);
  T("getrusage B1", SYS_getrusage, RUSAGE_SELF, B1);
  T("getrusage bad who", SYS_getrusage, 99, buf);
  T("sysinfo B1", SYS_sysinfo, B1);
  T("uname B1", SYS_uname, B1);

  /* signals */
  T("rt_sigaction act B1", SYS_rt_sigaction, SIGUSR1, B1, NULL, 8);
  T("rt_sigaction oldact B1", SYS_rt_sigaction, SIGUSR1, NULL, B1, 8);
  {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    T("rt_sigaction SIGKILL", SYS_rt_sigaction, SIGKILL, &sa, NULL, 8);
  }
  T("rt_sigaction signal 0", SYS_rt_sigaction, 0, NULL, buf, 8);
  T("rt_sigaction signal 65", SYS_rt_sigaction, 65, NULL, buf, 8);
  T("rt_sigaction sigsetsize 4", SYS_rt_sigaction, SIGUSR1, NULL, buf, 4);
  T("rt_sigprocmask set B1", SYS_rt_sigprocmask, SIG_BLOCK, B1, NULL, 8);
  T("rt_sigprocmask oldset B1", SYS_rt_sigprocmask, SIG_BLOCK, NULL, B1, 8);
  T("rt_sigprocmask bad how", SYS_rt_sigprocmask, 99, &set, NULL, 8);
  T("rt_sigprocmask sigsetsize 4", SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4);
  T("rt_sigpending B1", SYS_rt_sigpending, B1, 8);
  T("rt_sigtimedwait set B1", SYS_rt_sigtimedwait, B1, NULL, &ts0, 8);
  T("rt_sigtimedwait timeout B1", SYS_rt_sigtimedwait, &set, NULL, B1, 8);
  T("rt_sigsuspend B1", SYS_rt_sigsuspend, B1, 8);
  T("rt_sigsuspend sigsetsize 4", SYS_rt_sigsuspend, &set, 4);
  T("sigaltstack ss B1", SYS_sigaltstack, B1, NULL);
  T("sigaltstack old B1", SYS_sigaltstack, NULL, B1);
  {
    stack_t ss = {.ss_sp = buf, .ss_size = sizeof buf, .ss_flags = 0xff};
    T("sigaltstack bad flags", SYS_sigaltstack, &ss, NULL);
  }
  T("kill bad signal", SYS_kill, getpid(), 99);
  T("kill no such pid", SYS_kill, 1 << 30, 0);
  T("tkill negative tid", SYS_tkill, -1, 0);
  T("tgkill negative", SYS_tgkill, -1, -1, 0);
  T("tgkill bad signal", SYS_tgkill, getpid(), getpid(), 99);

  /* processes and identity */
  T("wait4 status B1, no child", SYS_wait4, -1, B1, WNOHANG, NULL);
  T("wait4 bad options", SYS_wait4, -1, NULL, 0x7fff0000, NULL);
  T("waitid bad idtype", SYS_waitid, 99, 0, buf, WEXITED, NULL);
  T("waitid infop B1, no child", SYS_waitid, P_ALL, 0, B1, WEXITED | WNOHANG, NULL);
  T("waitid no options", SYS_waitid, P_ALL, 0, buf, 0, NULL);
  T("getrlimit B1", SYS_getrlimit, RLIMIT_NOFILE, B1);
  T("getrlimit bad resource", SYS_getrlimit, 999, buf);
  T("setrlimit B1", SYS_setrlimit, RLIMIT_NOFILE, B1);
  T("prlimit64 new B1", SYS_prlimit64, 0, RLIMIT_NOFILE, B1, NULL);
  T("prlimit64 old deadbeef", SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, BD);
  T("prlimit64 bad resource", SYS_prlimit64, 0, 999, NULL, buf);
  T("prlimit64 no such pid", SYS_prlimit64, 1 << 30, RLIMIT_NOFILE, NULL, buf);
  T("getgroups negative", SYS_getgroups, -1, buf);
  T("setgroups list B1", SYS_setgroups, 1, B1);
  T("setgroups negative", SYS_setgroups, -1, buf);
  T("getresuid B1", SYS_getresuid, B1, B1, B1);
  T("getresgid unmapped", SYS_getresgid, U, U, U);
  T("capget header B1", SYS_capget, B1, NULL);
  T("capset header B1", SYS_capset, B1, B1);
  T("prctl PR_SET_NAME B1", SYS_prctl, PR_SET_NAME, B1, 0, 0, 0);
  T("prctl PR_GET_NAME B1", SYS_prctl, PR_GET_NAME, B1, 0, 0, 0);
  T("prctl bad option", SYS_prctl, 0xdead, 0, 0, 0, 0);
  T("arch_prctl bad code", SYS_arch_prctl, 0xdead, 0);
  T("arch_prctl ARCH_GET_FS B1", SYS_arch_prctl, 0x1003, B1);
  T("set_robust_list bad length", SYS_set_robust_list, B1, 1);
  {
    static int word = 0;
    T("futex FUTEX_WAIT B1", SYS_futex, B1 + 3, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    T("futex FUTEX_WAIT deadbeef", SYS_futex, BD, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    T("futex FUTEX_WAKE unmapped", SYS_futex, U, FUTEX_WAKE, 1, NULL, NULL, 0);
    T("futex unaligned", SYS_futex, (char *)&word + 1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    T("futex value differs", SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
    T("futex timeout B1", SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, B1, NULL, 0);
    T("futex bad op", SYS_futex, &word, 0x7f, 0, NULL, NULL, 0);
  }
  T("sched_getaffinity mask B1", SYS_sched_getaffinity, 0, 128, B1);
  T("sched_getaffinity length 1", SYS_sched_getaffinity, 0, 1, buf);
  T("sched_setaffinity mask B1", SYS_sched_setaffinity, 0, 128, B1);
  T("sched_getaffinity no such pid", SYS_sched_getaffinity, 1 << 30, 128, buf);
  T("getcpu B1", SYS_getcpu, B1, NULL, NULL);
  T("getrandom B1", SYS_getrandom, B1, 16, 0);
  T("getrandom bad flags", SYS_getrandom, buf, 16, 0x7fff0000);
  T("getrandom huge length deadbeef", SYS_getrandom, BD, BIG, 0);
  T("setpgid negative pgid", SYS_setpgid, 0, -1);
  T("getpgid no such pid", SYS_getpgid, 1 << 30);
  T("getsid no such pid", SYS_getsid, 1 << 30);
  T("execve path B1", SYS_execve, B1, NULL, NULL);
  T("execve path unmapped", SYS_execve, U, NULL, NULL);
  T("clone CLONE_SIGHAND without CLONE_VM", SYS_clone, CLONE_SIGHAND, NULL, NULL, NULL, 0);
  T("clone CLONE_THREAD without CLONE_SIGHAND", SYS_clone, CLONE_THREAD | CLONE_VM, NULL, NULL, NULL, 0);
  T("clone3 args B1", SYS_clone3, B1, 88);
  T("clone3 size 1", SYS_clone3, buf, 1);
  /* openat2, signalfd, inotify */
  T("openat2 how B1", SYS_openat2, AT_FDCWD, "/", B1, 24);
  T("signalfd4 mask B1", SYS_signalfd4, -1, B1, 8, 0);
  T("inotify_add_watch bad fd", SYS_inotify_add_watch, 9999, B1, 0);

  /* memfd, locks, memory, scheduling, splice */
  T("memfd_create name B1", SYS_memfd_create, B1, 0);
  T("flock bad fd", SYS_flock, 9999, LOCK_EX);
  T("msync unmapped", SYS_msync, U, 4096, MS_SYNC);
  T("mlock unmapped", SYS_mlock, U, 4096);
  T("getpriority bad which", SYS_getpriority, 99, 0);
  T("sched_getparam B1", SYS_sched_getparam, 0, B1);
  T("splice bad fd", SYS_splice, 9999, NULL, 9999, NULL, 16, 0);
  T("pidfd_open bad flags", SYS_pidfd_open, 1, 0xffff);
  T("rt_sigqueueinfo info B1", SYS_rt_sigqueueinfo, 1, SIGUSR1, B1);
  T("io_setup ctx B1", SYS_io_setup, 8, B1);

  /* syscalls tsvisor does not implement (ENOSYS there, and one report line per name) */
  T("get_robust_list B1", SYS_get_robust_list, 0, B1, B1);
  T("readahead bad fd", SYS_readahead, 9999, 0, 4096);
  T("unsupported io_uring_setup params B1", SYS_io_uring_setup, 8, B1);
  T("mq_open name B1", SYS_mq_open, B1, 0, 0, NULL);
  T("shmat bad id", SYS_shmat, -1, NULL, 0);
  T("shmctl IPC_INFO to B1", SYS_shmctl, 0, IPC_INFO, B1);
  T("semop sops B1", SYS_semop, 0, B1, 1);
  T("msgsnd msgp deadbeef", SYS_msgsnd, 0, BD, 8, IPC_NOWAIT);
  T("msgrcv size -1", SYS_msgrcv, 0, BM1, -1L, 0, IPC_NOWAIT);
  T("mq_timedsend fd -1", SYS_mq_timedsend, -1, B1, 1, 0, NULL);
  T("syscall number -1", -1L);
  T("syscall number 100000", 100000L);
  T("syscall number 2^32 + close (Linux reads an int)", (1L << 32) | SYS_close, 9999);
  {
    struct iovec huge[2] = {{buf, 16}, {buf, (1UL << 47) - 1}};
    T("writev second iov 2^47 - 1 long", SYS_writev, p[1], huge, 2);
    T("readv second iov 2^47 - 1 long", SYS_readv, zero, huge, 2);
  }
  T("syscall number 2^63 - 1 (the int -1)", 0x7fffffffffffffffL);

  /* Found by the syscall fuzzer's --safe comparison (docs/fuzzing.md). */
  T("getrlimit NULL", SYS_getrlimit, RLIMIT_NOFILE, NULL);
  T("getrlimit bad resource, NULL", SYS_getrlimit, 999, NULL);
  T("setrlimit NULL", SYS_setrlimit, RLIMIT_NOFILE, NULL);
  T("getcwd size -1 to B1", SYS_getcwd, B1, HUGE);
  T("getdents64 count 2^32 (an unsigned int: 0)", SYS_getdents64, dir, buf, 1L << 32);
  T("sched_getaffinity length 1, no such pid", SYS_sched_getaffinity, -1, 1, buf);
  T("fgetxattr bad fd, name deadbeef", SYS_fgetxattr, 9999, BD, buf, sizeof buf);
  T("getxattr missing path, name B1", SYS_getxattr, "/nonexistent", B1, buf, sizeof buf);
  T("getdents64 count 2^31 (negative as an int)", SYS_getdents64, dir, buf, 1L << 31);
  T("pread64 bad fd, negative offset", SYS_pread64, 9999, buf, 16, -1L);
  T("pread64 pipe, buffer B1", SYS_pread64, p[0], B1, 16, 0);
  T("pwrite64 pipe's read end", SYS_pwrite64, p[0], buf, 16, 0);
  T("read directory, 0 bytes", SYS_read, dir, buf, 0);
  T("newfstatat NULL path, AT_EMPTY_PATH, bad fd", SYS_newfstatat, 9999, NULL, buf, AT_EMPTY_PATH);
  T("newfstatat NULL path, AT_EMPTY_PATH and a bad flag", SYS_newfstatat, dir, NULL, buf, AT_EMPTY_PATH | 0x40000000);
  T("statx NULL path, AT_EMPTY_PATH, fd -5", SYS_statx, -5, NULL, AT_EMPTY_PATH, 0, buf);

  printf("calls: %d\n", count);
  return 0;
}
