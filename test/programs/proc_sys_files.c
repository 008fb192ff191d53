/* The /proc files programs read to size themselves and to see where they run, beyond the
 * basics: /proc/sys tunables whose values the kernel enforces (pipe-max-size, somaxconn, the
 * local port range, mqueue's limits, inotify's queue), random/uuid (a fresh version 4 UUID at
 * each read) and boot_id (the same at each read), uid_map/gid_map/setgroups, ns links
 * (the same namespaces as the parent's), net/dev per process, smaps (the ranges of maps,
 * with page counts), /proc/locks (a flock lock and a POSIX range lock, in Linux's columns),
 * and vmstat, swaps' header and the per-process defaults (timerslack_ns, coredump_filter, oom_adj).
 * Values that are the host's (max_map_count...) or the sandbox's limits are not printed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[1 << 16];

static const char *slurp(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    snprintf(buf, sizeof buf, "open failed");
    return buf;
  }
  size_t n = 0;
  ssize_t r;
  while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
  close(fd);
  buf[n] = 0;
  return buf;
}

static void show(const char *path) {
  printf("%s: %s", path, slurp(path));
  if (buf[0] == 0 || buf[strlen(buf) - 1] != '\n') printf("\n");
}

static int uuid_v4(const char *s) {
  if (strlen(s) != 37 || s[36] != '\n') return 0;
  for (int i = 0; i < 36; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return 0;
    } else if (!strchr("0123456789abcdef", s[i])) {
      return 0;
    }
  }
  return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static int has_line(const char *text, const char *line) {
  size_t n = strlen(line);
  for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
    if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0)) return 1;
  return 0;
}

static void locks(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/locked", dir);
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  struct stat st;
  fstat(fd, &st);
  flock(fd, LOCK_EX);
  snprintf(path, sizeof path, "%s/ranged", dir);
  int rfd = open(path, O_RDWR | O_CREAT, 0644);
  struct stat rst;
  fstat(rfd, &rst);
  struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 10 };
  fcntl(rfd, F_SETLK, &fl);
  const char *all = slurp("/proc/locks");
  char want[256];
  /* Numbered in some order: look for the rest of each line. */
  snprintf(want, sizeof want, ": FLOCK  ADVISORY  WRITE %d %02x:%02x:%lu 0 EOF", getpid(), major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
  printf("flock line: %s\n", strstr(all, want) ? "found" : "missing");
  snprintf(want, sizeof want, ": POSIX  ADVISORY  READ %d %02x:%02x:%lu 10 19", getpid(), major(rst.st_dev), minor(rst.st_dev), (unsigned long)rst.st_ino);
  printf("posix line: %s\n", strstr(all, want) ? "found" : "missing");
  close(fd);
  close(rfd);
  snprintf(want, sizeof want, " %d ", getpid());
  printf("after close: %s\n", strstr(slurp("/proc/locks"), want) ? "still listed" : "gone");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2) return 2;
  show("/proc/sys/fs/pipe-max-size");
  show("/proc/sys/net/core/somaxconn");
  show("/proc/sys/net/ipv4/ip_local_port_range");
  show("/proc/sys/fs/mqueue/msg_max");
  show("/proc/sys/fs/mqueue/msgsize_max");
  show("/proc/sys/fs/mqueue/msg_default");
  show("/proc/sys/fs/mqueue/msgsize_default");
  show("/proc/sys/fs/inotify/max_queued_events");
  show("/proc/sys/kernel/random/entropy_avail");
  show("/proc/sys/kernel/random/poolsize");
  show("/proc/sys/kernel/overflowuid");
  show("/proc/sys/kernel/overflowgid");
  char a[64], b[64];
  snprintf(a, sizeof a, "%s", slurp("/proc/sys/kernel/random/uuid"));
  snprintf(b, sizeof b, "%s", slurp("/proc/sys/kernel/random/uuid"));
  printf("uuid: v4 %d %d, fresh %d\n", uuid_v4(a), uuid_v4(b), strcmp(a, b) != 0);
  snprintf(a, sizeof a, "%s", slurp("/proc/sys/kernel/random/boot_id"));
  snprintf(b, sizeof b, "%s", slurp("/proc/sys/kernel/random/boot_id"));
  printf("boot_id: v4 %d, stable %d\n", uuid_v4(a), strcmp(a, b) == 0);
  show("/proc/self/uid_map");
  show("/proc/self/gid_map");
  show("/proc/self/setgroups");
  show("/proc/self/timerslack_ns");
  show("/proc/self/coredump_filter");
  show("/proc/self/oom_adj");
  /* Its header only: the host's may list swap devices, the sandbox has none. */
  slurp("/proc/swaps");
  *strchr(buf, '\n') = 0;
  printf("swaps header: %s\n", buf);

  char self_ns[64], path[64];
  ssize_t n = readlink("/proc/self/ns/pid", self_ns, sizeof self_ns - 1);
  self_ns[n < 0 ? 0 : n] = 0;
  snprintf(path, sizeof path, "/proc/%d/ns/pid", getppid());
  pid_t child = fork();
  if (child == 0) {
    char mine[64];
    n = readlink("/proc/self/ns/mnt", mine, sizeof mine - 1);
    mine[n < 0 ? 0 : n] = 0;
    char theirs[64];
    snprintf(path, sizeof path, "/proc/%d/ns/mnt", getppid());
    n = readlink(path, theirs, sizeof theirs - 1);
    theirs[n < 0 ? 0 : n] = 0;
    printf("child mnt ns: %.5s same as parent %d\n", mine, strcmp(mine, theirs) == 0 && mine[0] != 0);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  printf("pid ns link: %.5s\n", self_ns);

  printf("net/dev has lo: %d\n", strstr(slurp("/proc/self/net/dev"), " lo:") != NULL);
  char first_map[256];
  snprintf(first_map, sizeof first_map, "%s", slurp("/proc/self/maps"));
  *strchr(first_map, '\n') = 0;
  const char *sm = slurp("/proc/self/smaps");
  printf("smaps: starts with maps' first line %d, Rss %d\n", has_line(sm, first_map) && strncmp(sm, first_map, strlen(first_map)) == 0, strstr(sm, "\nRss:") != NULL);
  printf("smaps_rollup: %d\n", strstr(slurp("/proc/self/smaps_rollup"), "[rollup]\nRss:") != NULL);
  const char *vm = slurp("/proc/vmstat");
  printf("vmstat: %d %d\n", strncmp(vm, "nr_free_pages ", 14) == 0, strstr(vm, "\npgfault ") != NULL);
  locks(argv[1]);
  return 0;
}
