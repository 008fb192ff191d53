/* POSIX ACLs through their extended attributes (system.posix_acl_access and
 * system.posix_acl_default, the binary format of linux/posix_acl_xattr.h: no libacl), in a
 * directory given in argv (made if missing): malformed ACLs refused (EINVAL, EOPNOTSUPP for
 * another version), the mode's group bits showing the mask, an ACL equal to the mode kept as
 * the mode alone, chmod rewriting the ACL, default ACLs inherited at creation (the umask not
 * applied), listxattr, removal, who may set them; then, as uid 1000 in a child (setuid after
 * fork), the permission check of POSIX.1e as Linux's posix_acl_permission does it: named users
 * and groups, the mask, the group class denying, open, access, execve and search of a
 * directory. The same on ext4 and tmpfs, so natively on either. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define ACCESS "system.posix_acl_access"
#define DEFAULT "system.posix_acl_default"
enum { USER_OBJ = 1, USER = 2, GROUP_OBJ = 4, GROUP = 8, MASK = 0x10, OTHER = 0x20 };
#define UNDEF 0xffffffffu

static char base[4096];

static const char *at(const char *name) {
  static char paths[16][4200];
  static int next;
  char *p = paths[next++ % 16];
  snprintf(p, 4200, "%s/%s", base, name);
  return p;
}

static void show(const char *what, long r) {
  if (r < 0) printf("%-44s -1 %s\n", what, strerror(errno));
  else printf("%-44s %ld\n", what, r);
}

/* An ACL's bytes from (tag, perm, id) triples. */
static size_t build(unsigned char *out, const unsigned (*e)[3], int n, uint32_t version) {
  memcpy(out, &version, 4);
  for (int i = 0; i < n; i++) {
    uint16_t tag = (uint16_t)e[i][0], perm = (uint16_t)e[i][1];
    uint32_t id = e[i][2];
    memcpy(out + 4 + 8 * i, &tag, 2);
    memcpy(out + 6 + 8 * i, &perm, 2);
    memcpy(out + 8 + 8 * i, &id, 4);
  }
  return 4 + 8 * (size_t)n;
}

static long set_acl(const char *path, const char *name, const unsigned (*e)[3], int n) {
  unsigned char buf[512];
  return setxattr(path, name, buf, build(buf, e, n, 2), 0);
}

/* An ACL as getfacl's short form: u::rw-,u:1000:r--,... (ids as the kernel gives them). */
static void show_acl(const char *what, const char *path, const char *name) {
  unsigned char buf[512];
  long r = getxattr(path, name, buf, sizeof buf);
  if (r < 0) return show(what, r);
  uint32_t version;
  memcpy(&version, buf, 4);
  printf("%-44s %ld v%u", what, r, version);
  for (long i = 4; i + 8 <= r; i += 8) {
    uint16_t tag, perm;
    uint32_t id;
    memcpy(&tag, buf + i, 2);
    memcpy(&perm, buf + i + 2, 2);
    memcpy(&id, buf + i + 4, 4);
    const char *t = tag == USER_OBJ ? "u" : tag == USER ? "u" : tag == GROUP_OBJ ? "g" : tag == GROUP ? "g" : tag == MASK ? "m" : tag == OTHER ? "o" : "?";
    printf("%s%s:", i == 4 ? " " : ",", t);
    if (id != UNDEF) printf("%u", id);
    printf(":%c%c%c", perm & 4 ? 'r' : '-', perm & 2 ? 'w' : '-', perm & 1 ? 'x' : '-');
    if ((tag == USER || tag == GROUP) == (id == UNDEF)) printf("(id %u)", id);
  }
  printf("\n");
}

static void show_mode(const char *what, const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return show(what, -1);
  printf("%-44s %04o\n", what, st.st_mode & 07777);
}

/* The names a path lists, in the order given. */
static void show_list(const char *what, const char *path) {
  char buf[1024];
  long r = llistxattr(path, buf, sizeof buf);
  if (r < 0) return show(what, r);
  printf("%-44s %ld", what, r);
  for (long i = 0; i < r; i += (long)strlen(buf + i) + 1) printf("%s%s", i ? "," : " ", buf + i);
  printf("\n");
}

static int make(const char *path, mode_t mode) {
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, mode);
  if (fd < 0) return -1;
  close(fd);
  return chmod(path, mode);
}

