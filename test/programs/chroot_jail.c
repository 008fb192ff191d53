/* chroot(2) in a directory tree the program makes below argv[1] (and removes at the end):
 * errors (EFAULT, ENOENT, ENOTDIR, ELOOP; EPERM and EACCES after setuid to a non-root uid),
 * then in the jail: getcwd "(unreachable)" while the cwd is outside the root, `..` stopping at
 * the root, absolute and relative symlinks resolved in it, /proc/PID/root and cwd seen from
 * outside, /proc/self/mounts listing only the mounts within the root, fork and exec keeping
 * the root (argv[2]: a static program copied into the jail and run there as "inside"), a unix
 * socket bound in the jail, and a thread's chroot changing its process's root. Prints what it
 * finds, never the jail's (random) name. */
// build: -pthread
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char jail[512];

/* A path with the jail's own path (outside the jail) shown as JAIL. */
static void print_path(const char *label, const char *path) {
  const char *mark = "(unreachable)";
  const char *rest = strncmp(path, mark, strlen(mark)) == 0 ? path + strlen(mark) : path;
  size_t j = strlen(jail);
  if (strncmp(rest, jail, j) == 0 && (rest[j] == 0 || rest[j] == '/')) printf("%s: \"%.*sJAIL%s\"\n", label, (int)(rest - path), path, rest + j);
  else printf("%s: \"%s\"\n", label, path);
}

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

/* getcwd(2) itself: glibc's wrapper refuses a path that does not start with '/'. */
static void show_cwd(const char *when) {
  char buf[512];
  long n = syscall(SYS_getcwd, buf, sizeof buf);
  char label[128];
  snprintf(label, sizeof label, "%s: getcwd", when);
  if (n < 0) printf("%s %s\n", label, strerrorname_np(errno));
  else print_path(label, buf);
}

static void show_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("%s: %s\n", path, strerrorname_np(errno));
    return;
  }
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  buf[strcspn(buf, "\n")] = 0;
  printf("%s: \"%s\"\n", path, buf);
  close(fd);
}

/* A link's target. */
static void show_link(const char *label, const char *path) {
  char buf[512];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0) {
    printf("%s: %s\n", label, strerrorname_np(errno));
    return;
  }
  buf[n] = 0;
  print_path(label, buf);
}

/* How many lines a file has: /proc/self/mounts lists only the mounts within the reader's root. */
static void show_lines(const char *label) {
  const char *path = label + strlen("outside: ");
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("%s: %s\n", label, strerrorname_np(errno));
    return;
  }
  int lines = 0;
  for (int ch; (ch = fgetc(f)) != EOF;) lines += ch == '\n';
  fclose(f);
  printf("%s: %d lines\n", label, lines);
}

static void same_dir(const char *a, const char *b) {
  struct stat sa, sb;
  if (stat(a, &sa) < 0 || stat(b, &sb) < 0) printf("%s vs %s: %s\n", a, b, strerrorname_np(errno));
  else printf("%s is %s: %s\n", a, b, sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino ? "yes" : "no");
}

static void put(const char *rel, const char *content, mode_t mode) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", jail, rel);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0 || write(fd, content, strlen(content)) < 0) perror(path), exit(3);
  close(fd);
}

static void dir(const char *rel, mode_t mode) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", jail, rel);
  if (mkdir(path, mode) < 0 || chmod(path, mode) < 0) perror(path), exit(3);
}

static void link_to(const char *target, const char *rel) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", jail, rel);
  if (symlink(target, path) < 0) perror(path), exit(3);
}

static void copy_program(const char *from, const char *rel) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", jail, rel);
  int in = open(from, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  if (in < 0 || out < 0) perror(from), exit(3);
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, n) != n) perror(path), exit(3);
  }
  close(in);
  close(out);
}

