/* openat2: struct open_how checks (sizes, unknown bits, mode) and the RESOLVE_* rules
 * (BENEATH, IN_ROOT, NO_SYMLINKS, NO_MAGICLINKS, NO_XDEV, CACHED), in a tree it makes in
 * the directory given as argv[1]. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static long openat2_raw(int dirfd, const char *path, const void *how, size_t size) {
  return syscall(SYS_openat2, dirfd, path, how, size);
}

/* Prints ok and the first line of what was opened (or the errno name), then closes it. */
static void report(const char *what, long fd) {
  if (fd < 0) {
    printf("%s: %s\n", what, strerrorname_np(errno));
    return;
  }
  char buf[64] = {0};
  ssize_t n = read((int)fd, buf, sizeof buf - 1);
  char *nl = strchr(buf, '\n');
  if (nl) *nl = 0;
  if (n < 0) printf("%s: ok (read: %s)\n", what, strerrorname_np(errno));
  else printf("%s: ok \"%s\"\n", what, buf);
  close((int)fd);
}

static void try(const char *what, int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve) {
  struct open_how how = {.flags = flags, .mode = mode, .resolve = resolve};
  report(what, openat2_raw(dirfd, path, &how, sizeof how));
}

static void put(int dir, const char *name, const char *content) {
  int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, content, strlen(content)) < 0) perror(name);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int top = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (top < 0 || mkdirat(top, "root", 0755) < 0) return perror("setup"), 1;
  int root = openat(top, "root", O_RDONLY | O_DIRECTORY);
  put(top, "outside", "outside the root\n");
  put(root, "file", "the file\n");
  mkdirat(root, "dir", 0755);
  put(root, "dir/inner", "inner file\n");
  symlinkat("file", root, "tofile");
  symlinkat("dir", root, "todir");
  symlinkat("/file", root, "absfile");
  symlinkat("../outside", root, "up");
  symlinkat("dir/../../outside", root, "upinner");
  int dirfd = openat(root, "dir", O_RDONLY | O_DIRECTORY);
  fchdir(root);

  /* struct open_how: sizes and contents */
  struct {
    struct open_how how;
    uint64_t extra[2];
  } big = {{.flags = O_RDONLY}, {0, 0}};
  report("size 0", openat2_raw(root, "file", &big, 0));
  report("size 23", openat2_raw(root, "file", &big, 23));
  report("size 24", openat2_raw(root, "file", &big, 24));
  report("size 40, zero tail", openat2_raw(root, "file", &big, 40));
  big.extra[1] = 1;
  report("size 40, non-zero tail", openat2_raw(root, "file", &big, 40));
  report("size 4097", openat2_raw(root, "file", &big, 4097));
  report("how at a bad address", openat2_raw(root, "file", (void *)16, 24));
  report("path at a bad address", openat2_raw(root, (const char *)16, &big, 24));
  try("empty path", root, "", O_RDONLY, 0, 0);
  try("flags bit 40", root, "file", 1ULL << 40, 0, 0);
  try("flags 0x4", root, "file", 0x4, 0, 0);
  try("unknown resolve bit", root, "file", O_RDONLY, 0, 0x40);
  try("BENEATH|IN_ROOT", root, "file", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT);
  try("mode without O_CREAT", root, "file", O_RDONLY, 0644, 0);
  try("mode 010000 with O_CREAT", root, "new1", O_RDWR | O_CREAT, 010000, 0);
  try("O_CREAT with mode 0600", root, "new2", O_RDWR | O_CREAT, 0600, 0);
  try("O_CREAT|O_DIRECTORY", root, "new3", O_RDONLY | O_CREAT | O_DIRECTORY, 0600, 0);
  try("O_PATH|O_APPEND", root, "file", O_PATH | O_APPEND, 0, 0);
  try("O_PATH|O_NOFOLLOW on a symlink", root, "tofile", O_PATH | O_NOFOLLOW, 0, 0);
  try("__O_TMPFILE without O_DIRECTORY", root, "dir", 020000000 | O_RDWR, 0600, 0);
  try("O_TMPFILE read-only", root, "dir", O_TMPFILE | O_RDONLY, 0600, 0);
  try("CACHED plain open", root, "file", O_RDONLY, 0, RESOLVE_CACHED);
  try("CACHED with O_CREAT", root, "new4", O_RDWR | O_CREAT, 0600, RESOLVE_CACHED);
  try("CACHED with O_TRUNC", root, "file", O_RDWR | O_TRUNC, 0, RESOLVE_CACHED);
  try("bad dirfd", 999, "file", O_RDONLY, 0, 0);
  try("dirfd not a directory", open("/dev/null", O_RDONLY), "file", O_RDONLY, 0, 0);
  struct stat st;
  printf("new2 mode: %o\n", fstatat(root, "new2", &st, 0) == 0 ? st.st_mode & 07777 : 0);

  /* RESOLVE_BENEATH */
  try("BENEATH file", root, "file", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH dir/../file", root, "dir/../file", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH ../outside", root, "../outside", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH dir/../../outside", root, "dir/../../outside", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH absolute path", root, "/etc/passwd", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH absolute path, bad dirfd", 999, "/etc/passwd", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH relative symlink", root, "tofile", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH through a dir symlink", root, "todir/inner", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH absolute symlink", root, "absfile", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH symlink going up", root, "up", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH symlink going up from inside", root, "upinner", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH from dir: ../file", dirfd, "../file", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH AT_FDCWD", AT_FDCWD, "dir/inner", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH AT_FDCWD ..", AT_FDCWD, "../outside", O_RDONLY, 0, RESOLVE_BENEATH);
  try("BENEATH O_CREAT", root, "dir/made", O_RDWR | O_CREAT, 0644, RESOLVE_BENEATH);
  try("BENEATH O_CREAT above", root, "../made", O_RDWR | O_CREAT, 0644, RESOLVE_BENEATH);

  /* RESOLVE_IN_ROOT */
  try("IN_ROOT /file", root, "/file", O_RDONLY, 0, RESOLVE_IN_ROOT);
  try("IN_ROOT ../../../file", root, "../../../file", O_RDONLY, 0, RESOLVE_IN_ROOT);
  try("IN_ROOT absolute symlink", root, "absfile", O_RDONLY, 0, RESOLVE_IN_ROOT);
  try("IN_ROOT symlink going up", root, "up", O_RDONLY, 0, RESOLVE_IN_ROOT);
  try("IN_ROOT /etc/passwd", root, "/etc/passwd", O_RDONLY, 0, RESOLVE_IN_ROOT);
  try("IN_ROOT from dir: /inner", dirfd, "/inner", O_RDONLY, 0, RESOLVE_IN_ROOT);
  try("IN_ROOT bad dirfd, absolute", 999, "/file", O_RDONLY, 0, RESOLVE_IN_ROOT);

  /* RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS */
  try("NO_SYMLINKS file", root, "file", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
  try("NO_SYMLINKS final symlink", root, "tofile", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
  try("NO_SYMLINKS symlink in the middle", root, "todir/inner", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
  try("NO_SYMLINKS O_NOFOLLOW|O_PATH", root, "tofile", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
  char magic[64];
  int held = openat(root, "file", O_RDONLY);
  snprintf(magic, sizeof magic, "/proc/self/fd/%d", held);
  try("plain /proc/self/fd/N", AT_FDCWD, magic, O_RDONLY, 0, 0);
  try("NO_MAGICLINKS /proc/self/fd/N", AT_FDCWD, magic, O_RDONLY, 0, RESOLVE_NO_MAGICLINKS);
  try("NO_MAGICLINKS /proc/self/exe", AT_FDCWD, "/proc/self/exe", O_PATH, 0, RESOLVE_NO_MAGICLINKS);
  try("NO_MAGICLINKS /proc/self/status", AT_FDCWD, "/proc/self/status", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS);
  try("NO_MAGICLINKS a plain symlink", root, "tofile", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS);
  try("NO_SYMLINKS /proc/self/status", AT_FDCWD, "/proc/self/status", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
  int proc = open("/proc", O_RDONLY | O_DIRECTORY);
  snprintf(magic, sizeof magic, "self/fd/%d", held);
  try("BENEATH /proc: self/fd/N", proc, magic, O_RDONLY, 0, RESOLVE_BENEATH);

  /* RESOLVE_NO_XDEV */
  try("NO_XDEV file", root, "file", O_RDONLY, 0, RESOLVE_NO_XDEV);
  try("NO_XDEV ../outside", root, "../outside", O_RDONLY, 0, RESOLVE_NO_XDEV);
  try("NO_XDEV /proc/self/status", AT_FDCWD, "/proc/self/status", O_RDONLY, 0, RESOLVE_NO_XDEV);
  try("NO_XDEV /dev/null", root, "/dev/null", O_RDONLY, 0, RESOLVE_NO_XDEV);
  try("NO_XDEV from /proc: self/status", proc, "self/status", O_RDONLY, 0, RESOLVE_NO_XDEV);
  try("NO_XDEV from /proc: ../etc", proc, "../etc", O_RDONLY | O_DIRECTORY, 0, RESOLVE_NO_XDEV);
  return 0;
}
