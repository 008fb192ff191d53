/* The inode numbers getdents gives "." and "..": the directory's own and its parent's, as stat
 * of "." and ".." find them (ls -ai and gawk's readdir extension print them); at "/" both are
 * the root's. argv[1]: a directory to make a subdirectory in; the others are read as they are. */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(const char *label, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return perror(dir);
  ino_t dot = 0, dotdot = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0) dot = e->d_ino;
    if (strcmp(e->d_name, "..") == 0) dotdot = e->d_ino;
  }
  closedir(d);
  char path[PATH_MAX];
  struct stat self, parent;
  snprintf(path, sizeof path, "%s/.", dir);
  if (stat(path, &self) != 0) return perror(path);
  snprintf(path, sizeof path, "%s/..", dir);
  if (stat(path, &parent) != 0) return perror(path);
  printf("%s: \".\" is the directory %d, \"..\" is its parent %d, \"..\" is \".\" %d\n", label,
         dot == self.st_ino, dotdot == parent.st_ino, dot == dotdot);
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: dirent_dot_inos DIR\n"), 2;
  char sub[PATH_MAX], subsub[PATH_MAX];
  snprintf(sub, sizeof sub, "%s/sub", argv[1]);
  snprintf(subsub, sizeof subsub, "%s/sub/sub", argv[1]);
  if (mkdir(sub, 0755) != 0 || mkdir(subsub, 0755) != 0) return perror("mkdir"), 1;
  check("the given directory", argv[1]);
  check("a new subdirectory", sub);
  check("a new subdirectory's subdirectory", subsub);
  check("/", "/");
  check("/usr/bin", "/usr/bin");
  check("/proc", "/proc");
  rmdir(subsub);
  rmdir(sub);
  return 0;
}
