/* rename: replaces a file atomically, moves directories, refuses to replace a non-empty
 * directory or to mix files and directories, does nothing for two links of one file,
 * renameat2 NOREPLACE/EXCHANGE; an open fd follows the file. argv[1]: an empty writable dir. */
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

static void put(const char *path, const char *text) {
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (write(fd, text, strlen(text)) < 0) printf("write %s failed\n", path);
  close(fd);
}

static void show(const char *path) {
  char buf[64] = "";
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd < 0) printf("  %s: %s\n", path, strerrorname_np(errno));
  else printf("  %s: \"%.*s\"\n", path, (int)n, buf);
  if (fd >= 0) close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: rename_sem DIR\n"), 2;
  put("a", "content of a");
  put("b", "content of b");
  int held = open("a", O_RDONLY);
  report("rename a over b", rename("a", "b"));
  show("a");
  show("b");
  char buf[32] = "";
  printf("  an fd opened on a still reads: \"%.*s\"\n", (int)read(held, buf, 12), buf);
  report("rename b onto itself", rename("b", "b"));
  link("b", "b2");
  report("rename b over its own hard link b2", rename("b", "b2"));
  show("b");
  show("b2");
  mkdir("d1", 0755), mkdir("d2", 0755), mkdir("full", 0755);
  put("full/x", "x");
  put("d1/inside", "inside d1");
  report("rename dir d1 over empty dir d2", rename("d1", "d2"));
  show("d2/inside");
  report("rename dir d2 over non-empty dir full", rename("d2", "full"));
  report("rename file b over dir full", rename("b", "full"));
  report("rename dir full over file b", rename("full", "b"));
  report("rename dir full into itself", rename("full", "full/sub"));
  report("rename missing", rename("missing", "x"));
  report("rename into a missing dir", rename("b", "missing/b"));
  report("rename b to b/ (trailing slash, a file)", rename("b", "c/"));
  report("rename .", rename(".", "x"));
  report("rename dir full to full2/ (trailing slash)", rename("full", "full2/"));
  put("n1", "n1"), put("n2", "n2");
  report("renameat2 NOREPLACE over an existing name", renameat2(AT_FDCWD, "n1", AT_FDCWD, "n2", RENAME_NOREPLACE));
  report("renameat2 NOREPLACE to a new name", renameat2(AT_FDCWD, "n1", AT_FDCWD, "n3", RENAME_NOREPLACE));
  report("renameat2 EXCHANGE n2 and n3", renameat2(AT_FDCWD, "n2", AT_FDCWD, "n3", RENAME_EXCHANGE));
  show("n2");
  show("n3");
  report("renameat2 EXCHANGE with a missing name", renameat2(AT_FDCWD, "n2", AT_FDCWD, "none", RENAME_EXCHANGE));
  report("renameat2 NOREPLACE|EXCHANGE", renameat2(AT_FDCWD, "n2", AT_FDCWD, "n3", RENAME_NOREPLACE | RENAME_EXCHANGE));
  return 0;
}
