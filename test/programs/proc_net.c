// /proc/net as a program sees its own sockets there: a TCP listener with a connection
// (both ends established, the unread bytes in rx_queue), an IPv6 listener, a bound UDP
// socket, unix sockets (listening abstract, bound datagram), found by the inode fstat gives;
// and the loopback device in dev and if_inet6. Ephemeral ports are shown as "eph".
// Natively the program first moves into a new network namespace with lo up (as in
// netlink_route.c), so that no other socket is listed; in the sandbox unshare fails with
// EPERM and only the sandbox's sockets are there anyway.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void fresh_network(void) {
  if (unshare(CLONE_NEWNET) != 0) return;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq r;
  memset(&r, 0, sizeof r);
  strcpy(r.ifr_name, "lo");
  ioctl(s, SIOCGIFFLAGS, &r);
  r.ifr_flags |= IFF_UP;
  ioctl(s, SIOCSIFFLAGS, &r);
  close(s);
}

struct named { const char *name; int fd; };
static struct named sockets[16];
static int count;

static void keep(const char *name, int fd) {
  sockets[count].name = name;
  sockets[count++].fd = fd;
}

/** Which kept socket has this inode: its index, or -1. */
static int index_of(unsigned long ino) {
  for (int i = 0; i < count; i++) {
    struct stat st;
    if (fstat(sockets[i].fd, &st) == 0 && st.st_ino == ino) return i;
  }
  return -1;
}

/** Lines are listed in the order of a hash table: they are printed in the order the sockets were made. */
static char rows[16][512];

static void print_rows(void) {
  for (int i = 0; i < count; i++) {
    if (rows[i][0]) printf("  %-12s %s\n", sockets[i].name, rows[i]);
    rows[i][0] = 0;
  }
}

/** addr:port with an ephemeral port (32768 and up) masked. */
static void endpoint(char *out, const char *field) {
  const char *colon = strrchr(field, ':');
  unsigned port = strtoul(colon + 1, NULL, 16);
  if (port >= 32768) sprintf(out, "%.*s:eph", (int)(colon - field), field);
  else strcpy(out, field);
}

static void table(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    return;
  }
  char line[512];
  int others = 0;
  fgets(line, sizeof line, f);
  printf("%s header: %.20s... (%zu characters)\n", file, line, strlen(line));
  while (fgets(line, sizeof line, f)) {
    char local[64], remote[64], queues[32], l[64], r[64];
    unsigned st, uid;
    unsigned long ino;
    if (sscanf(line, "%*s %63s %63s %x %31s %*s %*s %u %*s %lu", local, remote, &st, queues, &uid, &ino) != 6) continue;
    int i = index_of(ino);
    if (i < 0) {
      others++;
      continue;
    }
    endpoint(l, local);
    endpoint(r, remote);
    snprintf(rows[i], sizeof rows[i], "%s %s st=%02X queues=%s uid=%u", l, r, st, queues, uid);
  }
  print_rows();
  printf("  other sockets: %d\n", others);
  fclose(f);
}

static void unix_table(void) {
  FILE *f = fopen("/proc/net/unix", "r");
  char line[512];
  fgets(line, sizeof line, f);
  printf("/proc/net/unix header: %s", line);
  while (fgets(line, sizeof line, f)) {
    unsigned refs, protocol, flags, type, st;
    unsigned long ino;
    char path[256] = "";
    if (sscanf(line, "%*s %x %x %x %x %x %lu %255s", &refs, &protocol, &flags, &type, &st, &ino, path) < 6) continue;
    int i = index_of(ino);
    if (i < 0) continue;
    snprintf(rows[i], sizeof rows[i], "flags=%08X type=%04X st=%02X path=%s", flags, type, st, strncmp(path, "/tmp/", 5) == 0 ? "(the bound file)" : path);
  }
  print_rows();
  fclose(f);
}

static void show_file(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    return;
  }
  char line[512];
  printf("%s:\n", file);
  while (fgets(line, sizeof line, f)) {
    // Traffic counters differ with what else ran: only the interface names of dev are compared.
    if (strstr(file, "dev") && strchr(line, ':')) *strchr(line, ':') = 0, strcat(line, ": (counters)\n");
    printf("  %s", line);
  }
  fclose(f);
}

int main(void) {
  fresh_network();
  int one = 1;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8080)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  bind(listener, (struct sockaddr *)&a, sizeof a);
  listen(listener, 5);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  connect(client, (struct sockaddr *)&a, sizeof a);
  keep("listener", listener);
  keep("client", client);
  write(client, "hello", 5);
  usleep(20000);
  table("/proc/net/tcp"); // the connection is still waiting to be accepted
  int server = accept(listener, NULL, NULL);
  keep("accepted", server);
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in u = {.sin_family = AF_INET, .sin_port = htons(5353)};
  inet_pton(AF_INET, "127.0.0.1", &u.sin_addr);
  bind(udp, (struct sockaddr *)&u, sizeof u);
  keep("udp", udp);
  int unbound = socket(AF_INET, SOCK_STREAM, 0);
  keep("unbound tcp", unbound);
  int l6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(9090), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  bind(l6, (struct sockaddr *)&a6, sizeof a6);
  listen(l6, 1);
  keep("listener6", l6);
  int ux = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  memcpy(un.sun_path, "\0proc-net-test", 14);
  bind(ux, (struct sockaddr *)&un, offsetof(struct sockaddr_un, sun_path) + 14);
  listen(ux, 1);
  keep("abstract", ux);
  int ud = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un path = {.sun_family = AF_UNIX};
  snprintf(path.sun_path, sizeof path.sun_path, "/tmp/proc-net-test.%d", getpid());
  unlink(path.sun_path);
  bind(ud, (struct sockaddr *)&path, sizeof path);
  keep("bound dgram", ud);
  int pair[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
  keep("pair", pair[0]);

  table("/proc/net/tcp");
  table("/proc/net/tcp6");
  table("/proc/net/udp");
  table("/proc/net/udp6");
  unix_table();
  show_file("/proc/net/dev");
  show_file("/proc/net/if_inet6");
  show_file("/proc/net/route");
  unlink(path.sun_path);
  return 0;
}