static void malformed(void) {
  char f[4200];
  snprintf(f, sizeof f, "%s", at("bad"));
  unsigned char buf[64];
  static const unsigned ok[][3] = {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 4, UNDEF}, {OTHER, 4, UNDEF}};
  show("size 3", setxattr(f, ACCESS, "\2\0\0", 3, 0));
  size_t n = build(buf, ok, 3, 1);
  show("version 1", setxattr(f, ACCESS, buf, n, 0));
  n = build(buf, ok, 3, 2);
  show("size not 4 + 8n", setxattr(f, ACCESS, buf, n - 1, 0));
  static const unsigned badtag[][3] = {{USER_OBJ, 6, UNDEF}, {0x40, 4, UNDEF}, {OTHER, 4, UNDEF}};
  show("unknown tag", set_acl(f, ACCESS, badtag, 3));
  static const unsigned badperm[][3] = {{USER_OBJ, 8, UNDEF}, {GROUP_OBJ, 4, UNDEF}, {OTHER, 4, UNDEF}};
  show("perm 8", set_acl(f, ACCESS, badperm, 3));
  static const unsigned order[][3] = {{GROUP_OBJ, 4, UNDEF}, {USER_OBJ, 6, UNDEF}, {OTHER, 4, UNDEF}};
  show("group before user", set_acl(f, ACCESS, order, 3));
  static const unsigned nomask[][3] = {{USER_OBJ, 6, UNDEF}, {USER, 4, 1000}, {GROUP_OBJ, 4, UNDEF}, {OTHER, 4, UNDEF}};
  show("named user, no mask", set_acl(f, ACCESS, nomask, 4));
  static const unsigned twice[][3] = {{USER_OBJ, 6, UNDEF}, {USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 4, UNDEF}, {OTHER, 4, UNDEF}};
  show("user_obj twice", set_acl(f, ACCESS, twice, 4));
  static const unsigned noother[][3] = {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 4, UNDEF}};
  show("no other", set_acl(f, ACCESS, noother, 2));
  static const unsigned minus1[][3] = {{USER_OBJ, 6, UNDEF}, {USER, 4, UNDEF}, {GROUP_OBJ, 4, UNDEF}, {MASK, 4, UNDEF}, {OTHER, 4, UNDEF}};
  show("named user -1", set_acl(f, ACCESS, minus1, 5));
  static const unsigned aftermask[][3] = {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 4, UNDEF}, {MASK, 4, UNDEF}, {USER, 4, 5}, {OTHER, 4, UNDEF}};
  show("named user after mask", set_acl(f, ACCESS, aftermask, 5));
  show("system.posix_acl_other", setxattr(f, "system.posix_acl_other", buf, n, 0));
  show_mode("mode after refusals", f);
  show_list("list after refusals", f);
  /* The ids of base entries are not looked at; they read back as -1. */
  static const unsigned ids[][3] = {{USER_OBJ, 7, 5}, {GROUP_OBJ, 5, 6}, {MASK, 1, 7}, {OTHER, 0, 8}};
  show("base entries with ids, a mask alone", set_acl(f, ACCESS, ids, 4));
  show_acl("read back", f, ACCESS);
  show_mode("mode (group bits: the mask)", f);
}

