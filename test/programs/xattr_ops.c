/* Extended attributes of files in a directory given in argv (which holds "lower", a file made
 * before the run: in the sandbox a lower file, copied up by the first change): set, get, list
 * and remove by path, by fd and without following symlinks; XATTR_CREATE/REPLACE; the size
 * protocol (0 asks the length, too small is ERANGE); bad flags, names and sizes; user.* only
 * on regular files and directories; trusted.* hidden and refused without CAP_SYS_ADMIN;
 * security.* set by root, refused to others (EPERM);
 * write permission and a sticky directory's owner; O_PATH fds; hard links share them; a
 * change is IN_ATTRIB and moves ctime. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static char path[4096];

static const char *at(const char *dir, const char *name) {
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

static void show(const char *what, long r) {
  printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
  errno = 0;
}

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names listxattr returns, sorted (each filesystem keeps its own order). */
static void show_list(const char *what, char *list, long n) {
  if (n < 0) {
    show(what, n);
    return;
  }
  char *names[256];
  int count = 0;
  for (char *p = list; p < list + n && count < 256; p += strlen(p) + 1) names[count++] = p;
  qsort(names, (size_t)count, sizeof names[0], compare);
  printf("%s: %ld bytes,", what, n);
  for (int i = 0; i < count; i++) printf(" %s", names[i]);
  printf("\n");
}

static void show_value(const char *what, char *buf, long n) {
  if (n < 0) show(what, n);
  else printf("%s: %ld \"%.*s\"\n", what, n, (int)n, buf);
}

