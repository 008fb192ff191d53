/* EEXIST from every call that creates a name, checked before EROFS on an existing path, and
 * EPERM for a hard link to a directory. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: errno_eexist DIR\n"), 2;
  report("mkdir d", mkdir("d", 0755));
  report("mkdir d again", mkdir("d", 0755));
  report("mkdir d/", mkdir("d/", 0755));
  report("create f O_EXCL", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
  report("create f O_EXCL again", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
  report("create d O_EXCL", open("d", O_CREAT | O_EXCL | O_RDONLY, 0644));
  report("mkdir f", mkdir("f", 0755));
  report("mkfifo f", mkfifo("f", 0644));
  report("mknod f (fifo)", mknod("f", S_IFIFO | 0644, 0));
  report("symlink s -> nowhere", symlink("nowhere", "s"));
  report("symlink s again", symlink("f", "s"));
  report("mkdir s (a dangling symlink)", mkdir("s", 0755));
  report("symlink d", symlink("f", "d"));
  report("link f f2", link("f", "f2"));
  report("link f f2 again", link("f", "f2"));
  report("link f d", link("f", "d"));
  report("link of a directory", link("d", "d2"));
  report("link f into a missing directory", link("f", "missing/f"));
  report("mkdir .", mkdir(".", 0755));
  report("mkdir ..", mkdir("..", 0755));
  report("mkdir /", mkdir("/", 0755));
  report("mkdir /etc", mkdir("/etc", 0755));
  report("mkdir /proc", mkdir("/proc", 0755));
  report("create /etc/passwd O_EXCL", open("/etc/passwd", O_CREAT | O_EXCL | O_WRONLY, 0644));
  report("symlink /etc", symlink("x", "/etc"));
  return 0;
}
