/* Urgent data (MSG_OOB) on TCP over the loopback and on a unix stream socketpair: the last
 * byte of a send with MSG_OOB is the urgent byte; a normal read stops at the mark, skips the
 * byte (unless SO_OOBINLINE), and recv(MSG_OOB) takes it once (EINVAL after, and when there is
 * none); a second urgent byte makes the first ordinary data; SIOCATMARK says when the next
 * byte is the mark; poll shows POLLPRI while it is unread (and POLLIN for the urgent byte alone
 * on unix only) and select an exception; the socket's owner (F_SETOWN) gets SIGURG. UDP
 * ignores MSG_OOB on receive and refuses it on send; unix datagram and seqpacket sockets
 * refuse it both ways. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t urg_count;
static void on_urg(int sig) { (void)sig; urg_count++; }

static void tcp_pair(int *c, int *s) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(l, (struct sockaddr *)&a, sizeof a);
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  listen(l, 1);
  *c = socket(AF_INET, SOCK_STREAM, 0);
  connect(*c, (struct sockaddr *)&a, sizeof a);
  *s = accept(l, NULL, NULL);
  close(l);
}

static void unix_pair(int *c, int *s) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  *c = sv[0];
  *s = sv[1];
}

static int atmark(int fd) {
  int v = -1;
  ioctl(fd, SIOCATMARK, &v);
  return v;
}

static void show(const char *what, ssize_t n, const char *buf) {
  if (n < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd \"%.*s\"\n", what, n, (int)n, buf);
}

static void settle(void) { usleep(50000); }

static void scenario(const char *kind, void (*pair)(int *, int *)) {
  int c, s;
  char buf[64];
  printf("== %s\n", kind);
  urg_count = 0;
  pair(&c, &s);
  fcntl(s, F_SETOWN, getpid());
  errno = 0;
  ssize_t n = recv(s, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT);
  show("MSG_OOB with nothing urgent", n, buf);
  printf("send abc: %zd\n", send(c, "abc", 3, 0));
  printf("send XYZ with MSG_OOB: %zd\n", send(c, "XYZ", 3, MSG_OOB));
  printf("send def: %zd\n", send(c, "def", 3, 0));
  settle();
  printf("SIGURG: %d\n", urg_count > 0);
  struct pollfd p = {.fd = s, .events = POLLIN | POLLPRI};
  poll(&p, 1, 0);
  printf("poll: POLLIN %d POLLPRI %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLPRI));
  fd_set ex;
  FD_ZERO(&ex);
  FD_SET(s, &ex);
  struct timeval zero = {0, 0};
  printf("select exception: %d\n", select(s + 1, NULL, NULL, &ex, &zero));
  printf("at mark: %d\n", atmark(s));
  n = recv(s, buf, sizeof buf, 0);
  show("read stops before the mark", n, buf);
  printf("at mark: %d\n", atmark(s));
  n = recv(s, buf, sizeof buf, MSG_OOB | MSG_PEEK);
  show("MSG_OOB|MSG_PEEK", n, buf);
  n = recv(s, buf, sizeof buf, MSG_OOB);
  show("MSG_OOB", n, buf);
  n = recv(s, buf, sizeof buf, MSG_OOB);
  show("MSG_OOB again", n, buf);
  poll(&p, 1, 0);
  printf("poll after: POLLPRI %d\n", !!(p.revents & POLLPRI));
  printf("at mark: %d\n", atmark(s));
  n = recv(s, buf, sizeof buf, 0);
  show("read after the mark (urgent byte skipped)", n, buf);
  printf("at mark: %d\n", atmark(s));

  /* Unread urgent byte: a normal read skips it, then it is gone. */
  send(c, "12", 2, MSG_OOB);
  send(c, "34", 2, 0);
  settle();
  n = recv(s, buf, sizeof buf, 0);
  show("read up to the mark", n, buf);
  n = recv(s, buf, sizeof buf, 0);
  show("read past the unread urgent byte", n, buf);
  n = recv(s, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT);
  show("MSG_OOB after it was passed", n, buf);

  /* SO_OOBINLINE: the byte stays in the stream; MSG_OOB is EINVAL. */
  int on = 1;
  setsockopt(s, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
  send(c, "ab", 2, MSG_OOB);
  send(c, "cd", 2, 0);
  settle();
  n = recv(s, buf, sizeof buf, MSG_OOB);
  show("inline: MSG_OOB", n, buf);
  n = recv(s, buf, sizeof buf, 0);
  show("inline: read", n, buf);
  printf("inline: at mark %d\n", atmark(s));
  n = recv(s, buf, sizeof buf, 0);
  show("inline: read from the mark", n, buf);
  close(c);
  close(s);

  /* Only the urgent byte pending: not readable, only POLLPRI. */
  pair(&c, &s);
  send(c, "!", 1, MSG_OOB);
  settle();
  p.fd = s;
  poll(&p, 1, 0);
  printf("only the urgent byte: POLLIN %d POLLPRI %d at mark %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLPRI), atmark(s));
  n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
  show("  read", n, buf);
  close(c);
  close(s);

  /* A second urgent byte before the first was read: the first becomes ordinary data. */
  pair(&c, &s);
  send(c, "ab", 2, MSG_OOB);
  send(c, "cd", 2, MSG_OOB);
  settle();
  n = recv(s, buf, sizeof buf, MSG_OOB);
  show("two urgent bytes: MSG_OOB", n, buf);
  n = recv(s, buf, sizeof buf, 0);
  show("  read", n, buf);
  close(c);
  close(s);
}

int main(void) {
  signal(SIGURG, on_urg);
  char buf[64];
  ssize_t n;
  scenario("tcp", tcp_pair);
  scenario("unix stream", unix_pair);

  printf("== others\n");
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  n = sendto(u, "x", 1, MSG_OOB, (struct sockaddr *)&a, sizeof a);
  show("udp sendto MSG_OOB", n, buf);
  n = recv(u, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT);
  show("udp recv MSG_OOB", n, buf);
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  n = send(sv[0], "x", 1, MSG_OOB);
  show("unix datagram send MSG_OOB", n, buf);
  n = recv(sv[1], buf, sizeof buf, MSG_OOB | MSG_DONTWAIT);
  show("unix datagram recv MSG_OOB", n, buf);
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
  n = send(sv[0], "x", 1, MSG_OOB);
  show("unix seqpacket send MSG_OOB", n, buf);
  printf("unix seqpacket SIOCATMARK %d\n", atmark(sv[1]));
  return 0;
}
