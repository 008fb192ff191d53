/* FIFOs and unix sockets made in a directory (argv[1]): natively, and in the sandbox with the
 * directory mounted `--mount DIR:DIR:rw`, where the nodes are host files but the pipe and the
 * listening socket live in the sandbox's kernel, found by the host file's identity. FIFO
 * opens meet between fork'ed processes (by any name of the inode: a hard link, a new name
 * after rename; a FIFO made again under an old name is another pipe); O_NONBLOCK opens; unix
 * stream and datagram sockets bound there and reached from a child; stat of both; EADDRINUSE (and ENOENT with a trailing slash);
 * rename and unlink of a bound socket's file; a socket file nobody listens on. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(int r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

static void show(const char *name) {
  struct stat st;
  if (lstat(name, &st) != 0) {
    printf("stat %s: %s\n", name, strerrorname_np(errno));
    return;
  }
  const char *type = S_ISFIFO(st.st_mode) ? "fifo" : S_ISSOCK(st.st_mode) ? "socket" : S_ISREG(st.st_mode) ? "file" : "other";
  printf("stat %s: %s mode %04o nlink %lu mine %d size %lld\n", name, type, st.st_mode & 07777, (unsigned long)st.st_nlink,
         st.st_uid == geteuid() && st.st_gid == getegid(), (long long)st.st_size);
}

static struct sockaddr_un addr(const char *path) {
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  return a;
}

static int bound(int type, const char *path) {
  int s = socket(AF_UNIX, type, 0);
  struct sockaddr_un a = addr(path);
  int r = bind(s, (struct sockaddr *)&a, sizeof a);
  printf("bind %s %s: %s\n", type == SOCK_STREAM ? "stream" : "dgram", path, err(r));
  if (r < 0) {
    close(s);
    return -1;
  }
  return s;
}

static int connected(int type, const char *path) {
  int s = socket(AF_UNIX, type, 0);
  struct sockaddr_un a = addr(path);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
    int e = errno;
    close(s);
    errno = e;
    return -1;
  }
  return s;
}

static void reap(void) {
  int status;
  wait(&status);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) printf("child ended badly: %#x\n", status);
}

/* A child writes text into the FIFO `wname` (a blocking open: it waits for the reader); the parent reads `rname` to EOF. */
static void meet(const char *wname, const char *rname, const char *text) {
  fflush(stdout);
  if (fork() == 0) {
    int w = open(wname, O_WRONLY);
    if (w < 0 || write(w, text, strlen(text)) != (ssize_t)strlen(text)) _exit(1);
    _exit(0);
  }
  int r = open(rname, O_RDONLY);
  char buf[128] = { 0 };
  ssize_t n, got = 0;
  while ((n = read(r, buf + got, sizeof buf - 1 - got)) > 0) got += n;
  printf("read through %s what was written through %s: \"%s\"\n", rname, wname, buf);
  close(r);
  reap();
}

static void fifos(void) {
  printf("mkfifo fifo: %s\n", err(mkfifo("fifo", 0640)));
  printf("mkfifo fifo again: %s\n", err(mkfifo("fifo", 0640)));
  printf("mknod nodfifo: %s\n", err(mknod("nodfifo", S_IFIFO | 0604, 0)));
  show("fifo");
  show("nodfifo");
  printf("open writer, no reader, O_NONBLOCK: %s\n", err(open("fifo", O_WRONLY | O_NONBLOCK)));
  int r = open("fifo", O_RDONLY | O_NONBLOCK);
  printf("open reader O_NONBLOCK: %s\n", err(r));
  char c;
  printf("read, no writer: %zd\n", read(r, &c, 1));
  int w = open("fifo", O_WRONLY | O_NONBLOCK);
  printf("open writer O_NONBLOCK with a reader: %s\n", err(w));
  ssize_t n = read(r, &c, 1);
  printf("read, a writer, empty: %zd %s\n", n, err((int)n));
  struct stat a, b;
  fstat(w, &a);
  stat("fifo", &b);
  printf("fstat of the open end: fifo %d, the file's inode %d, mode %04o\n", S_ISFIFO(a.st_mode), a.st_dev == b.st_dev && a.st_ino == b.st_ino,
         a.st_mode & 07777);
  close(w);
  close(r);

  meet("fifo", "fifo", "child to parent");

  /* The parent writes more than a pipe holds to a child that reads it all. */
  fflush(stdout);
  if (fork() == 0) {
    int rr = open("fifo", O_RDONLY);
    static char big[1 << 16];
    long total = 0, sum = 0;
    ssize_t n;
    while ((n = read(rr, big, sizeof big)) > 0) {
      for (ssize_t i = 0; i < n; i++) sum += (unsigned char)big[i];
      total += n;
    }
    printf("child read %ld bytes, sum %ld\n", total, sum);
    _exit(0);
  }
  int ww = open("fifo", O_WRONLY);
  static char out[300000];
  for (size_t i = 0; i < sizeof out; i++) out[i] = (char)(i * 7);
  size_t done = 0;
  while (done < sizeof out) {
    ssize_t n = write(ww, out + done, sizeof out - done);
    if (n <= 0) break;
    done += (size_t)n;
  }
  close(ww);
  reap();

  /* Another name of the same inode is the same FIFO, whatever name each end opened. */
  printf("link fifo fifo2: %s\n", err(link("fifo", "fifo2")));
  show("fifo2");
  meet("fifo2", "fifo", "through the hard link");
  printf("rename fifo2 fifo3: %s\n", err(rename("fifo2", "fifo3")));
  meet("fifo", "fifo3", "through the new name");

  /* A FIFO made again under the name of one whose pipe is open is another FIFO. */
  int old = open("fifo", O_RDWR);
  printf("write into the old fifo: %zd\n", write(old, "old", 3));
  printf("unlink fifo, fifo3: %s %s\n", err(unlink("fifo")), err(unlink("fifo3")));
  printf("mkfifo fifo: %s\n", err(mkfifo("fifo", 0600)));
  int fresh = open("fifo", O_RDONLY | O_NONBLOCK);
  char buf[8] = { 0 };
  printf("read the new fifo: %zd\n", read(fresh, buf, sizeof buf - 1));
  printf("read the old one: %zd \"%s\"\n", read(old, buf, sizeof buf - 1), buf);
  close(fresh);
  close(old);
}

