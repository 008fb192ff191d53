/* A TCP connection closed by a peer that left bytes unread is reset, not shut down: the other
 * side's poll shows POLLERR and POLLHUP (and POLLOUT, so a writer wakes up to find the error),
 * SO_ERROR, the next send or the next receive (once the bytes already received are read)
 * report ECONNRESET once, then sends fail with EPIPE and receives see EOF. A listener closed
 * with connections nobody accepted resets them. A peer that closed with nothing unread shuts
 * the connection down (the other side may still write: POLLOUT); its answer to the next bytes
 * is a reset: EPIPE. So is a close with SO_LINGER on and a zero timeout: the other side still
 * reads what came before it, then ECONNRESET, and getpeername says ENOTCONN. Unix stream
 * sockets stay writable for poll when their peer is gone. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener;
static struct sockaddr_in where;

static void show(const char *what, ssize_t r) {
  printf("%s: %s\n", what, r >= 0 ? (r == 0 ? "0" : "bytes") : strerrorname_np(errno));
}

static void show_poll(const char *what, int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP};
  int r = poll(&p, 1, 1000);
  printf("%s: poll %d:%s%s%s%s%s\n", what, r, p.revents & POLLIN ? " IN" : "", p.revents & POLLOUT ? " OUT" : "",
         p.revents & POLLERR ? " ERR" : "", p.revents & POLLHUP ? " HUP" : "", p.revents & POLLRDHUP ? " RDHUP" : "");
}

static void show_error(const char *what, int fd) {
  int e = -1;
  socklen_t len = sizeof e;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
  printf("%s: SO_ERROR %s\n", what, e == 0 ? "0" : strerrorname_np(e));
}

/* A connected pair: *client and the accepted *server. */
static void connect_pair(int *client, int *server) {
  *client = socket(AF_INET, SOCK_STREAM, 0);
  connect(*client, (struct sockaddr *)&where, sizeof where);
  *server = accept(listener, NULL, NULL);
}

/* The client sent bytes the server closes without reading. */
static int reset_by_server(const char *server_sends) {
  int c, s;
  connect_pair(&c, &s);
  if (server_sends) send(s, server_sends, strlen(server_sends), 0);
  send(c, "unread", 6, 0);
  usleep(20000);
  close(s);
  usleep(20000);
  return c;
}

int main(void) {
  char buf[64];
  listener = socket(AF_INET, SOCK_STREAM, 0);
  where = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof where;
  bind(listener, (struct sockaddr *)&where, sizeof where);
  getsockname(listener, (struct sockaddr *)&where, &len);
  listen(listener, 4);

  int c = reset_by_server(NULL);
  show_poll("reset", c);
  show("reset, recv", recv(c, buf, sizeof buf, 0));
  show("reset, recv again", recv(c, buf, sizeof buf, 0));
  show("reset, send", send(c, "x", 1, MSG_NOSIGNAL));
  show_error("reset, after", c);
  close(c);

  c = reset_by_server(NULL);
  show("reset, send first", send(c, "x", 1, MSG_NOSIGNAL));
  show("reset, send again", send(c, "x", 1, MSG_NOSIGNAL));
  show("reset, recv after sends", recv(c, buf, sizeof buf, 0));
  close(c);

  c = reset_by_server(NULL);
  show_error("reset, SO_ERROR first", c);
  show_error("reset, SO_ERROR again", c);
  show_poll("reset, after SO_ERROR", c);
  close(c);

  c = reset_by_server("hello");
  ssize_t n = recv(c, buf, sizeof buf, 0);
  printf("reset with bytes received: recv %zd '%.*s'\n", n, n > 0 ? (int)n : 0, buf);
  show("reset with bytes received, recv again", recv(c, buf, sizeof buf, 0));
  close(c);

  int s;
  connect_pair(&c, &s);
  close(s);
  usleep(20000);
  show_poll("closed cleanly", c);
  show("closed cleanly, send first", send(c, "x", 1, MSG_NOSIGNAL));
  usleep(20000);
  show_poll("closed cleanly, after the peer's reset", c);
  show("closed cleanly, send again", send(c, "x", 1, MSG_NOSIGNAL));
  show("closed cleanly, recv", recv(c, buf, sizeof buf, 0));
  close(c);

  connect_pair(&c, &s);
  struct linger off = {1, 0}, got;
  socklen_t glen = sizeof got;
  getsockopt(c, SOL_SOCKET, SO_LINGER, &got, &glen);
  printf("SO_LINGER before: %d %d (%u bytes)\n", got.l_onoff, got.l_linger, (unsigned)glen);
  setsockopt(c, SOL_SOCKET, SO_LINGER, &off, sizeof off);
  glen = sizeof got;
  getsockopt(c, SOL_SOCKET, SO_LINGER, &got, &glen);
  printf("SO_LINGER set: %d %d\n", got.l_onoff, got.l_linger);
  send(c, "data", 4, 0);
  usleep(20000);
  close(c);
  usleep(20000);
  struct sockaddr_in peer;
  socklen_t plen = sizeof peer;
  show("zero linger, getpeername", getpeername(s, (struct sockaddr *)&peer, &plen));
  n = recv(s, buf, sizeof buf, 0);
  printf("zero linger, recv %zd '%.*s'\n", n, n > 0 ? (int)n : 0, buf);
  show("zero linger, recv again", recv(s, buf, sizeof buf, 0));
  close(s);

  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&where, sizeof where);
  close(listener);
  usleep(20000);
  show_poll("never accepted, listener closed", c);
  show("never accepted, recv", recv(c, buf, sizeof buf, 0));
  close(c);

  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  close(sv[1]);
  show_poll("unix, peer closed", sv[0]);
  return 0;
}
