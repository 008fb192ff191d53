/* /proc/PID/oom_score_adj, oom_adj and coredump_filter: their defaults, what a write accepts
 * (base-0 numbers: decimal, 0x hex, 0 octal; one trailing newline; oom_score_adj also spaces
 * around it), what it refuses (EINVAL), oom_adj's old scale, coredump_filter's 9 bits; both
 * are inherited by a child and kept across exec; below the floor (0 until a writer with
 * CAP_SYS_RESOURCE moves it) oom_score_adj needs CAP_SYS_RESOURCE, which the program drops
 * first (root in a container may lack it: EACCES either way). Run as root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *who, const char *name) {
  char path[64], buf[64] = "";
  snprintf(path, sizeof path, "/proc/self/%s", name);
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd >= 0) close(fd);
  if (n > 0 && buf[n - 1] == '\n') buf[n - 1] = 0;
  printf("%s: %s = %s\n", who, name, n >= 0 ? buf : strerrorname_np(errno));
}

static void put(const char *who, const char *name, const char *text) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/%s", name);
  int fd = open(path, O_WRONLY);
  if (fd < 0) {
    printf("%s: open %s: %s\n", who, name, strerrorname_np(errno));
    return;
  }
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  printf("%s: write %s \"%s\": %s\n", who, name, strcmp(text, "\n") == 0 ? "\\n" : text, n == (ssize_t)strlen(text) ? "ok" : strerrorname_np(errno));
}

/* Clears CAP_SYS_RESOURCE from the effective set (it stays permitted). */
static void drop_sys_resource(void) {
  struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &head, data) != 0) return;
  data[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
  syscall(SYS_capset, &head, data);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    show("exec'd", "oom_score_adj");
    show("exec'd", "coredump_filter");
    return 0;
  }
  drop_sys_resource();
  show("root", "oom_score_adj");
  show("root", "oom_adj");
  show("root", "coredump_filter");
  static const char *adj[] = {"500", " 12 \n", "0x10", "010", "+7", "1001", "-1001", "abc", "", "\n", "5 5", "1000", "-1000", "-500", "-0", "100"};
  for (size_t i = 0; i < sizeof adj / sizeof adj[0]; i++) {
    put("root", "oom_score_adj", adj[i]);
    show("root", "oom_score_adj");
    show("root", "oom_adj");
  }
  static const char *filter[] = {"0x7f", "0777", "1023", "abc", "-1", "0x100000000", "17\n", "0x33"};
  for (size_t i = 0; i < sizeof filter / sizeof filter[0]; i++) {
    put("root", "coredump_filter", filter[i]);
    show("root", "coredump_filter");
  }
  put("root", "coredump_filter", "0x3f");
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    show("child", "oom_score_adj");
    show("child", "coredump_filter");
    if (setuid(65534) != 0 || prctl(PR_SET_DUMPABLE, 1) != 0) _exit(1);
    put("uid 65534", "oom_score_adj", "50");
    put("uid 65534", "oom_score_adj", "-5");
    show("uid 65534", "oom_score_adj");
    put("uid 65534", "oom_score_adj", "0");
    show("uid 65534", "oom_score_adj");
    fflush(stdout);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  fflush(stdout);
  execl("/proc/self/exe", argv[0], "again", (char *)NULL);
  perror("execl");
  return 1;
}
