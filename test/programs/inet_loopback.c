// TCP and UDP over the loopback interface, IPv4 and IPv6: bind (port 0 and a chosen port,
// EADDRINUSE, EADDRNOTAVAIL, EINVAL), listen's autobind, connect (ECONNREFUSED,
// a non-blocking connect's EINPROGRESS), accept's and getpeername's addresses, a dual-stack
// IPv6 listener accepting an IPv4 client, data both ways across fork, shutdown's EOF, UDP
// datagrams with their sender's address, and the socket options programs read back.
// Ephemeral port numbers differ between runs: only their range and relations are printed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

static struct sockaddr_in v4(const char *ip, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

static struct sockaddr_in6 v6(const char *ip, int port) {
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return a;
}

static int port_of(int fd) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) return -1;
  return ntohs(a.ss_family == AF_INET ? ((struct sockaddr_in *)&a)->sin_port : ((struct sockaddr_in6 *)&a)->sin6_port);
}

/** "ADDR" of a sockaddr, with the port shown as "P" when it equals `known`, else "ephemeral" or the number. */
static void show(const char *what, struct sockaddr *sa, socklen_t len, int known) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = -1;
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
    port = ntohs(((struct sockaddr_in *)sa)->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
    port = ntohs(((struct sockaddr_in6 *)sa)->sin6_port);
  }
  const char *kind = port == known ? "P" : port >= 1024 ? "ephemeral" : "low";
  printf("%s: family %d len %u %s port %s\n", what, sa->sa_family, (unsigned)len, ip, port == 0 ? "0" : kind);
}

static void names(const char *who, int fd, int known) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  char what[64];
  snprintf(what, sizeof what, "%s sockname", who);
  if (getsockname(fd, (struct sockaddr *)&a, &len) == 0) show(what, (struct sockaddr *)&a, len, known);
  else result(what, -1);
  len = sizeof a;
  snprintf(what, sizeof what, "%s peername", who);
  if (getpeername(fd, (struct sockaddr *)&a, &len) == 0) show(what, (struct sockaddr *)&a, len, known);
  else result(what, -1);
}

