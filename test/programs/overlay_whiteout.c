/* Deleting what already exists (in the sandbox: whiteouts over the lower layer): removed files
 * and directories vanish from stat and readdir, a name can be created again (a new, empty file;
 * a recreated directory is empty, nothing of the old one shows through). argv[1]: a directory
 * with "gone", "again" ("old content") and "tree/" holding "a", "b" and "sub/c". */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    printf("  ls %s: %s\n", dir, strerrorname_np(errno));
    return;
  }
  char *names[64];
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) && n < 64;)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("  ls %s:", dir);
  for (int i = 0; i < n; i++) printf(" %s", names[i]), free(names[i]);
  printf("%s\n", n ? "" : " (empty)");
}

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: overlay_whiteout DIR\n"), 2;
  struct stat st;
  list(".");
  report("unlink gone", unlink("gone"));
  report("stat gone", stat("gone", &st));
  report("unlink gone again", unlink("gone"));
  report("unlink again", unlink("again"));
  int fd = open("again", O_CREAT | O_EXCL | O_RDWR, 0644);
  report("create again anew (O_EXCL)", fd);
  char buf[32];
  printf("  it is empty: %s\n", read(fd, buf, sizeof buf) == 0 ? "yes" : "no");
  report("rmdir tree (not empty)", rmdir("tree"));
  report("unlink tree/a", unlink("tree/a"));
  list("tree");
  report("unlink tree/b", unlink("tree/b"));
  report("unlink tree/sub/c", unlink("tree/sub/c"));
  report("rmdir tree/sub", rmdir("tree/sub"));
  list("tree");
  report("rmdir tree", rmdir("tree"));
  list(".");
  report("mkdir tree again", mkdir("tree", 0755));
  list("tree");
  report("stat tree/a", stat("tree/a", &st));
  report("stat tree/sub", stat("tree/sub", &st));
  stat("tree", &st);
  printf("  nlink of the new tree: %lu\n", (unsigned long)st.st_nlink);
  report("rename again to gone (a removed name)", rename("again", "gone"));
  list(".");
  return 0;
}
