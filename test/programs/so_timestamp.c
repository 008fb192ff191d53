/* SO_TIMESTAMP and SO_TIMESTAMPNS: a datagram received after asking carries a SOL_SOCKET control
 * message with the time it was queued (a timeval, or a timespec), between the times read before
 * the send and after the receive; none without asking. On a unix socketpair and on UDP over
 * loopback; getsockopt reads the flags back. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void receive(const char *what, int tx, int rx, const struct sockaddr *to, socklen_t tolen) {
  long long before = now_ns();
  sendto(tx, "x", 1, 0, to, tolen);
  char byte;
  struct iovec iov = {&byte, 1};
  union { char buf[256]; struct cmsghdr align; } control;
  struct msghdr mh;
  memset(&mh, 0, sizeof mh);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof control.buf;
  long n = recvmsg(rx, &mh, 0);
  long long after = now_ns();
  printf("%s: recvmsg %ld, controllen %zu\n", what, n, (size_t)mh.msg_controllen);
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    long long sec, frac;
    memcpy(&sec, CMSG_DATA(c), 8);
    memcpy(&frac, CMSG_DATA(c) + 8, 8);
    int ns = c->cmsg_type == SO_TIMESTAMPNS;
    long long t = sec * 1000000000LL + (ns ? frac : frac * 1000);
    /* A timeval drops the microsecond's fraction: allow it below the time before. */
    int inside = t >= before - 1000 && t <= after;
    printf("  cmsg level %d type %d len %zu, %s, time %s\n", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len,
           ns ? "timespec" : "timeval", inside ? "between the send and the receive" : "OUT OF RANGE");
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  receive("unix, not asked", sv[0], sv[1], NULL, 0);
  int on = 1;
  setsockopt(sv[1], SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
  receive("unix, SO_TIMESTAMP", sv[0], sv[1], NULL, 0);
  setsockopt(sv[1], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  receive("unix, SO_TIMESTAMPNS", sv[0], sv[1], NULL, 0);
  int value = -1;
  socklen_t len = sizeof value;
  getsockopt(sv[1], SOL_SOCKET, SO_TIMESTAMPNS, &value, &len);
  printf("getsockopt SO_TIMESTAMPNS: %d\n", value);

  int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(v, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(v, (struct sockaddr *)&a, &alen);
  receive("udp, not asked", u, v, (struct sockaddr *)&a, sizeof a);
  setsockopt(v, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
  receive("udp, SO_TIMESTAMP", u, v, (struct sockaddr *)&a, sizeof a);
  int off = 0;
  setsockopt(v, SOL_SOCKET, SO_TIMESTAMP, &off, sizeof off);
  receive("udp, SO_TIMESTAMP off again", u, v, (struct sockaddr *)&a, sizeof a);
  return 0;
}