static void tcp_v4(void) {
  puts("-- tcp v4");
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  result("setsockopt SO_REUSEADDR", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
  struct sockaddr_in any = v4("127.0.0.1", 0);
  result("bind port 0", bind(l, (struct sockaddr *)&any, sizeof any));
  result("bind again", bind(l, (struct sockaddr *)&any, sizeof any));
  int port = port_of(l);
  printf("port in ephemeral range: %d\n", port >= 32768 && port <= 60999);
  result("listen", listen(l, 8));
  names("listener", l, port);

  int taken = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in same = v4("0.0.0.0", port);
  result("bind to a port in use", bind(taken, (struct sockaddr *)&same, sizeof same));
  struct sockaddr_in far = v4("10.1.2.3", 0);
  result("bind to a non-local address", bind(taken, (struct sockaddr *)&far, sizeof far));
  result("bind with a short length", bind(taken, (struct sockaddr *)&any, 8));
  close(taken);

  int c = socket(AF_INET, SOCK_STREAM, 0);
  result("getpeername before connect", getpeername(c, (struct sockaddr *)&any, &(socklen_t){sizeof any}));
  struct sockaddr_in to = v4("127.0.0.1", port);
  result("connect", connect(c, (struct sockaddr *)&to, sizeof to));
  result("connect again", connect(c, (struct sockaddr *)&to, sizeof to));
  struct sockaddr_in peer;
  socklen_t plen = sizeof peer;
  int s = accept(l, (struct sockaddr *)&peer, &plen);
  printf("accept: %s\n", s >= 0 ? "fd" : strerror(errno));
  show("accepted from", (struct sockaddr *)&peer, plen, port);
  printf("accepted peer port is the client's: %d\n", ntohs(peer.sin_port) == port_of(c));
  names("client", c, port);
  names("server", s, port);

  pid_t child = fork();
  if (child == 0) {
    close(s);
    const char msg[] = "hello over tcp";
    write(c, msg, sizeof msg - 1);
    shutdown(c, SHUT_WR);
    char buf[64] = {0};
    ssize_t n = read(c, buf, sizeof buf - 1);
    printf("client read %zd: %s\n", n, buf);
    _exit(0);
  }
  close(c);
  char buf[64] = {0};
  size_t got = 0;
  ssize_t n;
  while ((n = read(s, buf + got, sizeof buf - 1 - got)) > 0) got += n;
  printf("server read %zu: %s, then %zd at EOF\n", got, buf, n);
  write(s, "reply", 5);
  close(s);
  waitpid(child, NULL, 0);

  int v = -1;
  socklen_t vlen = sizeof v;
  getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, &vlen);
  printf("SO_REUSEADDR %d\n", v != 0);
  getsockopt(l, SOL_SOCKET, SO_TYPE, &v, &vlen);
  printf("SO_TYPE %d\n", v);
  getsockopt(l, SOL_SOCKET, SO_DOMAIN, &v, &vlen);
  printf("SO_DOMAIN %d\n", v);
  getsockopt(l, SOL_SOCKET, SO_PROTOCOL, &v, &vlen);
  printf("SO_PROTOCOL %d\n", v);
  getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vlen);
  printf("SO_ACCEPTCONN %d\n", v);
  int c2 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  result("setsockopt TCP_NODELAY", setsockopt(c2, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
  getsockopt(c2, IPPROTO_TCP, TCP_NODELAY, &v, &vlen);
  printf("TCP_NODELAY %d\n", v != 0);
  close(c2);
  close(l);

  int r = socket(AF_INET, SOCK_STREAM, 0);
  result("connect to the closed port", connect(r, (struct sockaddr *)&to, sizeof to));
  close(r);
}

static void tcp_nonblocking(void) {
  puts("-- tcp non-blocking connect");
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = v4("127.0.0.1", 0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 4);
  struct sockaddr_in to = v4("127.0.0.1", port_of(l));
  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r = connect(c, (struct sockaddr *)&to, sizeof to);
  printf("non-blocking connect: %s\n", r == 0 ? "0" : errno == EINPROGRESS ? "EINPROGRESS" : strerror(errno));
  struct pollfd p = {c, POLLOUT, 0};
  int ready = poll(&p, 1, 1000);
  printf("poll writable: %d revents %#x\n", ready, p.revents);
  int err = -1;
  socklen_t len = sizeof err;
  getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("SO_ERROR %d\n", err);
  char b;
  result("read with nothing sent", read(c, &b, 1));
  int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
  printf("accept4: %s\n", s >= 0 ? "fd" : strerror(errno));
  close(s);
  p.events = POLLIN;
  ready = poll(&p, 1, 1000);
  printf("poll after the server closed: %d revents %#x\n", ready, p.revents);
  result("read after the server closed", read(c, &b, 1));
  close(c);
  close(l);
}

static void tcp_v6(void) {
  puts("-- tcp v6, dual stack");
  int l = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 any = v6("::", 0);
  result("bind [::]:0", bind(l, (struct sockaddr *)&any, sizeof any));
  int port = port_of(l);
  result("listen", listen(l, 4));
  int only = -1;
  socklen_t len = sizeof only;
  getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &only, &len);
  printf("IPV6_V6ONLY %d\n", only);

  int c4 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to4 = v4("127.0.0.1", port);
  result("v4 client connects to the v6 listener", connect(c4, (struct sockaddr *)&to4, sizeof to4));
  struct sockaddr_in6 peer;
  socklen_t plen = sizeof peer;
  int s = accept(l, (struct sockaddr *)&peer, &plen);
  show("accepted v4 client", (struct sockaddr *)&peer, plen, port);
  names("server of the v4 client", s, port);
  close(s);
  close(c4);

  int c6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 to6 = v6("::1", port);
  result("v6 client connects", connect(c6, (struct sockaddr *)&to6, sizeof to6));
  s = accept(l, NULL, NULL);
  names("v6 client", c6, port);
  names("server of the v6 client", s, port);
  close(s);
  close(c6);

  int b4 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in same4 = v4("127.0.0.1", port);
  result("v4 bind to the port the dual-stack listener has", bind(b4, (struct sockaddr *)&same4, sizeof same4));
  close(b4);
  close(l);

  int bad = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in wrong = v4("127.0.0.1", 0);
  result("v6 bind with a v4 address", bind(bad, (struct sockaddr *)&wrong, sizeof wrong));
  close(bad);
}

