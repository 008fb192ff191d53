/* inotify: argument checks, then the events of changes made in the directory given as argv[1]
 * (which holds a file "lower", made before the program runs): create, open, modify, close,
 * attrib, rename with a cookie, link, unlink, delete of a watched file and of a watched
 * directory, IN_ONESHOT, IN_MASK_ADD/IN_MASK_CREATE, IN_ONLYDIR, rm_watch, merging of equal
 * events, FIONREAD, poll, a read too small, and a blocking read woken by a child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static const char *const NAMES[] = {"ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN", "MOVED_FROM",
                                    "MOVED_TO", "CREATE", "DELETE", "DELETE_SELF", "MOVE_SELF"};

static void print_mask(uint32_t mask) {
  for (int i = 0; i < 12; i++)
    if (mask & (1u << i)) printf("%s ", NAMES[i]);
  if (mask & IN_IGNORED) printf("IGNORED ");
  if (mask & IN_ISDIR) printf("ISDIR ");
  if (mask & IN_Q_OVERFLOW) printf("Q_OVERFLOW ");
}

static uint32_t last_cookie;

/* Reads what is queued (the fd may be blocking: then it waits for the first event). */
static void drain(const char *what, int fd) {
  char buf[4096] __attribute__((aligned(8)));
  printf("-- %s\n", what);
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) {
    printf("   %s\n", strerrorname_np(errno));
    return;
  }
  for (char *p = buf; p < buf + n;) {
    struct inotify_event *e = (struct inotify_event *)p;
    printf("   wd %d ", e->wd);
    print_mask(e->mask);
    if (e->cookie) printf("cookie %s ", e->cookie == last_cookie ? "same" : "new");
    if (e->cookie) last_cookie = e->cookie;
    if (e->len) printf("name %s (len %u)", e->name, e->len);
    printf("\n");
    p += sizeof *e + e->len;
  }
}

static void put(const char *path, const char *content) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (write(fd, content, strlen(content)) < 0) perror(path);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) < 0) return 2;
  report("inotify_init1 with bad flags", inotify_init1(0x1));
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  int devnull = open("/dev/null", O_RDONLY);
  report("add_watch mask 0", inotify_add_watch(fd, ".", 0));
  report("add_watch unknown bit", inotify_add_watch(fd, ".", IN_MODIFY | 0x1000));
  report("add_watch bad fd", inotify_add_watch(99, ".", IN_MODIFY));
  report("add_watch on /dev/null's fd", inotify_add_watch(devnull, ".", IN_MODIFY));
  report("add_watch MASK_ADD|MASK_CREATE", inotify_add_watch(fd, ".", IN_MODIFY | IN_MASK_ADD | IN_MASK_CREATE));
  report("add_watch missing path", inotify_add_watch(fd, "missing", IN_MODIFY));
  report("add_watch ONLYDIR on a file", inotify_add_watch(fd, "lower", IN_MODIFY | IN_ONLYDIR));
  report("rm_watch of wd 42", inotify_rm_watch(fd, 42));
  report("rm_watch on /dev/null's fd", inotify_rm_watch(devnull, 1));
  char small[8];
  report("read nothing queued", read(fd, small, sizeof small));

  int dir = inotify_add_watch(fd, ".", IN_ALL_EVENTS | IN_ONLYDIR);
  report("watch .", dir);
  report("watch . again", inotify_add_watch(fd, ".", IN_ALL_EVENTS));
  report("watch . with MASK_CREATE", inotify_add_watch(fd, ".", IN_ALL_EVENTS | IN_MASK_CREATE));
  int lower = inotify_add_watch(fd, "lower", IN_ALL_EVENTS);
  report("watch lower", lower);

  int f = open("a", O_WRONLY | O_CREAT, 0644);
  if (write(f, "one", 3) < 0 || write(f, "two", 3) < 0) perror("write");
  close(f);
  drain("create, write twice, close", fd);

  inotify_add_watch(fd, "a", IN_ALL_EVENTS);
  f = open("a", O_RDONLY);
  close(f);
  chmod("a", 0600);
  truncate("a", 1);
  drain("a watched too: open, close, chmod, truncate", fd);
  int q;
  report("FIONREAD when empty", ioctl(fd, FIONREAD, &q) == 0 ? q : -1);
  chmod("a", 0644);
  report("FIONREAD after chmod", ioctl(fd, FIONREAD, &q) == 0 ? q : -1);
  report("read into 8 bytes", read(fd, small, sizeof small));
  struct pollfd p = {.fd = fd, .events = POLLIN};
  report("poll", poll(&p, 1, 0));
  drain("the chmod", fd);
  report("poll when empty", poll(&p, 1, 0));

  f = open("lower", O_WRONLY | O_APPEND);
  if (write(f, "more\n", 5) < 0) perror("lower");
  close(f);
  drain("append to lower", fd);

  rename("a", "b");
  drain("rename a b", fd);
  mkdir("d", 0755);
  rename("d", "e");
  rmdir("e");
  drain("mkdir d, rename d e, rmdir e", fd);
  link("b", "c");
  unlink("c");
  drain("link b c, unlink c", fd);
  unlink("b");
  drain("unlink b (watched)", fd);
  symlink("b", "s");
  put("o", "x");
  drain("symlink s, make o", fd);

  int once = inotify_add_watch(fd, "o", IN_MODIFY | IN_ONESHOT);
  put("o", "y");
  put("o", "z");
  drain("oneshot on o, write it twice", fd);
  int added = inotify_add_watch(fd, "o", IN_ATTRIB);
  report("new wd after oneshot", added > once);
  report("MASK_ADD IN_MODIFY", inotify_add_watch(fd, "o", IN_MODIFY | IN_MASK_ADD) == added);
  chmod("o", 0600);
  put("o", "w");
  drain("attrib and modify on o", fd);
  report("rm_watch o", inotify_rm_watch(fd, added));
  report("rm_watch o again", inotify_rm_watch(fd, added));
  drain("after rm_watch", fd);

  mkdir("sub", 0755);
  int sub = inotify_add_watch(fd, "sub", IN_ALL_EVENTS);
  put("sub/x", "x");
  unlink("sub/x");
  rmdir("sub");
  drain("watched sub: a file in it, then rmdir", fd);
  (void)sub;

  /* A blocking instance: a child changes the directory while the parent waits in read. */
  int bfd = inotify_init();
  inotify_add_watch(bfd, ".", IN_CREATE | IN_DELETE);
  pid_t child = fork();
  if (child == 0) {
    usleep(100000);
    put("from-child", "c");
    _exit(0);
  }
  drain("blocking read", bfd);
  waitpid(child, NULL, 0);
  return 0;
}
