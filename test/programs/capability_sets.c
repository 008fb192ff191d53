/* Capabilities: capget/capset's rules (the permitted set only shrinks, effective within it),
 * what a uid change does to them (all dropped leaving uid 0, unless keep-caps; effective
 * dropped and restored by seteuid), the bounding set (PR_CAPBSET_DROP, then exec as root),
 * the ambient set across exec of a non-root process, securebits, and the checks that use them
 * (chown needs CAP_CHOWN, binding port 80 CAP_NET_BIND_SERVICE). Only some capabilities are
 * printed: the host's own bounding set may lack others. Run as root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const int shown[] = {CAP_CHOWN, CAP_KILL, CAP_SETUID, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_ADMIN};
static const char *names[] = {"chown", "kill", "setuid", "setpcap", "net_bind_service", "sys_admin"};

static int get(struct __user_cap_data_struct d[2]) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  return syscall(SYS_capget, &h, d);
}

static int set(struct __user_cap_data_struct d[2]) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  return syscall(SYS_capset, &h, d);
}

static int bit(__u32 word, int cap) { return (word >> cap) & 1; }

static void show(const char *when) {
  struct __user_cap_data_struct d[2];
  get(d);
  printf("  %s:", when);
  for (unsigned i = 0; i < sizeof shown / sizeof *shown; i++) {
    int c = shown[i];
    printf(" %s=%c%c%c%c", names[i], bit(d[0].effective, c) ? 'e' : '-', bit(d[0].permitted, c) ? 'p' : '-',
           bit(d[0].inheritable, c) ? 'i' : '-', prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1 ? 'a' : '-');
  }
  printf(" bounding(chown)=%d\n", prctl(PR_CAPBSET_READ, CAP_CHOWN));
}

static void result(const char *what, long r) {
  printf("  %s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void try_chown(void) {
  int fd = open("/tmp/capability_sets.tmp", O_CREAT | O_RDONLY, 0644);
  result("fchown to uid 1234", fchown(fd, 1234, -1));
  close(fd);
}

static void try_bind80(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  result("bind 127.0.0.1:80", bind(s, (struct sockaddr *)&a, sizeof a));
  close(s);
}

static void change(__u32 *word, int cap, int on) {
  if (on) *word |= 1u << cap; else *word &= ~(1u << cap);
}

static void in_child(const char *title, void (*body)(void)) {
  printf("%s:\n", title);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    body();
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
}

static void effective_drop(void) {
  struct __user_cap_data_struct d[2];
  get(d);
  change(&d[0].effective, CAP_CHOWN, 0);
  result("capset without effective chown", set(d));
  show("after");
  try_chown();
  change(&d[0].effective, CAP_CHOWN, 1);
  result("capset raising it again", set(d));
  try_chown();
  change(&d[0].permitted, CAP_CHOWN, 0);
  change(&d[0].effective, CAP_CHOWN, 0);
  result("capset without permitted chown", set(d));
  change(&d[0].effective, CAP_CHOWN, 1);
  result("capset raising effective chown", set(d));
  change(&d[0].permitted, CAP_CHOWN, 1);
  result("capset raising permitted chown", set(d));
  show("at the end");
}

static void setuid_plain(void) {
  result("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
  show("after");
  struct __user_cap_data_struct d[2];
  get(d);
  change(&d[0].effective, CAP_CHOWN, 1);
  result("capset raising effective chown", set(d));
}

static void setuid_keepcaps(void) {
  result("PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
  result("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
  result("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
  show("after");
  struct __user_cap_data_struct d[2];
  get(d);
  change(&d[0].effective, CAP_CHOWN, 1);
  result("capset raising effective chown", set(d));
  show("then");
  try_chown();
}

static void seteuid_round_trip(void) {
  result("seteuid(1000)", seteuid(1000));
  show("after");
  result("seteuid(0)", seteuid(0));
  show("back");
}

static char *self;

static void ambient_exec(void) {
  struct __user_cap_data_struct d[2];
  get(d);
  change(&d[0].inheritable, CAP_NET_BIND_SERVICE, 1);
  result("capset inheritable net_bind_service", set(d));
  result("ambient raise net_bind_service", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
  result("ambient raise chown (not inheritable)", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0));
  prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
  result("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
  show("after (ambient cleared)");
  result("ambient raise net_bind_service again", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
  fflush(stdout);
  execl(self, self, "exec-report", (char *)NULL);
  perror("exec");
}

static void bounding_drop(void) {
  result("PR_CAPBSET_DROP chown", prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0));
  result("PR_CAPBSET_DROP 99", prctl(PR_CAPBSET_DROP, 99, 0, 0, 0));
  show("after");
  fflush(stdout);
  execl(self, self, "exec-report", (char *)NULL);
  perror("exec");
}

static void unprivileged(void) {
  setresuid(1000, 1000, 1000);
  result("PR_CAPBSET_DROP chown as uid 1000", prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0));
  result("PR_SET_SECUREBITS as uid 1000", prctl(PR_SET_SECUREBITS, 1, 0, 0, 0));
  result("PR_GET_SECUREBITS", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
  try_chown();
  try_bind80();
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  self = argv[0];
  if (argc > 1) {
    printf("  exec'd as uid %d:\n", getuid());
    show("after exec");
    try_bind80();
    return 0;
  }
  show("at start");
  result("PR_CAPBSET_READ 99", prctl(PR_CAPBSET_READ, 99, 0, 0, 0));
  result("PR_GET_SECUREBITS", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
  in_child("effective and permitted", effective_drop);
  in_child("setresuid without keep-caps", setuid_plain);
  in_child("setresuid with keep-caps", setuid_keepcaps);
  in_child("seteuid away and back", seteuid_round_trip);
  in_child("ambient set across exec", ambient_exec);
  in_child("bounding set across exec", bounding_drop);
  in_child("without capabilities", unprivileged);
  unlink("/tmp/capability_sets.tmp");
  return 0;
}