static void listen_autobind(void) {
  puts("-- listen without bind");
  int l = socket(AF_INET, SOCK_STREAM, 0);
  result("listen", listen(l, 1));
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  show("autobound", (struct sockaddr *)&a, len, -2);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to = v4("127.0.0.1", ntohs(a.sin_port));
  result("connect to 127.0.0.1", connect(c, (struct sockaddr *)&to, sizeof to));
  close(c);
  c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in zero = v4("0.0.0.0", ntohs(a.sin_port));
  result("connect to 0.0.0.0 reaches the local listener", connect(c, (struct sockaddr *)&zero, sizeof zero));
  close(c);
  close(l);
}

static void udp(void) {
  puts("-- udp");
  int a = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in la = v4("127.0.0.1", 0);
  result("bind", bind(a, (struct sockaddr *)&la, sizeof la));
  int port = port_of(a);
  int b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = v4("127.0.0.1", port);
  result("sendto from an unbound socket", sendto(b, "ping", 4, 0, (struct sockaddr *)&to, sizeof to));
  printf("sender got an ephemeral port: %d\n", port_of(b) >= 32768);
  char buf[16] = {0};
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  ssize_t n = recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
  printf("recvfrom %zd \"%s\"\n", n, buf);
  show("from", (struct sockaddr *)&from, flen, port);
  printf("from the sender's port: %d\n", ntohs(from.sin_port) == port_of(b));
  result("reply", sendto(a, "pong!", 5, 0, (struct sockaddr *)&from, flen));
  memset(buf, 0, sizeof buf);
  result("recv the reply", recv(b, buf, 2, 0));
  printf("truncated datagram: \"%s\"\n", buf);
  result("recv again would block", recv(b, buf, sizeof buf, MSG_DONTWAIT));
  struct sockaddr_in nobody = v4("127.0.0.1", port == 60999 ? 60998 : port + 1);
  result("sendto a port nobody has", sendto(b, "x", 1, 0, (struct sockaddr *)&nobody, sizeof nobody));
  result("connect udp", connect(b, (struct sockaddr *)&to, sizeof to));
  result("send on the connected udp socket", send(b, "again", 5, 0));
  memset(buf, 0, sizeof buf);
  result("recv it", recv(a, buf, sizeof buf, 0));
  printf("got \"%s\"\n", buf);
  names("connected udp", b, port);
  close(a);
  close(b);
}

static void refusals(void) {
  puts("-- refusals");
  result("socket(AF_INET, SOCK_SEQPACKET)", socket(AF_INET, SOCK_SEQPACKET, 0));
  result("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
  int s = socket(AF_INET, SOCK_STREAM, 0);
  result("listen then accept on nothing (non-blocking)", (fcntl(s, F_SETFL, O_NONBLOCK), listen(s, 1), accept(s, NULL, NULL)));
  close(s);
  s = socket(AF_INET, SOCK_STREAM, 0);
  result("shutdown unconnected", shutdown(s, SHUT_RDWR));
  result("send unconnected", send(s, "x", 1, MSG_NOSIGNAL));
  close(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  tcp_v4();
  tcp_nonblocking();
  tcp_v6();
  listen_autobind();
  udp();
  refusals();
  return 0;
}
