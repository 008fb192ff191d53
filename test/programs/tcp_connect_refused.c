/* A non-blocking TCP connect that the loopback refuses leaves ECONNREFUSED pending on the
 * socket (Linux's sk_err): the first of SO_ERROR, a read, a write or another connect reports
 * it, once; after it a read is ENOTCONN and a write EPIPE. Net::Ping's tcp ping reads the
 * socket after select to learn why a connect failed (perl's Net-Ping t/450_service.t). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

static const char *result(long r) {
  static char buf[48];
  if (r < 0) snprintf(buf, sizeof buf, "%s%s", strerrorname_np(errno), sigpipes ? " (SIGPIPE)" : "");
  else snprintf(buf, sizeof buf, "%ld", r);
  sigpipes = 0;
  return buf;
}

static struct sockaddr_in closed_port(void) {
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  int l = socket(AF_INET, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  getsockname(l, (struct sockaddr *)&a, &len);
  close(l);
  return a;
}

/* A non-blocking socket whose connect to the closed port was refused, polled until it ended. */
static int refused(struct sockaddr_in *a) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  long r = connect(s, (struct sockaddr *)a, sizeof *a);
  printf("  connect: %s\n", r == 0 ? "0" : (errno == EINPROGRESS || errno == ECONNREFUSED) ? "EINPROGRESS or ECONNREFUSED" : strerrorname_np(errno));
  struct pollfd p = { .fd = s, .events = POLLOUT };
  poll(&p, 1, 2000);
  printf("  poll: %s%s\n", p.revents & POLLOUT ? "OUT " : "", p.revents & POLLERR ? "ERR" : "");
  p.events = POLLIN | POLLOUT | POLLRDHUP;
  poll(&p, 1, 0);
  printf("  poll for all: %s%s%s%s%s\n", p.revents & POLLIN ? "IN " : "", p.revents & POLLOUT ? "OUT " : "",
         p.revents & POLLRDHUP ? "RDHUP " : "", p.revents & POLLHUP ? "HUP " : "", p.revents & POLLERR ? "ERR" : "");
  return s;
}

int main(void) {
  signal(SIGPIPE, on_sigpipe);
  struct sockaddr_in a = closed_port();
  char c;

  printf("read first:\n");
  int s = refused(&a);
  printf("  read: %s\n", result(read(s, &c, 1)));
  printf("  read again: %s\n", result(read(s, &c, 1)));
  close(s);

  printf("write first:\n");
  s = refused(&a);
  printf("  write: %s\n", result(write(s, "x", 1)));
  printf("  write again: %s\n", result(write(s, "x", 1)));
  close(s);

  printf("recv first:\n");
  s = refused(&a);
  printf("  recv: %s\n", result(recv(s, &c, 1, 0)));
  printf("  getsockopt SO_ERROR after it: ");
  int err = -1;
  socklen_t len = sizeof err;
  getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("%s\n", err == 0 ? "0" : strerrorname_np(err));
  close(s);

  printf("SO_ERROR first:\n");
  s = refused(&a);
  getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("  SO_ERROR: %s\n", err == 0 ? "0" : strerrorname_np(err));
  printf("  read: %s\n", result(read(s, &c, 1)));
  close(s);
  return 0;
}
