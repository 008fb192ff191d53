/* NETLINK_SOCK_DIAG (what `ss` reads): dumps of TCP and UDP sockets over IPv4 and IPv6 and of
 * unix sockets, limited to this program's own sockets (by inode): a listener with a pending
 * connection and its backlog, both ends of an accepted connection with bytes queued, an end
 * shut for reading, a v6-only UDP socket, a unix listener, a connected unix pair with names and
 * peers; the states filter; errors for a short request, an unknown protocol (in the dump's
 * NLMSG_DONE) and an unknown family (NLMSG_ERROR). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static unsigned long inodes[32];
static const char *labels[32];
static int ninodes;

static void own(int fd, const char *label) {
  struct stat st;
  fstat(fd, &st);
  inodes[ninodes] = st.st_ino;
  labels[ninodes++] = label;
}

static const char *label_of(unsigned long ino) {
  for (int i = 0; i < ninodes; i++)
    if (inodes[i] == ino) return labels[i];
  return NULL;
}

static unsigned short port_of(int fd) {
  struct sockaddr_in6 a;
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  return ntohs(a.sin6_port);
}

/* Sends one request and prints the answers about this program's sockets. */
static void dump(const char *what, void *req, size_t len, unsigned short listen_port) {
  int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  struct {
    struct nlmsghdr h;
    char body[64];
  } msg = {0};
  msg.h.nlmsg_len = NLMSG_LENGTH(len);
  msg.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.h.nlmsg_seq = 7;
  memcpy(msg.body, req, len);
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  sendto(nl, &msg, msg.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
  char lines[32][400];
  int n = 0;
  static char buf[65536];
  for (int done = 0; !done;) {
    ssize_t got = recv(nl, buf, sizeof buf, 0);
    if (got <= 0) break;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, got); h = NLMSG_NEXT(h, got)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        int code = *(int *)NLMSG_DATA(h);
        if (code != 0) printf("%s: dump ended with %s\n", what, strerrorname_np(-code));
        done = 1;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        printf("%s: error %s\n", what, strerrorname_np(-e->error));
        done = 1;
        break;
      }
      if (((char *)req)[0] == AF_UNIX) {
        struct unix_diag_msg *m = NLMSG_DATA(h);
        const char *label = label_of(m->udiag_ino);
        if (!label) continue;
        char extra[100] = "";
        struct rtattr *a = (struct rtattr *)(m + 1);
        int left = h->nlmsg_len - NLMSG_LENGTH(sizeof *m);
        for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
          size_t at = strlen(extra);
          if (a->rta_type == UNIX_DIAG_NAME) {
            char *name = RTA_DATA(a);
            snprintf(extra + at, sizeof extra - at, " name=%s%.*s", name[0] ? "" : "@", (int)RTA_PAYLOAD(a) - (name[0] ? 1 : 0) - (name[0] ? 0 : 1), name[0] ? name : name + 1);
          } else if (a->rta_type == UNIX_DIAG_PEER) {
            const char *peer = label_of(*(unsigned *)RTA_DATA(a));
            snprintf(extra + at, sizeof extra - at, " peer=%s", peer ? peer : "other");
          } else if (a->rta_type == UNIX_DIAG_RQLEN) {
            struct unix_diag_rqlen *q = RTA_DATA(a);
            /* A connected socket's wq counts buffer memory, not bytes: only a listener's (its backlog) is printed. */
            if (m->udiag_state == 10) snprintf(extra + at, sizeof extra - at, " rq=%u wq=%u", q->udiag_rqueue, q->udiag_wqueue);
            else snprintf(extra + at, sizeof extra - at, " rq=%u", q->udiag_rqueue);
          }
        }
        snprintf(lines[n++], sizeof lines[0], "  %s: type %u state %u%s", label, m->udiag_type, m->udiag_state, extra);
      } else {
        struct inet_diag_msg *m = NLMSG_DATA(h);
        const char *label = label_of(m->idiag_inode);
        if (!label) continue;
        char extra[60] = "";
        struct rtattr *a = (struct rtattr *)(m + 1);
        int left = h->nlmsg_len - NLMSG_LENGTH(sizeof *m);
        for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
          size_t at = strlen(extra);
          if (a->rta_type == INET_DIAG_SHUTDOWN) snprintf(extra + at, sizeof extra - at, " shutdown=%u", *(unsigned char *)RTA_DATA(a));
          if (a->rta_type == INET_DIAG_SKV6ONLY) snprintf(extra + at, sizeof extra - at, " v6only=%u", *(unsigned char *)RTA_DATA(a));
        }
        char src[64], dst[64];
        inet_ntop(m->idiag_family, m->id.idiag_src, src, sizeof src);
        inet_ntop(m->idiag_family, m->id.idiag_dst, dst, sizeof dst);
        int sport_is_listener = ntohs(m->id.idiag_sport) == listen_port;
        int dport_is_listener = ntohs(m->id.idiag_dport) == listen_port;
        snprintf(lines[n++], sizeof lines[0], "  %s: state %u %s:%s -> %s:%s rq=%u wq=%u uid=%u%s", label, m->idiag_state, src,
                 sport_is_listener ? "LISTENPORT" : "other", dst, dport_is_listener ? "LISTENPORT" : m->id.idiag_dport ? "other" : "0",
                 m->idiag_rqueue, m->idiag_wqueue, m->idiag_uid, extra);
      }
    }
  }
  /* Sorted: the order of a dump is the kernel's hash order. */
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (strcmp(lines[i], lines[j]) > 0) {
        char t[400];
        strcpy(t, lines[i]), strcpy(lines[i], lines[j]), strcpy(lines[j], t);
      }
  printf("%s: %d of ours\n", what, n);
  for (int i = 0; i < n; i++) printf("%s\n", lines[i]);
  close(nl);
}