static void access_acl(void) {
  char f[4200];
  snprintf(f, sizeof f, "%s", at("file"));
  show_acl("get, none", f, ACCESS);
  show_acl("get default of a file, none", f, DEFAULT);
  static const unsigned e[][3] = {
      {USER_OBJ, 6, UNDEF}, {USER, 7, 1000}, {USER, 4, 1001}, {GROUP_OBJ, 4, UNDEF}, {GROUP, 6, 2000}, {MASK, 5, UNDEF}, {OTHER, 0, UNDEF}};
  show("set", set_acl(f, ACCESS, e, 7));
  show_acl("get", f, ACCESS);
  show_mode("mode", f);
  show_list("list", f);
  unsigned char buf[512];
  show("get size 0", getxattr(f, ACCESS, NULL, 0));
  show("get size 8", getxattr(f, ACCESS, buf, 8));
  show("set XATTR_CREATE over it (flags ignored)", setxattr(f, ACCESS, buf, (size_t)getxattr(f, ACCESS, buf, sizeof buf), XATTR_CREATE));
  show("chmod 0604", chmod(f, 0604));
  show_acl("get after chmod", f, ACCESS);
  show_mode("mode", f);
  show("chmod 0775", chmod(f, 0775));
  show_acl("get after chmod", f, ACCESS);
  /* Unsorted and repeated named ids are not refused. */
  static const unsigned unsorted[][3] = {
      {USER_OBJ, 6, UNDEF}, {USER, 4, 1001}, {USER, 4, 1000}, {GROUP_OBJ, 4, UNDEF}, {MASK, 6, UNDEF}, {OTHER, 4, UNDEF}};
  show("unsorted named users", set_acl(f, ACCESS, unsorted, 6));
  show_acl("get", f, ACCESS);
  static const unsigned equal[][3] = {{USER_OBJ, 7, UNDEF}, {GROUP_OBJ, 5, UNDEF}, {OTHER, 4, UNDEF}};
  show("set an ACL equal to a mode", set_acl(f, ACCESS, equal, 3));
  show_acl("get: none, the mode holds it", f, ACCESS);
  show_mode("mode", f);
  show_list("list", f);
  show("set again, then remove", set_acl(f, ACCESS, e, 7));
  show("removexattr", removexattr(f, ACCESS));
  show_mode("mode after removal (the mask stays)", f);
  show("removexattr again", removexattr(f, ACCESS));
  show("set header only", setxattr(f, ACCESS, "\2\0\0\0", 4, 0));
  show("set empty value", setxattr(f, ACCESS, "", 0, 0));
  show("default on a file", set_acl(f, DEFAULT, equal, 3));
  show("default on a file, header only", setxattr(f, DEFAULT, "\2\0\0\0", 4, 0));
  show("remove default of a file", removexattr(f, DEFAULT));
  int fd = open(f, O_RDONLY);
  show("fsetxattr", fsetxattr(fd, ACCESS, buf, build(buf, e, 7, 2), 0));
  show_acl("fgetxattr", f, ACCESS);
  close(fd);
  show("setxattr user.x", setxattr(f, "user.x", "1", 1, 0));
  show_list("list with user.x", f);
  show("symlink", symlink("file", at("link")));
  show("lsetxattr on a symlink", lsetxattr(at("link"), ACCESS, buf, build(buf, equal, 3, 2), 0));
  show("lgetxattr of a symlink", lgetxattr(at("link"), ACCESS, buf, sizeof buf));
  show("mkfifo", mkfifo(at("fifo"), 0644));
  show("set on a fifo", set_acl(at("fifo"), ACCESS, e, 7));
  show_mode("fifo mode", at("fifo"));
}

static void inheritance(void) {
  char d[4200];
  snprintf(d, sizeof d, "%s", at("inherit"));
  show("mkdir", mkdir(d, 0755));
  static const unsigned def[][3] = {{USER_OBJ, 7, UNDEF}, {USER, 5, 1000}, {GROUP_OBJ, 5, UNDEF}, {MASK, 7, UNDEF}, {OTHER, 0, UNDEF}};
  show("set default", set_acl(d, DEFAULT, def, 5));
  show_acl("get default", d, DEFAULT);
  show_acl("get access of the dir", d, ACCESS);
  show_mode("dir mode", d);
  show_list("list", d);
  umask(077);
  show("create 0666 (umask 077)", make(at("inherit/f"), 0666) == 0 ? 0 : -1);
  int fd = open(at("inherit/g"), O_RDWR | O_CREAT, 0666);
  show("open O_CREAT 0666", fd >= 0 ? 0 : -1);
  close(fd);
  show_mode("its mode", at("inherit/g"));
  show_acl("its access ACL", at("inherit/g"), ACCESS);
  show_acl("its default", at("inherit/g"), DEFAULT);
  fd = open(at("inherit/h"), O_RDWR | O_CREAT, 0640);
  close(fd);
  show_mode("open O_CREAT 0640: mode", at("inherit/h"));
  show_acl("its access ACL", at("inherit/h"), ACCESS);
  show("mkdir 0777", mkdir(at("inherit/sub"), 0777));
  show_mode("its mode", at("inherit/sub"));
  show_acl("its access ACL", at("inherit/sub"), ACCESS);
  show_acl("its default", at("inherit/sub"), DEFAULT);
  show("mkdir 0700 below", mkdir(at("inherit/sub/deeper"), 0700));
  show_mode("its mode", at("inherit/sub/deeper"));
  show_acl("its access ACL", at("inherit/sub/deeper"), ACCESS);
  show_acl("its default", at("inherit/sub/deeper"), DEFAULT);
  show("mkfifo 0666", mkfifo(at("inherit/fifo"), 0666));
  show_mode("its mode", at("inherit/fifo"));
  show_acl("its access ACL", at("inherit/fifo"), ACCESS);
  show("mknod 0604", mknod(at("inherit/node"), S_IFREG | 0604, 0));
  show_mode("its mode", at("inherit/node"));
  show_acl("its access ACL", at("inherit/node"), ACCESS);
  show("symlink", symlink("f", at("inherit/link")));
  show("lgetxattr of it", lgetxattr(at("inherit/link"), ACCESS, NULL, 0));
  static const unsigned plain[][3] = {{USER_OBJ, 7, UNDEF}, {GROUP_OBJ, 5, UNDEF}, {OTHER, 1, UNDEF}};
  show("mkdir plain", mkdir(at("plain"), 0755));
  show("a default of base entries only", set_acl(at("plain"), DEFAULT, plain, 3));
  fd = open(at("plain/f"), O_RDWR | O_CREAT, 0666);
  close(fd);
  show_mode("a file made there: mode (no umask)", at("plain/f"));
  show_list("its list", at("plain/f"));
  show("remove the default", removexattr(at("plain"), DEFAULT));
  fd = open(at("plain/g"), O_RDWR | O_CREAT, 0666);
  close(fd);
  show_mode("then: mode (umask 077)", at("plain/g"));
  umask(0);
  show("a link keeps the file's ACL", link(at("inherit/g"), at("plain/hard")));
  show_acl("the link's ACL", at("plain/hard"), ACCESS);
  show("rename keeps it", rename(at("inherit/h"), at("plain/moved")));
  show_acl("the moved file's ACL", at("plain/moved"), ACCESS);
}

