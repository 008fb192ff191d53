/* Inode flags (chattr/lsattr's FS_IOC_GETFLAGS/FS_IOC_SETFLAGS, FS_IOC_FSGETXATTR/FSSETXATTR)
 * in a directory given in argv (made if missing): immutable and append-only enforced (EPERM
 * for writes, truncation, unlink, rename, link, chmod, chown, utimes, setxattr; append-only
 * allows O_APPEND writes only), nodump and noatime kept and inherited from a directory,
 * statx's attributes, and as uid 1000 in a child: no CAP_LINUX_IMMUTABLE, owners only. The
 * flags shown are those ext4 and tmpfs share (i, a, d, A); with a second argument "tmpfs" it
 * also shows what only tmpfs does: the whole flag word and the flags it refuses (EOPNOTSUPP). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define SHARED (FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL | FS_NOATIME_FL)

static char base[4096];

static const char *at(const char *name) {
  static char paths[4][4200];
  static int next;
  char *p = paths[next++ % 4];
  snprintf(p, 4200, "%s/%s", base, name);
  return p;
}

static void show(const char *what, long r) {
  if (r < 0) printf("%-44s -1 %s\n", what, strerror(errno));
  else printf("%-44s %ld\n", what, r);
}

static long getflags(const char *path, int *flags) {
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  if (fd < 0) return -1;
  long r = ioctl(fd, FS_IOC_GETFLAGS, flags);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

/* Sets the flag word as it is (raw) or, as chattr does, only the shared flags of it. */
static long setword(const char *path, int flags, int raw) {
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  if (fd < 0) return -1;
  int old = 0;
  if (!raw && ioctl(fd, FS_IOC_GETFLAGS, &old) == 0) flags = (old & ~SHARED) | flags;
  long r = ioctl(fd, FS_IOC_SETFLAGS, &flags);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

static long setflags(const char *path, int flags) { return setword(path, flags, 0); }

static void show_flags(const char *what, const char *path, int all) {
  int flags = 0;
  if (getflags(path, &flags) != 0) return show(what, -1);
  if (!all) flags &= SHARED;
  printf("%-44s %#x %c%c%c%c\n", what, flags, flags & FS_IMMUTABLE_FL ? 'i' : '-', flags & FS_APPEND_FL ? 'a' : '-',
         flags & FS_NODUMP_FL ? 'd' : '-', flags & FS_NOATIME_FL ? 'A' : '-');
}

static void show_statx(const char *what, const char *path) {
  struct statx sx;
  if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx) != 0) return show(what, -1);
  const unsigned long long mine = STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND | STATX_ATTR_NODUMP;
  printf("%-44s attributes %#llx mask %#llx\n", what, (unsigned long long)sx.stx_attributes & mine,
         (unsigned long long)sx.stx_attributes_mask & mine);
}

static int make(const char *path, const char *content) {
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  if (write(fd, content, strlen(content)) < 0) return -1;
  return close(fd);
}

