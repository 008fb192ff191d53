/* Pseudo-terminals: posix_openpt/grantpt/unlockpt/ptsname, the slave's device node in
 * /dev/pts, TIOCGPTN/TIOCGPTPEER, isatty and ttyname of both sides, the default settings,
 * window size through the master, and the ends: EIO on the master after the slave closes,
 * end of file and EIO on the slave once the master is gone (its node too). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static int revents(int fd) {
  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  poll(&p, 1, 0);
  return p.revents;
}

/* The other side's bytes reach a pty through the kernel's work queue: wait for them. */
static void wait_input(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  poll(&p, 1, 1000);
}

static int listed(const char *name) {
  DIR *d = opendir("/dev/pts");
  int found = 0;
  for (struct dirent *e; d && (e = readdir(d));) found |= strcmp(e->d_name, name) == 0;
  if (d) closedir(d);
  return found;
}

int main(void) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  report("posix_openpt", m >= 0 ? 0 : -1);
  unsigned n;
  report("TIOCGPTN", ioctl(m, TIOCGPTN, &n));
  char name[64];
  snprintf(name, sizeof name, "/dev/pts/%u", n);
  printf("ptsname matches: %d\n", strcmp(ptsname(m), name) == 0);
  report("grantpt", grantpt(m));
  report("open while locked", open(name, O_RDWR | O_NOCTTY));
  int lock;
  report("TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &lock));
  printf("locked: %d\n", lock);
  report("unlockpt", unlockpt(m));
  report("TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &lock));
  printf("locked: %d\n", lock);

  struct stat st, fst;
  report("stat slave", stat(name, &st));
  printf("chr %d major %u minor matches %d owner is me %d\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev) == n,
         st.st_uid == geteuid());
  printf("listed in /dev/pts: %d, ptmx too: %d\n", listed(name + strlen("/dev/pts/")), listed("ptmx"));
  int s = open(name, O_RDWR | O_NOCTTY);
  report("open slave", s >= 0 ? 0 : -1);
  report("fstat slave", fstat(s, &fst));
  printf("same node: %d\n", fst.st_rdev == st.st_rdev && fst.st_ino == st.st_ino && fst.st_dev == st.st_dev);
  report("fstat master", fstat(m, &fst));
  printf("master is /dev/ptmx: chr %d %u:%u\n", S_ISCHR(fst.st_mode), major(fst.st_rdev), minor(fst.st_rdev));
  printf("isatty master %d slave %d\n", isatty(m), isatty(s));
  printf("ttyname slave matches: %d\n", ttyname(s) && strcmp(ttyname(s), name) == 0);
  char link[64] = "";
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", m);
  readlink(self, link, sizeof link - 1);
  printf("master link: %s\n", link);

  int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  report("TIOCGPTPEER", peer >= 0 ? 0 : -1);
  report("fstat peer", fstat(peer, &fst));
  printf("peer is the slave: %d\n", fst.st_rdev == st.st_rdev);
  close(peer);
  report("TIOCGPTN on the slave", ioctl(s, TIOCGPTN, &n));
  report("lseek slave", lseek(s, 0, SEEK_SET));
  report("lseek master", lseek(m, 0, SEEK_SET));

  struct termios t, tm;
  report("tcgetattr slave", tcgetattr(s, &t));
  printf("iflag %#o oflag %#o cflag %#o lflag %#o\n", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
  printf("cc:");
  for (int i = 0; i < 17; i++) printf(" %d", t.c_cc[i]);
  printf("\nspeed %d %d\n", (int)cfgetispeed(&t), (int)cfgetospeed(&t));
  report("tcgetattr master", tcgetattr(m, &tm));
  printf("master sees the same settings: %d\n", t.c_iflag == tm.c_iflag && t.c_oflag == tm.c_oflag && t.c_cflag == tm.c_cflag &&
         t.c_lflag == tm.c_lflag && memcmp(t.c_cc, tm.c_cc, sizeof t.c_cc) == 0);
  t.c_lflag &= ~ECHO;
  report("tcsetattr via master", tcsetattr(m, TCSANOW, &t));
  report("tcgetattr slave", tcgetattr(s, &t));
  printf("echo now: %d\n", (t.c_lflag & ECHO) != 0);

  struct winsize ws;
  report("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &ws));
  printf("winsize %d %d\n", ws.ws_row, ws.ws_col);
  struct winsize set = {24, 80, 0, 0};
  report("TIOCSWINSZ master", ioctl(m, TIOCSWINSZ, &set));
  report("TIOCGWINSZ slave", ioctl(s, TIOCGWINSZ, &ws));
  printf("winsize %d %d\n", ws.ws_row, ws.ws_col);
  int pgrp;
  report("TIOCGPGRP slave, not my terminal", ioctl(s, TIOCGPGRP, &pgrp));
  report("TIOCGPGRP master", ioctl(m, TIOCGPGRP, &pgrp));
  printf("pgrp %d\n", pgrp);
  report("TIOCGSID master", ioctl(m, TIOCGSID, &pgrp));
  report("TIOCSPGRP slave", ioctl(s, TIOCSPGRP, &pgrp));

  printf("poll master %#x slave %#x\n", revents(m), revents(s));
  report("write slave", write(s, "out\n", 4));
  wait_input(m);
  printf("poll master %#x\n", revents(m));
  int queued;
  report("FIONREAD master", ioctl(m, FIONREAD, &queued));
  printf("queued %d\n", queued);
  char buf[64];
  report("read master", read(m, buf, sizeof buf));
  close(s);
  printf("poll master after the slave closed %#x\n", revents(m));
  report("read master after the slave closed", read(m, buf, sizeof buf));
  report("write master after the slave closed", write(m, "in\n", 3));
  s = open(name, O_RDWR | O_NOCTTY);
  report("reopen slave", s >= 0 ? 0 : -1);
  report("read slave: the input waited", read(s, buf, sizeof buf));
  close(m);
  printf("poll slave after the master closed %#x\n", revents(s));
  report("read slave after the master closed", read(s, buf, sizeof buf));
  report("write slave after the master closed", write(s, "x", 1));
  report("tcgetattr after the master closed", tcgetattr(s, &t));
  report("open the slave after the master closed", open(name, O_RDWR | O_NOCTTY));
  printf("listed after the master closed: %d\n", listed(name + strlen("/dev/pts/")));
  close(s);

  FILE *mounts = fopen("/proc/mounts", "r");
  char line[512];
  int devpts = 0;
  while (mounts && fgets(line, sizeof line, mounts)) devpts |= strncmp(line, "devpts /dev/pts devpts ", 23) == 0;
  printf("devpts in /proc/mounts: %d\n", devpts);
  return 0;
}