int main(void) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(listener, (struct sockaddr *)&a, sizeof a);
  listen(listener, 7);
  socklen_t len = sizeof a;
  getsockname(listener, (struct sockaddr *)&a, &len);
  unsigned short port = port_of(listener);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  connect(client, (struct sockaddr *)&a, sizeof a);
  int server = accept(listener, NULL, NULL);
  send(client, "hello", 5, 0);
  int pending = socket(AF_INET, SOCK_STREAM, 0);
  connect(pending, (struct sockaddr *)&a, sizeof a);
  shutdown(client, SHUT_RD);
  own(listener, "listener");
  own(client, "client");
  own(server, "server");
  own(pending, "pending");

  int udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
  int on = 1;
  setsockopt(udp6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  bind(udp6, (struct sockaddr *)&a6, sizeof a6);
  own(udp6, "udp6");

  int ux = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  memcpy(un.sun_path, "\0tsvisor-sock-diag-test", 23);
  bind(ux, (struct sockaddr *)&un, offsetof(struct sockaddr_un, sun_path) + 23);
  listen(ux, 3);
  own(ux, "unix-listener");
  int pair[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
  write(pair[0], "abc", 3);
  own(pair[0], "pair0");
  own(pair[1], "pair1");

  struct inet_diag_req_v2 req = {.sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_TCP, .idiag_states = ~0u};
  dump("tcp, all states", &req, sizeof req, port);
  req.idiag_states = 1 << 10; /* TCP_LISTEN */
  dump("tcp, listening", &req, sizeof req, port);
  req.sdiag_family = AF_INET6;
  req.sdiag_protocol = IPPROTO_UDP;
  req.idiag_states = ~0u;
  dump("udp6", &req, sizeof req, port);
  req.sdiag_protocol = 200;
  dump("protocol 200", &req, sizeof req, port);
  dump("short inet request", &req, 8, port);
  struct unix_diag_req ureq = {.sdiag_family = AF_UNIX, .udiag_states = ~0u,
                               .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN};
  dump("unix", &ureq, sizeof ureq, port);
  ureq.udiag_states = 1 << 10;
  dump("unix, listening", &ureq, sizeof ureq, port);
  unsigned char bluetooth[56] = {31};
  dump("family 31", bluetooth, sizeof bluetooth, port);
  return 0;
}