static long size_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static long try_open(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

static void immutable(void) {
  char f[4200], d[4200];
  snprintf(f, sizeof f, "%s", at("imm"));
  make(f, "immutable\n");
  int early = open(f, O_RDWR);
  show_flags("new file", f, 0);
  show("chattr +i", setflags(f, FS_IMMUTABLE_FL));
  show_flags("after +i", f, 0);
  show_statx("statx", f);
  show("open O_RDONLY", try_open(f, O_RDONLY));
  show("open O_WRONLY", try_open(f, O_WRONLY));
  show("open O_RDWR", try_open(f, O_RDWR));
  show("open O_WRONLY|O_APPEND", try_open(f, O_WRONLY | O_APPEND));
  show("open O_RDONLY|O_TRUNC", try_open(f, O_RDONLY | O_TRUNC));
  show("access W_OK", access(f, W_OK));
  show("access R_OK", access(f, R_OK));
  show("truncate", truncate(f, 0));
  show("unlink", unlink(f));
  show("rename", rename(f, at("imm2")));
  show("rename over it", (make(at("other"), "x"), rename(at("other"), f)));
  show("link", link(f, at("imm3")));
  show("chmod", chmod(f, 0600));
  show("chown", chown(f, 0, 0));
  show("utimes now", utimes(f, NULL));
  struct timeval tv[2] = {{1, 0}, {2, 0}};
  show("utimes given", utimes(f, tv));
  show("setxattr user.a", setxattr(f, "user.a", "1", 1, 0));
  show("removexattr user.a", removexattr(f, "user.a"));
  show("setxattr posix_acl_access", setxattr(f, "system.posix_acl_access", "\2\0\0\0", 4, 0));
  show("fchmod on an fd opened before", fchmod(early, 0600));
  show("fallocate on an fd opened before", fallocate(early, 0, 0, 4096));
  show("size", size_of(f));
  show("chattr -i", setflags(f, 0));
  show_flags("after -i", f, 0);
  show("unlink now", unlink(f));
  close(early);

  snprintf(d, sizeof d, "%s", at("immdir"));
  mkdir(d, 0755);
  make(at("immdir/in"), "in\n");
  show("chattr +i a directory", setflags(d, FS_IMMUTABLE_FL));
  show_flags("the directory", d, 0);
  show("create in it", try_open(at("immdir/new"), O_WRONLY | O_CREAT));
  show("mkdir in it", mkdir(at("immdir/sub"), 0755));
  show("unlink in it", unlink(at("immdir/in")));
  show("rename in it", rename(at("immdir/in"), at("immdir/in2")));
  show("write a file in it", try_open(at("immdir/in"), O_WRONLY | O_TRUNC));
  show("rmdir it", rmdir(d));
  show("chattr -i", setflags(d, 0));
}

static void append_only(void) {
  char f[4200], d[4200];
  snprintf(f, sizeof f, "%s", at("app"));
  make(f, "0123456789");
  show("chattr +a", setflags(f, FS_APPEND_FL));
  show_flags("after +a", f, 0);
  show_statx("statx", f);
  show("open O_WRONLY", try_open(f, O_WRONLY));
  show("open O_RDWR", try_open(f, O_RDWR));
  show("open O_WRONLY|O_APPEND|O_TRUNC", try_open(f, O_WRONLY | O_APPEND | O_TRUNC));
  show("open O_RDONLY|O_TRUNC", try_open(f, O_RDONLY | O_TRUNC));
  show("access W_OK", access(f, W_OK));
  int fd = open(f, O_WRONLY | O_APPEND);
  show("open O_WRONLY|O_APPEND", fd);
  show("write", write(fd, "ab", 2));
  show("pwrite at 0 (appends)", pwrite(fd, "cd", 2, 0));
  show("size", size_of(f));
  show("fcntl F_SETFL without O_APPEND", fcntl(fd, F_SETFL, 0));
  show("fcntl F_SETFL O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
  show("ftruncate", ftruncate(fd, 0));
  show("fallocate", fallocate(fd, 0, 0, 8192));
  show("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8192));
  show("size", size_of(f));
  close(fd);
  show("truncate", truncate(f, 0));
  show("unlink", unlink(f));
  show("rename", rename(f, at("app2")));
  show("link", link(f, at("app3")));
  show("chmod", chmod(f, 0600));
  show("chown", chown(f, 0, 0));
  show("utimes now", utimes(f, NULL));
  struct timeval tv[2] = {{1, 0}, {2, 0}};
  show("utimes given", utimes(f, tv));
  show("setxattr user.a", setxattr(f, "user.a", "1", 1, 0));
  show("chattr -a", setflags(f, 0));
  show("unlink now", unlink(f));

  snprintf(d, sizeof d, "%s", at("appdir"));
  mkdir(d, 0755);
  make(at("appdir/in"), "in\n");
  show("chattr +a a directory", setflags(d, FS_APPEND_FL));
  show("create in it", try_open(at("appdir/new"), O_WRONLY | O_CREAT));
  show("unlink in it", unlink(at("appdir/in")));
  show("rename out of it", rename(at("appdir/in"), at("out")));
  show("rename into it", (make(at("into"), "x"), rename(at("into"), at("appdir/into"))));
  show("chattr -a", setflags(d, 0));
}

static void kept(void) {
  char d[4200];
  snprintf(d, sizeof d, "%s", at("keep"));
  mkdir(d, 0755);
  show("chattr +dA a directory", setflags(d, FS_NODUMP_FL | FS_NOATIME_FL));
  show_flags("the directory", d, 0);
  show_statx("statx", d);
  make(at("keep/f"), "f\n");
  show_flags("a file made in it (inherits d, A)", at("keep/f"), 0);
  mkdir(at("keep/sub"), 0755);
  show_flags("a directory made in it", at("keep/sub"), 0);
  show("chattr -A the file", setflags(at("keep/f"), FS_NODUMP_FL));
  show_flags("the file", at("keep/f"), 0);
  int fd = open(at("keep/f"), O_RDONLY);
  struct fsxattr fsx;
  memset(&fsx, 0, sizeof fsx);
  show("FS_IOC_FSGETXATTR", ioctl(fd, FS_IOC_FSGETXATTR, &fsx));
  printf("%-44s xflags %#x extsize %u nextents %u projid %u\n", "fsxattr", fsx.fsx_xflags, fsx.fsx_extsize, fsx.fsx_nextents,
         fsx.fsx_projid);
  fsx.fsx_xflags = FS_XFLAG_NOATIME;
  show("FS_IOC_FSSETXATTR noatime", ioctl(fd, FS_IOC_FSSETXATTR, &fsx));
  show_flags("the file", at("keep/f"), 0);
  show("FS_IOC_SETFLAGS bad pointer", ioctl(fd, FS_IOC_SETFLAGS, (void *)8));
  show("FS_IOC_GETFLAGS bad pointer", ioctl(fd, FS_IOC_GETFLAGS, (void *)8));
  close(fd);
  int p[2];
  if (pipe(p) == 0) {
    int flags;
    show("FS_IOC_GETFLAGS of a pipe", ioctl(p[0], FS_IOC_GETFLAGS, &flags));
    close(p[0]);
    close(p[1]);
  }
}

static void as_user(void) {
  make(at("root_file"), "root\n");
  make(at("user_file"), "user\n");
  chown(at("user_file"), 1000, 1000);
  pid_t child = fork();
  if (child == 0) {
    if (setgroups(0, NULL) != 0 || setgid(1000) != 0 || setuid(1000) != 0) _exit(9);
    show("uid 1000: +i on its own file", setflags(at("user_file"), FS_IMMUTABLE_FL));
    show("uid 1000: +a on its own file", setflags(at("user_file"), FS_APPEND_FL));
    show("uid 1000: +d on its own file", setflags(at("user_file"), FS_NODUMP_FL));
    show_flags("uid 1000: its flags", at("user_file"), 0);
    show("uid 1000: +d on root's file", setflags(at("root_file"), FS_NODUMP_FL));
    show_flags("uid 1000: root's file's flags", at("root_file"), 0);
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  show("root: +a on uid 1000's file", setflags(at("user_file"), FS_APPEND_FL | FS_NODUMP_FL));
  child = fork();
  if (child == 0) {
    if (setgroups(0, NULL) != 0 || setgid(1000) != 0 || setuid(1000) != 0) _exit(9);
    show("uid 1000: -a on it", setflags(at("user_file"), FS_NODUMP_FL));
    show("uid 1000: keeping a, -d", setflags(at("user_file"), FS_APPEND_FL));
    show_flags("uid 1000: its flags", at("user_file"), 0);
    fflush(stdout);
    _exit(0);
  }
  waitpid(child, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  setflags(at("user_file"), 0);
}

/* What only tmpfs does: the whole word, and the flags it has no room for. */
static void tmpfs_only(void) {
  char f[4200];
  snprintf(f, sizeof f, "%s", at("tmpfs"));
  make(f, "t\n");
  show_flags("a new file's whole flag word", f, 1);
  show_statx("statx", f);
  show("set FS_SYNC_FL", setword(f, FS_SYNC_FL, 1));
  show("set FS_COMPR_FL", setword(f, FS_COMPR_FL, 1));
  show("set FS_EXTENT_FL", setword(f, FS_EXTENT_FL, 1));
  show("set FS_NOCOW_FL|FS_NODUMP_FL", setword(f, FS_NOCOW_FL | FS_NODUMP_FL, 1));
  show_flags("after the refusals", f, 1);
  show("set i, a, d, A", setword(f, SHARED, 1));
  show_flags("the whole word", f, 1);
  show("set none", setword(f, 0, 1));
  int fd = open(f, O_RDONLY);
  struct fsxattr fsx;
  memset(&fsx, 0, sizeof fsx);
  fsx.fsx_extsize = 4096;
  show("FS_IOC_FSSETXATTR extsize", ioctl(fd, FS_IOC_FSSETXATTR, &fsx));
  memset(&fsx, 0, sizeof fsx);
  fsx.fsx_xflags = FS_XFLAG_SYNC;
  show("FS_IOC_FSSETXATTR sync", ioctl(fd, FS_IOC_FSSETXATTR, &fsx));
  memset(&fsx, 0, sizeof fsx);
  fsx.fsx_xflags = FS_XFLAG_REALTIME;
  show("FS_IOC_FSSETXATTR realtime", ioctl(fd, FS_IOC_FSSETXATTR, &fsx));
  memset(&fsx, 0, sizeof fsx);
  fsx.fsx_xflags = FS_XFLAG_NODUMP | FS_XFLAG_APPEND;
  show("FS_IOC_FSSETXATTR nodump append", ioctl(fd, FS_IOC_FSSETXATTR, &fsx));
  memset(&fsx, 0xff, sizeof fsx);
  show("FS_IOC_FSGETXATTR", ioctl(fd, FS_IOC_FSGETXATTR, &fsx));
  printf("%-44s xflags %#x extsize %u nextents %u projid %u cowextsize %u\n", "fsxattr", fsx.fsx_xflags, fsx.fsx_extsize,
         fsx.fsx_nextents, fsx.fsx_projid, fsx.fsx_cowextsize);
  close(fd);
  show("set none", setword(f, 0, 1));
  show("symlink", symlink("tmpfs", at("link")));
  fd = open(at("link"), O_PATH | O_NOFOLLOW);
  int flags;
  show("FS_IOC_GETFLAGS of an O_PATH fd", ioctl(fd, FS_IOC_GETFLAGS, &flags));
  close(fd);
  show("mkfifo", mkfifo(at("fifo"), 0644));
  fd = open(at("fifo"), O_RDONLY | O_NONBLOCK);
  show("FS_IOC_GETFLAGS of a fifo", ioctl(fd, FS_IOC_GETFLAGS, &flags));
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: inode_flags DIR [tmpfs]\n"), 2;
  snprintf(base, sizeof base, "%s", argv[1]);
  if (mkdir(base, 0755) != 0 && errno != EEXIST) return perror("mkdir"), 1;
  if (chmod(base, 0755) != 0) return perror("chmod"), 1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  umask(022);
  immutable();
  append_only();
  kept();
  as_user();
  if (argc > 2 && strcmp(argv[2], "tmpfs") == 0) tmpfs_only();
  return 0;
}
