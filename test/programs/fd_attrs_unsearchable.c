/* An fd reaches its file without search permission along the path it was opened by: a
 * process that drops to nobody changes, through fds, the mode, owner group, times and
 * extended attributes of a directory and a file it owns inside a directory (argv's, 0700,
 * root's) that it may not search; by path the same calls are EACCES. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static void show(const char *what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
  errno = 0;
}

static void mode_of(const char *what, int fd) {
  struct stat st;
  if (fstat(fd, &st) == 0) printf("%s: mode %o\n", what, (unsigned)st.st_mode);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char dir[4096], file[4096];
  snprintf(dir, sizeof dir, "%s/dir", argv[1]);
  snprintf(file, sizeof file, "%s/file", argv[1]);
  if (chmod(argv[1], 0700) || mkdir(dir, 0755) || chown(dir, 65534, 65534)) return 1;
  int f = open(file, O_CREAT | O_RDWR, 0644);
  if (f < 0 || fchown(f, 65534, 65534)) return 1;
  int d = open(dir, O_RDONLY | O_DIRECTORY);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(3);
    show("fchmod of the directory", fchmod(d, 0700));
    mode_of("its mode", d);
    show("fchown to its own group", fchown(d, -1, 65534));
    show("futimens of the directory", futimens(d, NULL));
    show("fsetxattr of the directory", fsetxattr(d, "user.d", "d", 1, 0));
    show("fchmod of the file", fchmod(f, 0600));
    mode_of("its mode", f);
    show("futimens of the file", futimens(f, NULL));
    show("fsetxattr of the file", fsetxattr(f, "user.f", "f", 1, 0));
    show("chmod by path", chmod(dir, 0755));
    show("utimensat by path", utimensat(AT_FDCWD, file, NULL, 0));
    show("setxattr by path", setxattr(file, "user.p", "p", 1, 0));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