static void stream(void) {
  int l = bound(SOCK_STREAM, "sock");
  listen(l, 4);
  show("sock");
  printf("open of a socket file: %s\n", err(open("sock", O_RDONLY | O_NONBLOCK)));
  int again = bound(SOCK_STREAM, "sock");
  (void)again;
  bound(SOCK_STREAM, "newsock/"); /* a trailing slash: ENOENT, as for any new non-directory */
  bound(SOCK_STREAM, ".");        /* an existing name that is not a last component: EADDRINUSE */
  bound(SOCK_DGRAM, "fifo");
  printf("connect to a fifo: %s\n", err(connected(SOCK_STREAM, "fifo")));
  printf("connect to nothing: %s\n", err(connected(SOCK_STREAM, "none")));
  printf("connect dgram to the stream listener: %s\n", err(connected(SOCK_DGRAM, "sock")));
  fflush(stdout);
  if (fork() == 0) {
    int c = connected(SOCK_STREAM, "sock");
    if (c < 0) {
      printf("child connect: %s\n", strerrorname_np(errno));
      _exit(1);
    }
    char buf[16] = { 0 };
    if (write(c, "ping", 4) != 4 || read(c, buf, sizeof buf - 1) <= 0) _exit(1);
    printf("child got \"%s\"\n", buf);
    _exit(0);
  }
  int a = accept(l, NULL, NULL);
  char buf[16] = { 0 };
  read(a, buf, sizeof buf - 1);
  printf("parent got \"%s\"\n", buf);
  write(a, "pong", 4);
  close(a);
  reap();

  /* The listener keeps its socket file's inode: renamed, it is reached by the new name. */
  printf("rename sock sock2: %s\n", err(rename("sock", "sock2")));
  printf("connect to the old name: %s\n", err(connected(SOCK_STREAM, "sock")));
  int c = connected(SOCK_STREAM, "sock2");
  printf("connect to the new name: %s\n", err(c));
  a = accept(l, NULL, NULL);
  printf("accept: %s\n", err(a));
  close(a);
  close(c);
  /* Unlinked, nobody reaches it; the name is free for another socket. */
  printf("unlink sock2: %s\n", err(unlink("sock2")));
  printf("connect after unlink: %s\n", err(connected(SOCK_STREAM, "sock2")));
  int other = bound(SOCK_STREAM, "sock2");
  listen(other, 1);
  c = connected(SOCK_STREAM, "sock2");
  printf("connect to the new socket: %s\n", err(c));
  close(c);
  close(other);
  close(l);
  /* Closing a listener leaves its file: connect is refused, bind finds the name taken. */
  show("sock2");
  printf("connect after close: %s\n", err(connected(SOCK_STREAM, "sock2")));
  bound(SOCK_STREAM, "sock2");
  printf("mknod S_IFSOCK stale: %s\n", err(mknod("stale", S_IFSOCK | 0666, 0)));
  show("stale");
  printf("connect to a socket file nobody bound: %s\n", err(connected(SOCK_STREAM, "stale")));
}

static void datagrams(void) {
  int d = bound(SOCK_DGRAM, "dsock");
  show("dsock");
  fflush(stdout);
  if (fork() == 0) {
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = addr("dsock");
    if (sendto(s, "by sendto", 9, 0, (struct sockaddr *)&a, sizeof a) != 9) _exit(1);
    int c = connected(SOCK_DGRAM, "dsock");
    if (c < 0 || send(c, "by connect", 10, 0) != 10) _exit(1);
    _exit(0);
  }
  for (int i = 0; i < 2; i++) {
    char buf[32] = { 0 };
    ssize_t n = recv(d, buf, sizeof buf - 1, 0);
    printf("datagram %zd \"%s\"\n", n, buf);
  }
  reap();
  close(d);
}

static void listing(void) {
  struct dirent **names;
  int n = scandir(".", &names, NULL, alphasort);
  for (int i = 0; i < n; i++) {
    if (names[i]->d_name[0] != '.') {
      const char *t = names[i]->d_type == DT_FIFO ? "fifo" : names[i]->d_type == DT_SOCK ? "socket" : names[i]->d_type == DT_REG ? "file" : "?";
      printf("  %s %s\n", names[i]->d_name, t);
    }
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return 2;
  setvbuf(stdout, NULL, _IOLBF, 0);
  umask(022);
  fifos();
  stream();
  datagrams();
  printf("the directory:\n");
  listing();
  const char *names[] = { "fifo", "nodfifo", "sock2", "stale", "dsock" };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) printf("unlink %s: %s\n", names[i], err(unlink(names[i])));
  printf("after:\n");
  listing();
  return 0;
}
