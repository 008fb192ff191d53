/* shutdown(2) of an AF_UNIX socket reaches its peer only for SOCK_STREAM and SOCK_SEQPACKET
 * (Linux's unix_shutdown): SHUT_WR is the peer's end of file, SHUT_RD makes the peer's writes
 * EPIPE. A SOCK_DGRAM pair's peer sees nothing: its read still waits (perl's Socket
 * socketpair.t counts on an alarm to end it), though a datagram sent to a socket that shut
 * its read side is EPIPE. A datagram or seqpacket socket's EPIPE raises no SIGPIPE (they send
 * through unix_dgram_sendmsg); a stream's does. A datagram socket that shut its own read side
 * reads EAGAIN when it would wait, 0 when it waits. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *result(ssize_t r) {
  static char buf[32];
  if (r < 0) return strerrorname_np(errno);
  snprintf(buf, sizeof buf, "%zd", r);
  return buf;
}

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

/* A send that may raise SIGPIPE: the result, and whether it did. */
static const char *sent(int fd, const char *byte) {
  static char buf[48];
  sigpipes = 0;
  ssize_t r = send(fd, byte, 1, 0);
  snprintf(buf, sizeof buf, "%s%s", result(r), sigpipes ? " (SIGPIPE)" : "");
  return buf;
}

static void show_poll(const char *what, int fd) {
  struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
  poll(&p, 1, 0);
  printf("%s: poll%s%s%s%s\n", what, p.revents & POLLIN ? " IN" : "", p.revents & POLLOUT ? " OUT" : "",
         p.revents & POLLRDHUP ? " RDHUP" : "", p.revents & POLLHUP ? " HUP" : "");
}

static void pair(int type, const char *name) {
  int sv[2];
  char c;
  printf("-- %s\n", name);
  socketpair(AF_UNIX, type, 0, sv);
  printf("shutdown(a, SHUT_WR): %s\n", result(shutdown(sv[0], SHUT_WR)));
  printf("a sends: %s\n", sent(sv[0], "x"));
  printf("b reads: %s\n", result(recv(sv[1], &c, 1, MSG_DONTWAIT)));
  show_poll("a", sv[0]);
  show_poll("b", sv[1]);
  printf("b sends: %s\n", result(send(sv[1], "y", 1, MSG_NOSIGNAL)));
  printf("a reads: %s\n", result(recv(sv[0], &c, 1, MSG_DONTWAIT)));
  printf("shutdown(a, SHUT_RD): %s\n", result(shutdown(sv[0], SHUT_RD)));
  printf("b sends: %s\n", sent(sv[1], "z"));
  printf("a reads: %s\n", result(recv(sv[0], &c, 1, MSG_DONTWAIT)));
  show_poll("a", sv[0]);
  show_poll("b", sv[1]);
  close(sv[0]);
  close(sv[1]);

  /* SHUT_RD alone, on a fresh pair. */
  socketpair(AF_UNIX, type, 0, sv);
  printf("shutdown(a, SHUT_RD) alone: %s\n", result(shutdown(sv[0], SHUT_RD)));
  printf("b sends: %s\n", sent(sv[1], "w"));
  printf("a sends: %s\n", result(send(sv[0], "v", 1, MSG_NOSIGNAL)));
  printf("b reads: %s\n", result(recv(sv[1], &c, 1, MSG_DONTWAIT)));
  show_poll("a", sv[0]);
  show_poll("b", sv[1]);
  close(sv[0]);
  close(sv[1]);

  /* A blocking read of a socket that shut its own read side. */
  socketpair(AF_UNIX, type, 0, sv);
  shutdown(sv[0], SHUT_RD);
  alarm(2);
  printf("a's blocking read after its SHUT_RD: %s\n", result(read(sv[0], &c, 1)));
  alarm(0);
  /* The peer closed. */
  close(sv[1]);
  printf("a sends to a closed peer: %s\n", sent(sv[0], "u"));
  close(sv[0]);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  signal(SIGPIPE, on_sigpipe);
  struct sigaction sa = { .sa_handler = on_alarm };
  sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: a read the alarm ends is EINTR */
  pair(SOCK_STREAM, "stream");
  pair(SOCK_SEQPACKET, "seqpacket");
  pair(SOCK_DGRAM, "dgram");
  return 0;
}