static void who_may_set(void) {
  char f[4200];
  snprintf(f, sizeof f, "%s", at("owned"));
  make(f, 0644);
  make(at("mine"), 0644);
  chown(at("mine"), 1000, 1000);
  pid_t child = fork();
  if (child == 0) {
    if (setgroups(0, NULL) != 0 || setgid(1000) != 0 || setuid(1000) != 0) _exit(9);
    static const unsigned e[][3] = {{USER_OBJ, 6, UNDEF}, {USER, 4, 1001}, {GROUP_OBJ, 4, UNDEF}, {MASK, 4, UNDEF}, {OTHER, 0, UNDEF}};
    show("uid 1000 sets root's file's ACL", set_acl(f, ACCESS, e, 5));
    show("uid 1000 removes root's file's ACL", removexattr(f, ACCESS));
    show("uid 1000 reads root's file's ACL", getxattr(f, ACCESS, NULL, 0));
    show("uid 1000 sets its own file's ACL", set_acl(at("mine"), ACCESS, e, 5));
    show_mode("its mode", at("mine"));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
}

static const char *result(int r) { return r < 0 ? strerror(errno) : "ok"; }

static int try_open(const char *path, int flags) {
  int fd = open(path, flags);
  if (fd >= 0) close(fd);
  return fd;
}

/* As uid 1000 (group 1000, supplementary 2000): what each ACL lets it do. */
static void checks(void) {
  /* Files of root:root, 0600 unless the ACL says otherwise. */
  struct { const char *name; unsigned e[7][3]; int n; } cases[] = {
      {"named user r", {{USER_OBJ, 6, UNDEF}, {USER, 4, 1000}, {GROUP_OBJ, 0, UNDEF}, {MASK, 4, UNDEF}, {OTHER, 0, UNDEF}}, 5},
      {"named user rw, mask r", {{USER_OBJ, 6, UNDEF}, {USER, 6, 1000}, {GROUP_OBJ, 0, UNDEF}, {MASK, 4, UNDEF}, {OTHER, 0, UNDEF}}, 5},
      {"named user -, other rw", {{USER_OBJ, 6, UNDEF}, {USER, 0, 1000}, {GROUP_OBJ, 0, UNDEF}, {MASK, 6, UNDEF}, {OTHER, 6, UNDEF}}, 5},
      {"mask -, named user rw, other r", {{USER_OBJ, 6, UNDEF}, {USER, 6, 1000}, {GROUP_OBJ, 6, UNDEF}, {MASK, 0, UNDEF}, {OTHER, 4, UNDEF}}, 5},
      {"named group rw", {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 0, UNDEF}, {GROUP, 6, 2000}, {MASK, 6, UNDEF}, {OTHER, 0, UNDEF}}, 5},
      {"named group r, other rw: group class denies", {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 0, UNDEF}, {GROUP, 4, 2000}, {MASK, 6, UNDEF}, {OTHER, 6, UNDEF}}, 5},
      {"two groups, one grants w, one r", {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 0, UNDEF}, {GROUP, 4, 1000}, {GROUP, 2, 2000}, {MASK, 6, UNDEF}, {OTHER, 0, UNDEF}}, 6},
      {"other group only, other r", {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 0, UNDEF}, {GROUP, 6, 3000}, {MASK, 6, UNDEF}, {OTHER, 4, UNDEF}}, 5},
      {"named group rw, mask w", {{USER_OBJ, 6, UNDEF}, {GROUP_OBJ, 0, UNDEF}, {GROUP, 6, 2000}, {MASK, 2, UNDEF}, {OTHER, 0, UNDEF}}, 5},
  };
  for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
    char name[32];
    snprintf(name, sizeof name, "check%u", i);
    make(at(name), 0600);
    if (set_acl(at(name), ACCESS, (const unsigned (*)[3])cases[i].e, cases[i].n) != 0) printf("%s: set: %s\n", cases[i].name, strerror(errno));
  }
  make(at("script"), 0700);
  int fd = open(at("script"), O_WRONLY | O_TRUNC);
  if (fd >= 0) {
    if (write(fd, "#!/bin/sh\nexit 7\n", 17) != 17) perror("write");
    close(fd);
  }
  static const unsigned runs[][3] = {{USER_OBJ, 7, UNDEF}, {USER, 5, 1000}, {GROUP_OBJ, 0, UNDEF}, {MASK, 5, UNDEF}, {OTHER, 0, UNDEF}};
  set_acl(at("script"), ACCESS, runs, 5);
  mkdir(at("closed"), 0711);
  make(at("closed/inside"), 0644);
  static const unsigned noentry[][3] = {{USER_OBJ, 7, UNDEF}, {USER, 0, 1000}, {GROUP_OBJ, 1, UNDEF}, {MASK, 1, UNDEF}, {OTHER, 1, UNDEF}};
  set_acl(at("closed"), ACCESS, noentry, 5);
  mkdir(at("open"), 0700);
  make(at("open/inside"), 0644);
  static const unsigned entry[][3] = {{USER_OBJ, 7, UNDEF}, {USER, 3, 1000}, {GROUP_OBJ, 0, UNDEF}, {MASK, 7, UNDEF}, {OTHER, 0, UNDEF}};
  set_acl(at("open"), ACCESS, entry, 5);
  fflush(stdout);

  pid_t child = fork();
  if (child == 0) {
    gid_t groups[] = {2000};
    if (setgroups(1, groups) != 0 || setgid(1000) != 0 || setuid(1000) != 0) _exit(9);
    for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
      char name[32];
      snprintf(name, sizeof name, "check%u", i);
      printf("%-44s read %s, write %s, access R %s, W %s\n", cases[i].name, result(try_open(at(name), O_RDONLY)),
             result(try_open(at(name), O_WRONLY)), result(access(at(name), R_OK)), result(access(at(name), W_OK)));
    }
    printf("%-44s %s\n", "access X of the script", result(access(at("script"), X_OK)));
    pid_t run = fork();
    if (run == 0) {
      execl(at("script"), "script", (char *)NULL);
      _exit(100 + errno);
    }
    int status;
    waitpid(run, &status, 0);
    printf("%-44s %d\n", "exec of the script", WEXITSTATUS(status));
    printf("%-44s %s\n", "search a dir the ACL closes", result(try_open(at("closed/inside"), O_RDONLY)));
    printf("%-44s %s\n", "search a dir the ACL opens", result(try_open(at("open/inside"), O_RDONLY)));
    int made = open(at("open/new"), O_WRONLY | O_CREAT, 0644);
    printf("%-44s %s\n", "create in it (ACL wx)", result(made));
    if (made >= 0) close(made);
    printf("%-44s %s\n", "unlink in it", result(unlink(at("open/inside"))));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: posix_acl DIR\n"), 2;
  snprintf(base, sizeof base, "%s", argv[1]);
  if (mkdir(base, 0755) != 0 && errno != EEXIST) return perror("mkdir"), 1;
  umask(0);
  /* uid 1000 must reach the files. */
  if (chmod(base, 0755) != 0 || make(at("bad"), 0644) != 0 || make(at("file"), 0640) != 0) return perror("setup"), 1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  malformed();
  access_acl();
  inheritance();
  who_may_set();
  checks();
  return 0;
}
