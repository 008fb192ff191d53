/* fcntl F_NOTIFY (dnotify) on a directory given in argv: ENOTDIR on a file; DN_CREATE,
 * DN_MODIFY, DN_ATTRIB, DN_RENAME and DN_DELETE signal the caller (SIGIO, or F_SETSIG's
 * signal with si_code POLL_MSG and the fd); a mark without DN_MULTISHOT fires once; events
 * not asked for signal nothing; a mask of 0 removes the mark; F_NOTIFY makes the caller the
 * directory fd's owner. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t sigio_count, rt_count, rt_code, rt_fd;

static void on_sigio(int sig) { (void)sig; sigio_count++; }

static void on_rt(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  rt_count++;
  rt_code = si->si_code;
  rt_fd = si->si_fd;
}

static char path[4096];

static const char *at(const char *dir, const char *name) {
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

static void touch(const char *p) {
  int fd = open(p, O_CREAT | O_WRONLY, 0644);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *dir = argv[1];
  signal(SIGIO, on_sigio);
  struct sigaction sa = {.sa_sigaction = on_rt, .sa_flags = SA_SIGINFO};
  sigaction(SIGRTMIN, &sa, NULL);

  touch(at(dir, "file"));
  int f = open(at(dir, "file"), O_RDONLY);
  errno = 0;
  int r = fcntl(f, F_NOTIFY, DN_CREATE);
  printf("F_NOTIFY on a file: %d %s\n", r, strerrorname_np(errno));
  close(f);

  int d = open(dir, O_RDONLY | O_DIRECTORY);
  r = fcntl(d, F_NOTIFY, DN_CREATE);
  printf("F_NOTIFY DN_CREATE: %d, owner is the caller %d\n", r, fcntl(d, F_GETOWN) == getpid());
  touch(at(dir, "a"));
  printf("create: SIGIO %d\n", (int)sigio_count);
  sigio_count = 0;
  touch(at(dir, "b"));
  printf("create again, one-shot mark gone: SIGIO %d\n", (int)sigio_count);

  fcntl(d, F_NOTIFY, DN_DELETE | DN_MULTISHOT);
  int fd = open(at(dir, "a"), O_WRONLY);
  write(fd, "x", 1);
  close(fd);
  printf("modify with only DN_DELETE: SIGIO %d\n", (int)sigio_count);
  unlink(at(dir, "a"));
  printf("delete: SIGIO %d\n", sigio_count > 0);
  sigio_count = 0;
  unlink(at(dir, "b"));
  printf("delete again (multishot): SIGIO %d\n", sigio_count > 0);
  sigio_count = 0;
  fcntl(d, F_NOTIFY, 0);
  touch(at(dir, "c"));
  unlink(at(dir, "c"));
  printf("after F_NOTIFY 0: SIGIO %d\n", (int)sigio_count);

  fcntl(d, F_SETSIG, SIGRTMIN);
  fcntl(d, F_NOTIFY, DN_MODIFY | DN_ATTRIB | DN_RENAME | DN_MULTISHOT);
  fd = open(at(dir, "file"), O_WRONLY);
  write(fd, "hello", 5);
  close(fd);
  printf("modify: signal %d, si_code %d (POLL_MSG %d), si_fd is the fd %d\n", rt_count > 0, (int)rt_code, POLL_MSG, rt_fd == d);
  rt_count = 0;
  chmod(at(dir, "file"), 0600);
  printf("chmod: signal %d\n", rt_count > 0);
  rt_count = 0;
  char from[4096];
  snprintf(from, sizeof from, "%s", at(dir, "file"));
  rename(from, at(dir, "renamed"));
  printf("rename: signal %d\n", rt_count > 0);
  rt_count = 0;
  mkdir(at(dir, "sub"), 0755);
  snprintf(from, sizeof from, "%s", at(dir, "renamed"));
  rename(from, at(dir, "sub/moved"));
  printf("rename into a subdirectory (DN_RENAME is for renames within the directory): signal %d\n", (int)rt_count);
  snprintf(from, sizeof from, "%s", at(dir, "sub/moved"));
  rename(from, at(dir, "renamed"));
  rt_count = 0;
  close(d);
  chmod(at(dir, "renamed"), 0644);
  printf("after close: signal %d, SIGIO %d\n", (int)rt_count, (int)sigio_count);
  unlink(at(dir, "renamed"));
  rmdir(at(dir, "sub"));
  return 0;
}
