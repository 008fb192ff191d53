/* sendmmsg and recvmmsg on a unix datagram socketpair and a UDP loopback pair: several
 * messages per call with each msg_len set, vlen 0, a non-blocking receive of more than is
 * there (the count received), MSG_WAITFORONE, EAGAIN when nothing is there, a blocking
 * recvmmsg waiting for all vlen messages from a child, EBADF/ENOTSOCK, a bad vector. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static char bufs[8][64];
static struct iovec iovs[8];
static struct mmsghdr msgs[8];

static void prepare_send(int n, const char *prefix) {
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < n; i++) {
    snprintf(bufs[i], sizeof bufs[i], "%s message %d%.*s", prefix, i, i, "++++++++");
    iovs[i] = (struct iovec){bufs[i], strlen(bufs[i])};
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
}

static void prepare_receive(int n) {
  memset(msgs, 0, sizeof msgs);
  memset(bufs, 0, sizeof bufs);
  for (int i = 0; i < n; i++) {
    iovs[i] = (struct iovec){bufs[i], sizeof bufs[i]};
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_len = 999;
  }
}

static void show(const char *what, int r, int n) {
  if (r < 0) {
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  printf("%s: %d\n", what, r);
  for (int i = 0; i < n; i++) printf("  [%d] len %u \"%s\"\n", i, msgs[i].msg_len, i < r ? bufs[i] : "");
}

static void exercise(const char *name, int a, int b) {
  printf("-- %s\n", name);
  prepare_send(3, name);
  show("sendmmsg 3", sendmmsg(a, msgs, 3, 0), 3);
  result("sendmmsg vlen 0", sendmmsg(a, msgs, 0, 0));
  prepare_receive(5);
  show("recvmmsg 5, MSG_DONTWAIT", recvmmsg(b, msgs, 5, MSG_DONTWAIT, NULL), 5);
  prepare_receive(2);
  show("recvmmsg, nothing there", recvmmsg(b, msgs, 2, MSG_DONTWAIT, NULL), 0);
  prepare_send(2, "again");
  sendmmsg(a, msgs, 2, 0);
  prepare_receive(4);
  show("recvmmsg 4, MSG_WAITFORONE", recvmmsg(b, msgs, 4, MSG_WAITFORONE, NULL), 4);
  prepare_receive(2);
  result("recvmmsg vlen 0", recvmmsg(b, msgs, 0, 0, NULL));
  result("recvmmsg bad vector", recvmmsg(b, (struct mmsghdr *)8, 2, MSG_DONTWAIT, NULL));
  prepare_send(1, "x");
  result("sendmmsg bad vector", sendmmsg(a, (struct mmsghdr *)8, 2, 0));
  pid_t child = fork();
  if (child == 0) {
    struct timespec pause = {0, 100000000};
    for (int i = 0; i < 3; i++) {
      nanosleep(&pause, NULL);
      char one[16];
      snprintf(one, sizeof one, "late %d", i);
      send(a, one, strlen(one), 0);
    }
    _exit(0);
  }
  prepare_receive(3);
  show("blocking recvmmsg 3", recvmmsg(b, msgs, 3, 0, NULL), 3);
  waitpid(child, NULL, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  exercise("unix", sv[0], sv[1]);

  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  bind(u2, (struct sockaddr *)&addr, sizeof addr);
  getsockname(u2, (struct sockaddr *)&addr, &len);
  connect(u1, (struct sockaddr *)&addr, sizeof addr);
  exercise("udp", u1, u2);

  prepare_receive(1);
  result("recvmmsg on a closed fd", recvmmsg(99, msgs, 1, 0, NULL));
  int fd = open("/dev/null", O_RDONLY);
  result("recvmmsg on a file", recvmmsg(fd, msgs, 1, 0, NULL));
  result("sendmmsg on a file", sendmmsg(fd, msgs, 1, 0));
  return 0;
}