/* What a process without privileges (nobody) may do, by fds opened before it dropped them. */
static void unprivileged(int file, int open_file, int sticky) {
  char buf[256];
  if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(3);
  show("nobody: set user.* of root's 0644 file", fsetxattr(file, "user.n", "x", 1, 0));
  show("nobody: get user.* of it", fgetxattr(file, "user.a", buf, sizeof buf));
  show("nobody: set trusted.*", fsetxattr(file, "trusted.n", "x", 1, 0));
  show("nobody: get trusted.*", fgetxattr(file, "trusted.t", buf, sizeof buf));
  show("nobody: set security.*", fsetxattr(file, "security.n", "x", 1, 0));
  show_list("nobody: list (trusted.* hidden)", buf, flistxattr(file, buf, sizeof buf));
  show("nobody: set user.* of a 0666 file", fsetxattr(open_file, "user.n", "x", 1, 0));
  show("nobody: set user.* of root's sticky 01777 directory", fsetxattr(sticky, "user.n", "x", 1, 0));
  show("nobody: remove user.* of root's 0644 file", fremovexattr(file, "user.a"));
  fflush(stdout);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *dir = argv[1];
  char buf[4096];
  char name[300];

  int fd = open(at(dir, "file"), O_CREAT | O_RDWR, 0644);
  show("get on a new file", getxattr(at(dir, "file"), "user.a", buf, sizeof buf));
  show("list on a new file", listxattr(at(dir, "file"), buf, sizeof buf));
  show("set user.a empty", setxattr(at(dir, "file"), "user.a", "", 0, 0));
  show("get user.a size 0", getxattr(at(dir, "file"), "user.a", NULL, 0));
  show("replace user.a", setxattr(at(dir, "file"), "user.a", "hello", 5, XATTR_REPLACE));
  show("get user.a size 0", getxattr(at(dir, "file"), "user.a", NULL, 0));
  show("get user.a into 3 bytes", getxattr(at(dir, "file"), "user.a", buf, 3));
  show_value("get user.a", buf, getxattr(at(dir, "file"), "user.a", buf, sizeof buf));
  show("create user.a again", setxattr(at(dir, "file"), "user.a", "x", 1, XATTR_CREATE));
  show("replace a missing user.b", setxattr(at(dir, "file"), "user.b", "x", 1, XATTR_REPLACE));
  show("create user.b by fd", fsetxattr(fd, "user.b", "bee", 3, XATTR_CREATE));
  show("trusted.t as root", fsetxattr(fd, "trusted.t", "tt", 2, 0));
  show("list size 0", listxattr(at(dir, "file"), NULL, 0));
  show("list into 5 bytes", listxattr(at(dir, "file"), buf, 5));
  show_list("list", buf, listxattr(at(dir, "file"), buf, sizeof buf));
  show_list("flist", buf, flistxattr(fd, buf, sizeof buf));
  show_value("fget user.b", buf, fgetxattr(fd, "user.b", buf, sizeof buf));
  show("remove user.b", removexattr(at(dir, "file"), "user.b"));
  show("remove user.b again", fremovexattr(fd, "user.b"));
  show("get removed user.b", getxattr(at(dir, "file"), "user.b", buf, sizeof buf));
  /* A name's bytes come back as they went in (UTF-8 here: two bytes for the e acute). */
  show("set a UTF-8 name", setxattr(at(dir, "file"), "user.\xc3\xa9", "e", 1, 0));
  show_list("list with a UTF-8 name", buf, listxattr(at(dir, "file"), buf, sizeof buf));
  show("remove the UTF-8 name", removexattr(at(dir, "file"), "user.\xc3\xa9"));
  show("set security.s as root", setxattr(at(dir, "file"), "security.s", "label", 5, 0));
  show_value("get security.s", buf, getxattr(at(dir, "file"), "security.s", buf, sizeof buf));
  show("remove security.s", removexattr(at(dir, "file"), "security.s"));

  /* Arguments refused before the file is looked at, then by namespace. */
  show("bad flags", setxattr(at(dir, "file"), "user.a", "x", 1, 4));
  show("empty name", setxattr(at(dir, "file"), "", "x", 1, 0));
  memset(name, 'n', sizeof name);
  memcpy(name, "user.", 5);
  name[256] = 0;
  show("256-byte name", setxattr(at(dir, "file"), name, "x", 1, 0));
  show("256-byte name, get", getxattr(at(dir, "file"), name, buf, sizeof buf));
  name[255] = 0;
  show("255-byte name", setxattr(at(dir, "file"), name, "x", 1, 0));
  show("255-byte name, removed", removexattr(at(dir, "file"), name));
  static char big[65537];
  show("value of 65537 bytes", setxattr(at(dir, "file"), "user.big", big, sizeof big, 0));
  show("value size (size_t)-1", syscall(SYS_setxattr, at(dir, "file"), "user.a", buf, (size_t)-1, 0));
  show_value("get into a buffer of (size_t)-1", buf, syscall(SYS_getxattr, at(dir, "file"), "user.a", buf, (size_t)-1));
  show("value from a bad pointer", syscall(SYS_setxattr, at(dir, "file"), "user.bad", (void *)16, 8, 0));
  show("name 'user.'", setxattr(at(dir, "file"), "user.", "x", 1, 0));
  show("name 'trusted.'", setxattr(at(dir, "file"), "trusted.", "x", 1, 0));
  show("unknown namespace", setxattr(at(dir, "file"), "other.x", "x", 1, 0));
  show("unknown namespace, get", getxattr(at(dir, "file"), "other.x", buf, sizeof buf));
  show("no namespace", setxattr(at(dir, "file"), "plain", "x", 1, 0));
  show("missing file", setxattr(at(dir, "missing"), "user.a", "x", 1, 0));

  /* user.* belongs to regular files and directories. */
  symlink("file", at(dir, "link"));
  show("lsetxattr user.* on a symlink", lsetxattr(at(dir, "link"), "user.l", "x", 1, 0));
  show("lgetxattr user.* on a symlink", lgetxattr(at(dir, "link"), "user.a", buf, sizeof buf));
  show_value("getxattr through the symlink", buf, getxattr(at(dir, "link"), "user.a", buf, sizeof buf));
  show("lsetxattr trusted.* on a symlink", lsetxattr(at(dir, "link"), "trusted.l", "x", 1, 0));
  show_list("llist of the symlink", buf, llistxattr(at(dir, "link"), buf, sizeof buf));
  mkfifo(at(dir, "fifo"), 0644);
  show("setxattr user.* on a FIFO", setxattr(at(dir, "fifo"), "user.f", "x", 1, 0));
  show("getxattr user.* on a FIFO", getxattr(at(dir, "fifo"), "user.f", buf, sizeof buf));
  int pipes[2];
  if (pipe(pipes)) return 1;
  show("fsetxattr user.* on a pipe", fsetxattr(pipes[0], "user.p", "x", 1, 0));
  show("fgetxattr user.* on a pipe", fgetxattr(pipes[0], "user.p", buf, sizeof buf));
  show("setxattr user.* on the directory", setxattr(dir, "user.d", "dir", 3, 0));
  show_value("getxattr of the directory", buf, getxattr(dir, "user.d", buf, sizeof buf));

  /* O_PATH fds are not for attributes; hard links share them. */
  int opath = open(at(dir, "file"), O_PATH);
  show("fgetxattr on an O_PATH fd", fgetxattr(opath, "user.a", buf, sizeof buf));
  show("fsetxattr on an O_PATH fd", fsetxattr(opath, "user.a", "x", 1, 0));
  char target[4096];
  snprintf(target, sizeof target, "%s/file", dir);
  link(target, at(dir, "hardlink"));
  show_value("get through a hard link", buf, getxattr(at(dir, "hardlink"), "user.a", buf, sizeof buf));

  /* A file made before the run (the sandbox copies it up): its bytes stay. */
  show("set user.* on the earlier file", setxattr(at(dir, "lower"), "user.low", "L", 1, 0));
  show_value("get it back", buf, getxattr(at(dir, "lower"), "user.low", buf, sizeof buf));
  int low = open(at(dir, "lower"), O_RDONLY);
  show_value("its bytes", buf, read(low, buf, sizeof buf));
  close(low);

  /* A change is IN_ATTRIB and moves ctime. */
  int in = inotify_init1(IN_NONBLOCK);
  inotify_add_watch(in, at(dir, "file"), IN_ATTRIB);
  struct stat before, after;
  fstat(fd, &before);
  struct timespec pause = {0, 30 * 1000 * 1000};
  nanosleep(&pause, NULL);
  fsetxattr(fd, "user.c", "c", 1, 0);
  fstat(fd, &after);
  long n = read(in, buf, sizeof buf);
  struct inotify_event *ev = (struct inotify_event *)buf;
  printf("inotify after set: %s\n", n > 0 && (ev->mask & IN_ATTRIB) ? "IN_ATTRIB" : "nothing");
  printf("ctime moved: %d\n", after.st_ctim.tv_sec != before.st_ctim.tv_sec || after.st_ctim.tv_nsec != before.st_ctim.tv_nsec);
  fremovexattr(fd, "user.c");
  n = read(in, buf, sizeof buf);
  printf("inotify after remove: %s\n", n > 0 && (ev->mask & IN_ATTRIB) ? "IN_ATTRIB" : "nothing");

  /* Without privileges. */
  int open_file = open(at(dir, "open"), O_CREAT | O_RDWR, 0666);
  fchmod(open_file, 0666);
  mkdir(at(dir, "sticky"), 01777);
  chmod(at(dir, "sticky"), 01777);
  int sticky = open(at(dir, "sticky"), O_RDONLY | O_DIRECTORY);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) unprivileged(fd, open_file, sticky);
  int status;
  waitpid(child, &status, 0);
  printf("child: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  show_list("list after the child", buf, flistxattr(open_file, buf, sizeof buf));
  return 0;
}