static void wait_child(const char *what, pid_t pid) {
  int status;
  if (waitpid(pid, &status, 0) != pid) perror("waitpid"), exit(3);
  printf("%s: exit %d\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Run as "inside" by exec in the jail: the root came through fork and exec. */
static int inside(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  show_cwd("exec'd");
  show_file("/etc/hello");
  show_file("/../../etc/hello");
  return 0;
}

/* openat2 in the jail: RESOLVE_IN_ROOT makes the dirfd the walk's root, RESOLVE_BENEATH keeps below it. */
static void show_openat2(const char *label, int dirfd, const char *path, unsigned long long resolve) {
  struct open_how how = {.flags = O_RDONLY, .resolve = resolve};
  int fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  if (fd < 0) {
    printf("%s: %s\n", label, strerrorname_np(errno));
    return;
  }
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  buf[strcspn(buf, "\n")] = 0;
  printf("%s: \"%s\"\n", label, buf);
  close(fd);
}

static void *thread_chroot(void *arg) {
  (void)arg;
  report("thread: chroot sub", syscall(SYS_chroot, "sub"));
  return NULL;
}

/* The chrooted process; sync: [0] it tells the parent it is in /sub/inner, [1] the parent lets it go on. */
static int jailed(int ready, int go) {
  if (chdir("/") < 0) return 3;
  report("chroot JAIL", syscall(SYS_chroot, jail));
  show_cwd("cwd left outside");
  char buf[512];
  printf("glibc getcwd: %s\n", getcwd(buf, sizeof buf) ? "a path" : strerrorname_np(errno));
  show_link("outside: proc/self/root", "proc/self/root");
  show_link("outside: proc/self/cwd", "proc/self/cwd");
  printf("outside: etc/passwd %s\n", access("etc/passwd", R_OK) == 0 ? "readable" : strerrorname_np(errno));
  show_lines("outside: proc/self/mounts");
  show_lines("outside: proc/self/mountinfo");
  report("chdir /", chdir("/"));
  show_cwd("at the root");
  same_dir("/..", "/");
  same_dir("..", ".");
  same_dir("/sub/../..", "/");
  show_file("/etc/hello");
  show_file("/../../../etc/hello");
  show_file("/abs");
  show_file("/up/etc/hello");
  show_file("/sub/inner/escape");
  show_file("/proc/self/status");
  report("chdir /absdir/inner", chdir("/absdir/inner"));
  show_cwd("in /absdir/inner");
  char c = 1;
  if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1) return 3;
  report("chdir ../../../../..", chdir("../../../../.."));
  show_cwd("after ..");
  int sub = open("/sub", O_RDONLY | O_DIRECTORY);
  int fd = openat(sub, "../../../etc/hello", O_RDONLY);
  report("openat(/sub, ../../../etc/hello)", fd);
  close(fd);
  show_openat2("openat2(/sub, /etc/hello, RESOLVE_IN_ROOT)", sub, "/etc/hello", RESOLVE_IN_ROOT);
  show_openat2("openat2(/sub, ../../etc/hello, RESOLVE_IN_ROOT)", sub, "../../etc/hello", RESOLVE_IN_ROOT);
  show_openat2("openat2(/sub, ../etc/hello, RESOLVE_BENEATH)", sub, "../etc/hello", RESOLVE_BENEATH);
  show_openat2("openat2(AT_FDCWD, /../etc/hello, 0)", AT_FDCWD, "/../etc/hello", 0);
  show_openat2("openat2(AT_FDCWD, /abs, RESOLVE_NO_SYMLINKS)", AT_FDCWD, "/abs", RESOLVE_NO_SYMLINKS);
  report("fchdir /sub", fchdir(sub));
  show_cwd("after fchdir");
  close(sub);
  report("chdir /", chdir("/"));

  pid_t pid = fork();
  if (pid == 0) {
    show_cwd("forked child");
    show_file("/etc/hello");
    _exit(0);
  }
  wait_child("forked child", pid);
  pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
    printf("exec /bin/sh (not in the jail): %s\n", strerrorname_np(errno));
    execl("/bin/inside", "inside", "inside", (char *)NULL);
    printf("exec /bin/inside: %s\n", strerrorname_np(errno));
    _exit(1);
  }
  wait_child("exec'd child", pid);

  int srv = socket(AF_UNIX, SOCK_STREAM, 0), cli = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strcpy(addr.sun_path, "/sock");
  report("bind /sock", bind(srv, (struct sockaddr *)&addr, sizeof addr));
  report("listen", listen(srv, 1));
  report("connect /sock", connect(cli, (struct sockaddr *)&addr, sizeof addr));
  close(cli);
  close(srv);

  pthread_t t;
  if (pthread_create(&t, NULL, thread_chroot, NULL) != 0 || pthread_join(t, NULL) != 0) return 3;
  show_file("/inner/escape");
  show_file("/etc/hello");
  show_cwd("after the thread's chroot");
  return 0;
}

