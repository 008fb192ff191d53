// Advisory locks between processes: flock (per open file description, conversions, release at
// the last close, LOCK_NB), POSIX record locks (F_GETLK's report, EAGAIN, F_SETLKW waiting for
// the holder, ranges split by an unlock, release when any fd of the file is closed, not
// inherited by fork), OFD locks (conflicting with POSIX ones, l_pid -1), and flock and fcntl
// locks ignoring each other; which of several conflicting locks F_GETLK reports (Linux keeps an
// owner's locks together, by start, where its first lock went). argv[1]: a directory to work in.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[4096];

static void result(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r);
}

static int set_lock(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  return fcntl(fd, cmd, &l);
}

/** F_GETLK (or F_OFD_GETLK) of [start, start+len): what holds it, from whom. */
static void show_lock(const char *what, int fd, int cmd, off_t start, off_t len, pid_t holder) {
  struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  if (fcntl(fd, cmd, &l) < 0) {
    printf("%s: -1 %s\n", what, strerror(errno));
    return;
  }
  if (l.l_type == F_UNLCK) {
    printf("%s: unlocked\n", what);
    return;
  }
  printf("%s: %s start %lld len %lld by %s\n", what, l.l_type == F_WRLCK ? "F_WRLCK" : "F_RDLCK", (long long)l.l_start,
         (long long)l.l_len, l.l_pid == holder ? "the holder" : l.l_pid == -1 ? "an open file (-1)" : "someone else");
}

static void wait_child(pid_t child) {
  int status;
  waitpid(child, &status, 0);
}

static void flock_cases(void) {
  puts("-- flock");
  int a = open(path, O_RDWR);
  int b = open(path, O_RDWR);
  result("a LOCK_SH", flock(a, LOCK_SH));
  result("b LOCK_SH", flock(b, LOCK_SH));
  result("b LOCK_EX|LOCK_NB while a shares", flock(b, LOCK_EX | LOCK_NB));
  result("a LOCK_UN", flock(a, LOCK_UN));
  result("b LOCK_EX|LOCK_NB alone", flock(b, LOCK_EX | LOCK_NB));
  int dup_b = dup(b);
  result("a LOCK_SH|LOCK_NB against b's LOCK_EX", flock(a, LOCK_SH | LOCK_NB));
  result("b's dup converts to LOCK_SH (same open file)", flock(dup_b, LOCK_SH));
  result("a LOCK_SH|LOCK_NB now", flock(a, LOCK_SH | LOCK_NB));
  flock(a, LOCK_UN);
  flock(b, LOCK_EX);
  close(b);
  result("a LOCK_EX|LOCK_NB while b's dup keeps the open file", flock(a, LOCK_EX | LOCK_NB));
  close(dup_b);
  result("a LOCK_EX|LOCK_NB after the last close", flock(a, LOCK_EX | LOCK_NB));
  int ready[2];
  pipe(ready);
  pid_t child = fork();
  if (child == 0) {
    int own = open(path, O_RDWR);
    result("child: its own open, LOCK_EX|LOCK_NB", flock(own, LOCK_EX | LOCK_NB));
    result("child: the inherited fd shares the parent's lock", flock(a, LOCK_EX | LOCK_NB));
    write(ready[1], "x", 1);
    result("child: its own open, LOCK_EX (waits)", flock(own, LOCK_EX));
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  usleep(100000);
  puts("parent: releasing");
  flock(a, LOCK_UN);
  wait_child(child);
  result("flock(bad op)", flock(a, 3));
  result("flock(bad fd)", flock(-1, LOCK_SH));
  close(a);
  close(ready[0]);
  close(ready[1]);
}

static void posix_cases(void) {
  puts("-- POSIX record locks");
  int fd = open(path, O_RDWR);
  result("F_SETLK write [0,100)", set_lock(fd, F_SETLK, F_WRLCK, 0, 100));
  show_lock("own F_GETLK", fd, F_GETLK, 0, 10, getpid());
  result("F_SETLK unlock [40,60)", set_lock(fd, F_SETLK, F_UNLCK, 40, 20));
  int ready[2], go[2];
  pipe(ready);
  pipe(go);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    int own = open(path, O_RDWR);
    show_lock("child F_GETLK [45,50)", own, F_GETLK, 45, 5, parent);
    show_lock("child F_GETLK [30,50)", own, F_GETLK, 30, 20, parent);
    show_lock("child F_GETLK [90,200)", own, F_GETLK, 90, 110, parent);
    result("child F_SETLK read [0,10)", set_lock(own, F_SETLK, F_RDLCK, 0, 10));
    result("child F_SETLK write [50,55)", set_lock(own, F_SETLK, F_WRLCK, 50, 5));
    result("child F_OFD_SETLK write [0,10) against the POSIX lock", set_lock(own, F_OFD_SETLK, F_WRLCK, 0, 10));
    write(ready[1], "x", 1);
    result("child F_SETLKW write [0,10) (waits)", set_lock(own, F_SETLKW, F_WRLCK, 0, 10));
    write(ready[1], "y", 1);
    char c;
    read(go[0], &c, 1);
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  usleep(100000);
  puts("parent: closing another fd of the file");
  int other = open(path, O_RDONLY);
  close(other);
  read(ready[0], &c, 1);
  show_lock("parent F_GETLK [0,10) while the child holds it", fd, F_GETLK, 0, 10, child);
  result("parent F_SETLK write [0,10)", set_lock(fd, F_SETLK, F_WRLCK, 0, 10));
  write(go[1], "z", 1);
  wait_child(child);
  show_lock("parent F_GETLK after the child exited", fd, F_GETLK, 0, 10, child);

  int wronly = open(path, O_WRONLY);
  result("read lock on a write-only fd", set_lock(wronly, F_SETLK, F_RDLCK, 0, 1));
  result("F_SETLK bad type", set_lock(fd, F_SETLK, 7, 0, 1));
  result("F_SETLK negative start", set_lock(fd, F_SETLK, F_WRLCK, -5, 1));
  struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_END, .l_start = -2, .l_len = 2};
  result("F_SETLK from SEEK_END", fcntl(fd, F_SETLK, &l));
  close(wronly);
  close(fd);
  close(ready[0]);
  close(ready[1]);
  close(go[0]);
  close(go[1]);
}

