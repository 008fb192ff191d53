/* user.* extended attributes of a file and a directory made in a directory given in argv: set,
 * get, list and remove by path and by fd, XATTR_CREATE/XATTR_REPLACE, the size protocol (0
 * asks the length, too small is ERANGE), a missing one (ENODATA), kept across a rename and
 * seen through a hard link. Only what any filesystem with user.* behaves alike in (ext4 on
 * the host, the sandbox's overlay), so it also runs where the directory is a :rw mount. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%-40s -1 %s\n", what, strerror(errno));
  else printf("%-40s %ld\n", what, r);
}

static void show_value(const char *what, const char *buf, long r) {
  if (r < 0) show(what, r);
  else printf("%-40s %ld \"%.*s\"\n", what, r, (int)r, buf);
}

/** The names of a list, sorted (filesystems list in their own order), comma-separated. */
static void show_list(const char *what, char *buf, long r) {
  if (r < 0) return show(what, r);
  const char *names[32];
  int n = 0;
  for (long at = 0; at < r && n < 32; at += (long)strlen(buf + at) + 1) names[n++] = buf + at;
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      const char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  printf("%-40s %ld", what, r);
  for (int i = 0; i < n; i++) printf("%s%s", i ? "," : " ", names[i]);
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: xattr_user DIR\n"), 2;
  char file[4096], moved[4096], second[4096], dir[4096], buf[256];
  snprintf(file, sizeof file, "%s/file", argv[1]);
  snprintf(moved, sizeof moved, "%s/moved", argv[1]);
  snprintf(second, sizeof second, "%s/link", argv[1]);
  snprintf(dir, sizeof dir, "%s/dir", argv[1]);
  int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || mkdir(dir, 0755) != 0) return perror("setup"), 1;

  show("get user.a before", getxattr(file, "user.a", buf, sizeof buf));
  show("list before", listxattr(file, buf, sizeof buf));
  show("set user.a", setxattr(file, "user.a", "alpha", 5, 0));
  show("set user.a XATTR_CREATE", setxattr(file, "user.a", "again", 5, XATTR_CREATE));
  show("set user.b XATTR_REPLACE", setxattr(file, "user.b", "beta", 4, XATTR_REPLACE));
  show("fset user.b", fsetxattr(fd, "user.b", "beta", 4, 0));
  show("set user.empty (no value)", setxattr(file, "user.empty", "", 0, 0));
  show("get user.a size 0", getxattr(file, "user.a", NULL, 0));
  show("get user.a size 2", getxattr(file, "user.a", buf, 2));
  show_value("get user.a", buf, getxattr(file, "user.a", buf, sizeof buf));
  show_value("fget user.b", buf, fgetxattr(fd, "user.b", buf, sizeof buf));
  show_value("get user.empty", buf, getxattr(file, "user.empty", buf, sizeof buf));
  show("list size 0", listxattr(file, NULL, 0));
  show("list size 3", listxattr(file, buf, 3));
  show_list("list", buf, listxattr(file, buf, sizeof buf));
  show("set user.a XATTR_REPLACE", setxattr(file, "user.a", "ALPHA!", 6, XATTR_REPLACE));
  show_value("get user.a replaced", buf, getxattr(file, "user.a", buf, sizeof buf));
  show("remove user.b", removexattr(file, "user.b"));
  show("remove user.b again", removexattr(file, "user.b"));
  show("fremove user.empty", fremovexattr(fd, "user.empty"));
  show_list("flist", buf, flistxattr(fd, buf, sizeof buf));
  show("unknown namespace", setxattr(file, "other.x", "x", 1, 0));

  show("rename", rename(file, moved));
  show_value("get user.a after rename", buf, getxattr(moved, "user.a", buf, sizeof buf));
  show("link", link(moved, second));
  show("set user.l through the link", setxattr(second, "user.l", "ell", 3, 0));
  show_list("list of the first name", buf, listxattr(moved, buf, sizeof buf));

  show("dir: set user.d", setxattr(dir, "user.d", "dee", 3, 0));
  show_value("dir: get user.d", buf, getxattr(dir, "user.d", buf, sizeof buf));
  show_list("dir: list", buf, listxattr(dir, buf, sizeof buf));
  show("dir: remove user.d", removexattr(dir, "user.d"));
  show("dir: list after remove", listxattr(dir, buf, sizeof buf));

  close(fd);
  unlink(moved);
  unlink(second);
  rmdir(dir);
  return 0;
}