static int unlink_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)ftw;
  return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "inside") == 0) return inside();
  if (argc < 3) return printf("usage: chroot_jail DIR STATIC-PROGRAM\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(jail, sizeof jail, "%s/chroot.XXXXXX", argv[1]);
  if (!mkdtemp(jail)) return perror("mkdtemp"), 3;
  if (chmod(jail, 0755) < 0) return perror("chmod"), 3;
  dir("etc", 0755);
  dir("sub", 0755);
  dir("sub/inner", 0755);
  dir("private", 0700);
  dir("bin", 0755);
  put("etc/hello", "hello from the jail\n", 0644);
  dir("sub/etc", 0755);
  put("sub/etc/hello", "hello from /sub\n", 0644);
  put("file", "a file\n", 0644);
  link_to("/etc/hello", "abs");
  link_to("/sub", "absdir");
  link_to("../../../../../..", "up");
  link_to("../../../../../../../etc/hello", "sub/inner/escape");
  link_to("loop", "loop");
  copy_program(argv[2], "bin/inside");

  if (chdir(jail) < 0) return perror("chdir"), 3;
  report("chroot(bad pointer)", syscall(SYS_chroot, (void *)8));
  report("chroot(\"\")", syscall(SYS_chroot, ""));
  report("chroot missing", syscall(SYS_chroot, "missing"));
  report("chroot file", syscall(SYS_chroot, "file"));
  report("chroot file/x", syscall(SYS_chroot, "file/x"));
  report("chroot loop", syscall(SYS_chroot, "loop"));
  pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) < 0 || setuid(65534) < 0) _exit(3);
    report("uid 65534: chroot .", syscall(SYS_chroot, "."));
    report("uid 65534: chroot private", syscall(SYS_chroot, "private"));
    report("uid 65534: chroot missing", syscall(SYS_chroot, "missing"));
    _exit(0);
  }
  wait_child("non-root child", pid);

  int ready[2], go[2];
  if (pipe(ready) < 0 || pipe(go) < 0) return perror("pipe"), 3;
  pid = fork();
  if (pid == 0) _exit(jailed(ready[1], go[0]));
  char c;
  if (read(ready[0], &c, 1) != 1) return printf("the jailed child did not get to /sub/inner\n"), 3;
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/%d/root", pid);
  show_link("parent: /proc/CHILD/root", proc);
  snprintf(proc, sizeof proc, "/proc/%d/cwd", pid);
  show_link("parent: /proc/CHILD/cwd", proc);
  if (write(go[1], &c, 1) != 1) return 3;
  wait_child("jailed child", pid);

  struct stat st;
  char sock[600];
  snprintf(sock, sizeof sock, "%s/sock", jail);
  printf("JAIL/sock is a socket: %s\n", stat(sock, &st) == 0 && S_ISSOCK(st.st_mode) ? "yes" : "no");
  if (chdir("/") < 0 || nftw(jail, unlink_entry, 16, FTW_DEPTH | FTW_PHYS) < 0) return perror("cleanup"), 3;
  return 0;
}
