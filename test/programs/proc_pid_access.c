/* /proc/PID as another user sees it: every node belongs to the process's effective ids (root's
 * when it is not dumpable, after setresuid until PR_SET_DUMPABLE, but for the 0555 directories
 * PID, task, fdinfo, net); fd is 0500, ns 0511, environ and personality 0400; what shows where
 * a process is or what it has open (exe, cwd, root, fd/N, fdinfo, the ns links, environ, maps)
 * needs ptrace's read check: readlink, following and open are EACCES, lstat and O_PATH are not. The process itself, and one with the same ids that is dumpable,
 * pass. Run as root (the sandbox's default user), it drops to 65534 in children. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void show_stat(const char *label, const char *path, int follow) {
  struct stat st;
  int r = follow ? stat(path, &st) : lstat(path, &st);
  if (r < 0) printf("  %s %s: -1 %s\n", follow ? "stat" : "lstat", label, strerror(errno));
  else printf("  %s %s: mode %o uid %u gid %u\n", follow ? "stat" : "lstat", label, st.st_mode & 07777, st.st_uid, st.st_gid);
}

static void try_readlink(const char *label, const char *path) {
  char buf[256];
  ssize_t n = readlink(path, buf, sizeof buf);
  if (n < 0) printf("  readlink %s: -1 %s\n", label, strerror(errno));
  else printf("  readlink %s: ok\n", label);
}

static void try_open(const char *label, const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) printf("  open %s: -1 %s\n", label, strerror(errno));
  else {
    printf("  open %s: ok\n", label);
    close(fd);
  }
  fd = open(path, O_PATH);
  printf("  open O_PATH %s: %s\n", label, fd < 0 ? strerror(errno) : "ok");
  if (fd >= 0) close(fd);
}

static void survey(const char *who, pid_t pid) {
  static const char *links[] = {"exe", "cwd", "root", "fd/0", "ns/mnt", "ns/pid", 0};
  static const char *files[] = {"", "environ", "maps", "status", "cmdline", "stat", "personality", "fd", "fdinfo", "ns", "task", "net", 0};
  char path[128];
  printf("%s:\n", who);
  for (int i = 0; links[i]; i++) {
    snprintf(path, sizeof path, "/proc/%d/%s", pid, links[i]);
    show_stat(links[i], path, 0);
    show_stat(links[i], path, 1);
    try_readlink(links[i], path);
  }
  for (int i = 0; files[i]; i++) {
    snprintf(path, sizeof path, "/proc/%d/%s", pid, files[i]);
    show_stat(files[i], path, 1);
    try_open(files[i], path);
  }
  snprintf(path, sizeof path, "/proc/%d/task/%d/fd", pid, pid);
  show_stat("task/PID/fd", path, 1);
  DIR *d = opendir(path);
  printf("  opendir task/PID/fd: %s\n", d ? "ok" : strerror(errno));
  if (d) closedir(d);
}

/* A child that waits to be looked at; with `uid`, it first becomes that user (and dumpable again when asked). */
static pid_t sleeper(int uid, int dumpable) {
  int ready[2];
  if (pipe(ready) < 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    if (uid >= 0 && (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)) _exit(1);
    if (dumpable) prctl(PR_SET_DUMPABLE, 1);
    close(ready[0]);
    write(ready[1], "x", 1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char c;
  read(ready[0], &c, 1);
  close(ready[0]);
  return pid;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  pid_t root_child = sleeper(-1, 0);
  pid_t user_child = sleeper(65534, 0);
  pid_t user_dumpable = sleeper(65534, 1);
  pid_t looker = fork();
  if (looker == 0) {
    if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0) _exit(1);
    prctl(PR_SET_DUMPABLE, 1);
    printf("dumpable after setresuid: %d\n", prctl(PR_GET_DUMPABLE));
    survey("root's process", root_child);
    survey("the same user's, not dumpable", user_child);
    survey("the same user's, dumpable", user_dumpable);
    survey("itself", getpid());
    _exit(0);
  }
  int status;
  waitpid(looker, &status, 0);
  printf("looker: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  printf("root looking:\n");
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/environ", user_child);
  try_open("environ", path);
  snprintf(path, sizeof path, "/proc/%d/ns/mnt", user_child);
  try_readlink("ns/mnt", path);
  kill(root_child, SIGKILL);
  kill(user_child, SIGKILL);
  kill(user_dumpable, SIGKILL);
  while (wait(0) > 0) {}
  return 0;
}
