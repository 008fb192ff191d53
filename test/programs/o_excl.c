/* O_CREAT|O_EXCL: fails on any existing name, a dangling symlink included (never followed);
 * plain O_CREAT follows a dangling symlink and creates its target. argv[1]: an empty dir. */
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

static const char *exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 ? "exists" : strerrorname_np(errno);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: o_excl DIR\n"), 2;
  umask(0);
  int fd = open("f", O_CREAT | O_EXCL | O_RDWR, 0640);
  report("O_CREAT|O_EXCL of a new name", fd);
  struct stat st;
  fstat(fd, &st);
  printf("  mode %04o, size %lld, regular %s\n", (unsigned)(st.st_mode & 07777), (long long)st.st_size,
         S_ISREG(st.st_mode) ? "yes" : "no");
  printf("  fd is readable and writable: %s\n", write(fd, "x", 1) == 1 && pread(fd, &st, 1, 0) == 1 ? "yes" : "no");
  report("O_CREAT|O_EXCL again", open("f", O_CREAT | O_EXCL | O_RDWR, 0640));
  report("O_EXCL without O_CREAT (ignored)", open("f", O_EXCL | O_RDONLY));
  report("O_CREAT|O_EXCL of .", open(".", O_CREAT | O_EXCL | O_RDONLY, 0644));
  report("O_CREAT|O_EXCL under a missing directory", open("missing/f", O_CREAT | O_EXCL | O_WRONLY, 0644));
  report("O_CREAT|O_EXCL through a file", open("f/g", O_CREAT | O_EXCL | O_WRONLY, 0644));
  symlink("target", "dangling");
  report("O_CREAT|O_EXCL of a dangling symlink", open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644));
  printf("  its target: %s\n", exists("target"));
  report("O_CREAT of a dangling symlink", open("dangling", O_CREAT | O_WRONLY, 0644));
  printf("  its target: %s\n", exists("target"));
  symlink("f", "tofile");
  report("O_CREAT|O_EXCL of a symlink to a file", open("tofile", O_CREAT | O_EXCL | O_WRONLY, 0644));
  report("O_CREAT|O_EXCL|O_NOFOLLOW of a symlink", open("tofile", O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY, 0644));
  report("O_CREAT|O_NOFOLLOW of a symlink", open("tofile", O_CREAT | O_NOFOLLOW | O_WRONLY, 0644));
  mkdir("d", 0755);
  report("O_CREAT of an existing directory", open("d", O_CREAT | O_RDONLY, 0644));
  report("O_CREAT of name/ (trailing slash)", open("g/", O_CREAT | O_WRONLY, 0644));
  printf("  g: %s\n", exists("g"));
  return 0;
}