static void ofd_cases(void) {
  puts("-- OFD locks, and flock against fcntl");
  int fd = open(path, O_RDWR);
  struct flock bad = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1};
  result("F_OFD_SETLK with l_pid set", fcntl(fd, F_OFD_SETLK, &bad));
  result("F_OFD_SETLK write [0,4)", set_lock(fd, F_OFD_SETLK, F_WRLCK, 0, 4));
  int other = open(path, O_RDWR);
  show_lock("another open file's F_OFD_GETLK", other, F_OFD_GETLK, 0, 1, -1);
  result("another open file's F_OFD_SETLK", set_lock(other, F_OFD_SETLK, F_WRLCK, 2, 1));
  result("this process's POSIX F_SETLK", set_lock(other, F_SETLK, F_WRLCK, 2, 1));
  close(other);
  close(fd);
  int f1 = open(path, O_RDWR);
  result("flock LOCK_EX", flock(f1, LOCK_EX));
  pid_t child = fork();
  if (child == 0) {
    int own = open(path, O_RDWR);
    result("child: fcntl write lock under another's flock", set_lock(own, F_SETLK, F_WRLCK, 0, 0));
    _exit(0);
  }
  wait_child(child);
  close(f1);
}

/** Several locks conflict with the F_GETLK: Linux reports the first in its list. */
static void report_order_cases(void) {
  puts("-- which conflict F_GETLK reports");
  int fd = open(path, O_RDWR);
  // Placed out of order: the write lock first, then a read lock before it.
  set_lock(fd, F_SETLK, F_WRLCK, 11, 4);
  set_lock(fd, F_SETLK, F_RDLCK, 5, 6);
  int ready[2], done[2];
  if (pipe(ready) != 0 || pipe(done) != 0) return;
  pid_t other = fork();
  if (other == 0) {
    // A second owner, whose locks come after the parent's in the list though they start lower.
    int own = open(path, O_RDWR);
    set_lock(own, F_SETLK, F_RDLCK, 0, 3);
    write(ready[1], "r", 1);
    char c;
    read(done[0], &c, 1);
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  pid_t child = fork();
  if (child == 0) {
    int own = open(path, O_RDWR);
    show_lock("F_GETLK [0,20): two owners' locks", own, F_GETLK, 0, 20, getppid());
    show_lock("F_GETLK [4,20)", own, F_GETLK, 4, 16, getppid());
    show_lock("F_GETLK [12,20)", own, F_GETLK, 12, 8, getppid());
    _exit(0);
  }
  wait_child(child);
  write(done[1], "d", 1);
  wait_child(other);
  set_lock(fd, F_SETLK, F_UNLCK, 0, 0);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(path, sizeof path, "%s/locked", argv[1]);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "0123456789abcdef", 16);
  close(fd);
  flock_cases();
  posix_cases();
  ofd_cases();
  report_order_cases();
  return 0;
}
