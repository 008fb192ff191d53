/* UDP-Lite (IPPROTO_UDPLITE) on the loopback: datagram sockets only, ports of its own (a UDP
 * socket may hold the same number, and UDP datagrams do not reach it), its checksum coverage
 * options clamped to 8..65535 (0: all), which plain UDP sockets do not have; /proc/net/udp
 * lists only the UDP socket. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#define UDPLITE_SEND_CSCOV 10
#define UDPLITE_RECV_CSCOV 11

static void show_option(const char *what, int fd, int name, int value) {
  if (setsockopt(fd, IPPROTO_UDPLITE, name, &value, sizeof value) < 0) {
    printf("%s: set %s\n", what, strerrorname_np(errno));
    return;
  }
  int got = -1;
  socklen_t len = sizeof got;
  getsockopt(fd, IPPROTO_UDPLITE, name, &got, &len);
  printf("%s: %d\n", what, got);
}

int main(void) {
  printf("stream UDP-Lite: %s\n", socket(AF_INET, SOCK_STREAM, IPPROTO_UDPLITE) < 0 ? strerrorname_np(errno) : "created");
  int lite = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
  int proto = 0;
  socklen_t len = sizeof proto;
  getsockopt(lite, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
  printf("SO_PROTOCOL: %d\n", proto);

  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  len = sizeof a;
  bind(lite, (struct sockaddr *)&a, sizeof a);
  getsockname(lite, (struct sockaddr *)&a, &len);
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  printf("UDP bind to the same port: %s\n", bind(udp, (struct sockaddr *)&a, sizeof a) < 0 ? strerrorname_np(errno) : "ok");
  int lite2 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
  printf("second UDP-Lite bind: %s\n", bind(lite2, (struct sockaddr *)&a, sizeof a) < 0 ? strerrorname_np(errno) : "ok");

  int sender = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
  sendto(sender, "lite", 4, 0, (struct sockaddr *)&a, sizeof a);
  char buf[16];
  ssize_t n = recv(lite, buf, sizeof buf, MSG_DONTWAIT);
  printf("UDP-Lite to UDP-Lite: %.*s\n", n > 0 ? (int)n : 0, buf);
  n = recv(udp, buf, sizeof buf, MSG_DONTWAIT);
  printf("the UDP socket got: %s\n", n < 0 ? strerrorname_np(errno) : "bytes");
  int plain = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(plain, "udp", 3, 0, (struct sockaddr *)&a, sizeof a);
  n = recv(lite, buf, sizeof buf, MSG_DONTWAIT);
  printf("UDP to the port, UDP-Lite socket got: %s\n", n < 0 ? strerrorname_np(errno) : "bytes");
  n = recv(udp, buf, sizeof buf, MSG_DONTWAIT);
  printf("UDP to the port, UDP socket got: %.*s\n", n > 0 ? (int)n : 0, buf);

  show_option("UDPLITE_SEND_CSCOV 5", lite, UDPLITE_SEND_CSCOV, 5);
  show_option("UDPLITE_SEND_CSCOV 100000", lite, UDPLITE_SEND_CSCOV, 100000);
  show_option("UDPLITE_RECV_CSCOV 20", lite, UDPLITE_RECV_CSCOV, 20);
  show_option("UDPLITE_RECV_CSCOV 0", lite, UDPLITE_RECV_CSCOV, 0);
  show_option("UDPLITE_SEND_CSCOV on UDP", udp, UDPLITE_SEND_CSCOV, 20);

  char port[8];
  snprintf(port, sizeof port, ":%04X ", ntohs(a.sin_port));
  FILE *f = fopen("/proc/net/udp", "r");
  char line[256];
  int listed = 0;
  while (f && fgets(line, sizeof line, f)) listed += strstr(line, port) != NULL;
  printf("/proc/net/udp lines with the port: %d\n", listed);
  return 0;
}
