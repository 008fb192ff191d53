/* Path errors: ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG, ELOOP. argv[1]: a directory holding a
 * file "file", a directory "dir" and the symlinks loop->loop, loop_a->loop_b, loop_b->loop_a,
 * dangling->missing, tofile->file (see semantics.test.ts). */
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

static char name[8192], name2[8300];

int main(int argc, char **argv) {
  struct stat st;
  char buf[64];
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: errno_path DIR\n"), 2;
  report("open missing", open("missing", O_RDONLY));
  report("open missing/x", open("missing/x", O_RDONLY));
  report("open empty path", open("", O_RDONLY));
  report("open file/x", open("file/x", O_RDONLY));
  report("stat file/", stat("file/", &st));
  report("stat file/.", stat("file/.", &st));
  report("access file/x", access("file/x", F_OK));
  report("open file O_DIRECTORY", open("file", O_RDONLY | O_DIRECTORY));
  report("chdir file", chdir("file"));
  report("open dir O_WRONLY", open("dir", O_WRONLY));
  report("open dir O_RDWR", open("dir", O_RDWR));
  int d = open("dir", O_RDONLY);
  report("open dir O_RDONLY", d);
  report("read a directory fd", read(d, buf, sizeof buf));
  report("open dangling", open("dangling", O_RDONLY));
  report("lstat dangling", lstat("dangling", &st));
  report("open dangling/x", open("dangling/x", O_RDONLY));
  report("open tofile/", open("tofile/", O_RDONLY));
  report("open tofile", open("tofile", O_RDONLY));
  report("open loop", open("loop", O_RDONLY));
  report("open loop_a", open("loop_a", O_RDONLY));
  report("stat loop/x", stat("loop/x", &st));
  report("stat loop", stat("loop", &st));
  report("lstat loop", lstat("loop", &st));
  report("chdir loop_b", chdir("loop_b"));
  report("readlink loop", readlink("loop", buf, sizeof buf));
  report("readlink file", readlink("file", buf, sizeof buf));
  memset(name, 'n', 255);
  report("open a 255-byte name", open(name, O_RDONLY));
  memset(name, 'n', 256);
  report("open a 256-byte name", open(name, O_RDONLY));
  report("stat a 256-byte name", stat(name, &st));
  snprintf(name2, sizeof name2, "missing/%s", name);
  report("open missing/<256 bytes>", open(name2, O_RDONLY));
  snprintf(name2, sizeof name2, "%s/missing", name);
  report("open <256 bytes>/missing", open(name2, O_RDONLY));
  memset(name, 0, sizeof name);
  for (int i = 0; i < 2047; i++) memcpy(name + 2 * i, "./", 2);
  strcat(name, "."); /* 4095 bytes: the longest path */
  report("stat a 4095-byte path", stat(name, &st));
  strcat(name, "/"); /* 4096 bytes */
  report("stat a 4096-byte path", stat(name, &st));
  report("open a 4096-byte path", open(name, O_RDONLY));
  return 0;
}
