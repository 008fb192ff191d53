// A socketpair of AF_UNIX datagram sockets: each write is one datagram to the other socket,
// read back whole (or cut, the rest lost), FIONREAD giving the next datagram's size and
// SIOCINQ on a stream pair; once one end is closed the other's writes are refused.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sockios.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  int p[2];
  result("socketpair(SOCK_DGRAM)", socketpair(AF_UNIX, SOCK_DGRAM, 0, p));
  result("write abc", write(p[0], "abc", 3));
  result("write defghij", write(p[0], "defghij", 7));
  result("send from the other end", send(p[1], "xy", 2, 0));
  int queued = -1;
  result("FIONREAD", ioctl(p[1], FIONREAD, &queued));
  printf("  next datagram: %d bytes\n", queued);
  char buf[16];
  long n = read(p[1], buf, sizeof buf);
  result("read", n);
  printf("  %.*s\n", (int)n, buf);
  n = recv(p[1], buf, 4, MSG_TRUNC);
  result("recv 4 of 7 with MSG_TRUNC", n);
  printf("  %.4s\n", buf);
  result("read, nothing left (non-blocking)", recv(p[1], buf, sizeof buf, MSG_DONTWAIT));
  n = read(p[0], buf, sizeof buf);
  result("read on the first end", n);
  close(p[1]);
  result("write after the other end closed", write(p[0], "z", 1));
  close(p[0]);

  result("socketpair(SOCK_STREAM)", socketpair(AF_UNIX, SOCK_STREAM, 0, p));
  write(p[0], "hello", 5);
  write(p[0], "!", 1);
  result("SIOCINQ", ioctl(p[1], SIOCINQ, &queued));
  printf("  %d bytes\n", queued);
  // What SIOCOUTQ counts on Linux is memory, not bytes (1536 here): only the call's result is compared.
  result("SIOCOUTQ", ioctl(p[0], SIOCOUTQ, &queued));
  result("read 2", read(p[1], buf, 2));
  result("FIONREAD", ioctl(p[1], FIONREAD, &queued));
  printf("  %d bytes\n", queued);
  return 0;
}
