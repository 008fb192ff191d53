/* Which error a call reports when several apply, and what it reads before it fails: Linux's
 * order (the cases strace's test suite found different in the sandbox). Buffers that end where
 * an unmapped page begins show how much a call reads. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

/* A page whose next page is unmapped: tail(n) is n bytes that end at the hole. */
static char *page;
static void *tail(size_t n) { return page + 4096 - n; }

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: errno_order DIR\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(page + 4096, 4096);

  result("clock_settime(CLOCK_MONOTONIC, NULL)", syscall(SYS_clock_settime, CLOCK_MONOTONIC, NULL));
  result("clock_settime(CLOCK_THREAD_CPUTIME_ID, time)", syscall(SYS_clock_settime, CLOCK_THREAD_CPUTIME_ID, tail(16)));
  result("epoll_ctl(-1, EPOLL_CTL_MOD, -16, NULL)", syscall(SYS_epoll_ctl, -1, EPOLL_CTL_MOD, -16, NULL));
  result("futimesat(AT_FDCWD, NULL, NULL)", syscall(SYS_futimesat, AT_FDCWD, NULL, NULL));
  struct timespec bad_ns[2] = {{0, 2000000000}, {0, 0}};
  result("utimensat(missing file, bad nanoseconds)", syscall(SYS_utimensat, AT_FDCWD, "missing", bad_ns, 0));
  result("kill(missing group, bad signal)", syscall(SYS_kill, -1159983635, -889262067));
  result("kill(self, bad signal)", syscall(SYS_kill, getpid(), 99));
  result("semop(-1, NULL, 0xdeadbeef)", syscall(SYS_semop, -1, NULL, 0xdeadbeefUL));
  result("semop(-1, bad, 1)", syscall(SYS_semop, -1, tail(2), 1));
  result("sendfile(0, 1, bad offset, 4096)", syscall(SYS_sendfile, 0, 1, tail(4), 4096));
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct iovec iov = {"abc", 3};
  result("pwritev(fd, iov, 1, -1)", syscall(SYS_pwritev, fd, &iov, 1, -1L, 0L));
  result("pwritev2(fd, iov, 1, -1, 0)", syscall(SYS_pwritev2, fd, &iov, 1, -1L, 0L, 0));
  char *data = tail(100);
  memset(data, 'x', 100);
  result("write of a buffer whose end is unmapped", syscall(SYS_write, fd, data, 4096));
  struct timeval long_usec = {0, 1500000};
  result("select with tv_usec 1500000 on nothing", select(0, NULL, NULL, NULL, &long_usec));
  printf("time left: %ld.%06ld\n", (long)long_usec.tv_sec, (long)long_usec.tv_usec);
  struct timeval negative = {0, -1};
  result("select with tv_usec -1", select(0, NULL, NULL, NULL, &negative));
  gid_t invalid = (gid_t)-1;
  result("setgroups([-1])", syscall(SYS_setgroups, 1, &invalid));
  siginfo_t si;
  result("waitid(P_PGID, -1)", syscall(SYS_waitid, P_PGID, -1, &si, WEXITED, NULL));
  result("openat(-1, O_RDWR|__O_TMPFILE without O_DIRECTORY)", syscall(SYS_openat, -1, "x", O_RDWR | (O_TMPFILE & ~O_DIRECTORY), 0));
  result("openat(-1, O_RDONLY|O_TMPFILE)", syscall(SYS_openat, -1, "x", O_RDONLY | O_TMPFILE, 0));
  result("openat2 with a huge size", syscall(SYS_openat2, 0, NULL, NULL, 0xdeadbeefdeadbeefUL));
  result("mq_timedsend to a file that is no queue", syscall(SYS_mq_timedsend, fd, NULL, 0, 0, NULL));
  struct sigevent *sev = tail(16);
  result("mq_notify of a sigevent cut by the hole", syscall(SYS_mq_notify, -1, sev));

  char *name = tail(4);
  memcpy(name, "abc", 4);
  result("prctl(PR_SET_NAME) of a name that ends the page", prctl(PR_SET_NAME, name));
  char comm[16] = {0};
  prctl(PR_GET_NAME, comm);
  printf("name: %s\n", comm);
  char *longname = tail(300);
  memset(longname, 'n', 300);
  result("memfd_create of a 300-byte name without NUL", syscall(SYS_memfd_create, longname, 0));
  result("prctl(PR_GET_TIMING)", prctl(PR_GET_TIMING));
  result("prctl(PR_TASK_PERF_EVENTS_DISABLE)", prctl(PR_TASK_PERF_EVENTS_DISABLE));
  result("prctl(PR_GET_TID_ADDRESS, bad)", prctl(PR_GET_TID_ADDRESS, (void *)8));
  result("pkey_mprotect(NULL, 0, PROT_READ, 0)", syscall(SYS_pkey_mprotect, NULL, 0, PROT_READ, 0));
  result("pkey_mprotect(page + 1, 4096, PROT_READ, -1)", syscall(SYS_pkey_mprotect, page + 1, 4096, PROT_READ, -1));

  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct linger *lg = tail(8);
  lg->l_onoff = 0;
  lg->l_linger = 0;
  result("SO_LINGER, optlen 9, 8 bytes before the hole", setsockopt(u, SOL_SOCKET, SO_LINGER, lg, 9));
  struct ip_mreq mreq = {{htonl(0xe0000001)}, {htonl(INADDR_LOOPBACK)}};
  result("IP_DROP_MEMBERSHIP, optlen 7", setsockopt(u, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, 7));
  result("IPV6_ADD_MEMBERSHIP on an IPv4 socket, bad value", setsockopt(u, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, (void *)8, 20));
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  send(sv[0], "m", 1, 0);
  struct msghdr mh;
  memset(&mh, 0, sizeof mh);
  char byte;
  struct iovec riov = {&byte, 1};
  mh.msg_iov = &riov;
  mh.msg_iovlen = 1;
  mh.msg_name = (void *)8;
  mh.msg_namelen = 36;
  result("recvmsg into a bad msg_name", recvmsg(sv[1], &mh, MSG_DONTWAIT));
  result("the message was taken all the same", recv(sv[1], &byte, 1, MSG_DONTWAIT));
  int st[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, st);
  struct sockaddr_un_like { unsigned short family; char path[8]; } to = {AF_UNIX, "x"};
  result("sendto with an address on a connected unix stream", sendto(st[0], "s", 1, 0, (struct sockaddr *)&to, 1));
  int dg = socket(AF_INET, SOCK_DGRAM, 0);
  result("accept on a UDP socket", accept(dg, NULL, NULL));
  int pathfd = open(".", O_PATH);
  result("accept on an O_PATH fd", accept(pathfd, NULL, NULL));
  result("getsockname of an O_PATH fd", getsockname(pathfd, NULL, NULL));
  int tcp = socket(AF_INET, SOCK_STREAM, 0), tcp6 = socket(AF_INET6, SOCK_STREAM, 0), v;
  socklen_t vlen = sizeof v;
  result("getsockopt(TCP socket, level 500)", getsockopt(tcp, 500, 1, &v, &vlen));
  result("getsockopt(TCP socket, IPPROTO_UDP)", getsockopt(tcp, IPPROTO_UDP, 1, &v, &vlen));
  result("getsockopt(UDP socket, IPPROTO_TCP)", getsockopt(dg, IPPROTO_TCP, 1, &v, &vlen));
  result("getsockopt(UDP socket, IPPROTO_UDP, -1)", getsockopt(dg, IPPROTO_UDP, -1, &v, &vlen));
  result("setsockopt(TCP socket, level 500)", setsockopt(tcp, 500, 1, &v, sizeof v));
  result("getsockopt(TCP6 socket, level 500)", getsockopt(tcp6, 500, 1, &v, &vlen));
  result("ioctl(O_PATH fd, FIOCLEX)", ioctl(pathfd, FIOCLEX));
  int pp[2];
  if (pipe(pp) == 0) {
    char byte = 'x';
    struct iovec one = {&byte, 1};
    result("pwritev2(a pipe's read end, offset 0)", pwritev2(pp[0], &one, 1, 0, 0));
    result("preadv(a pipe's write end, offset 0)", preadv(pp[1], &one, 1, 0));
    result("pwritev2(a pipe's read end, offset -1)", pwritev2(pp[0], &one, 1, -1, 0));
  }
  char mqname[300];
  memset(mqname, 'a', sizeof mqname);
  mqname[0] = '/';
  mqname[257] = 0;
  result("mq_unlink(a 256-byte name)", mq_unlink(mqname));
  mqname[256] = 0;
  result("mq_unlink(a 255-byte name)", mq_unlink(mqname));
  if (seteuid(65534) == 0) {
    result("open(another's file, O_NOATIME)", open("/etc/passwd", O_RDONLY | O_NOATIME));
    result("seteuid back", seteuid(0));
  }
  unlink("f");
  return 0;
}
