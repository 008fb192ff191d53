/* Changing files that already exist (in the sandbox: files of the read-only lower layer,
 * copied up on write): appends, overwrites in place, truncation, chmod, a rename; an fd opened
 * read-only before the change sees it; the inode number and link count stay. argv[1]: a
 * directory with "data" ("0123456789"), "mode" (0644) and "old" ("old name"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *path) {
  char buf[64];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("  %s: %s\n", path, strerrorname_np(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf);
  printf("  %s: \"%.*s\"\n", path, (int)(n > 0 ? n : 0), buf);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: overlay_copyup DIR\n"), 2;
  struct stat before, after;
  stat("data", &before);
  int ro = open("data", O_RDONLY);
  char c;
  if (read(ro, &c, 1) != 1) return 1;
  int w = open("data", O_WRONLY);
  printf("open existing file for writing: %s\n", w < 0 ? strerrorname_np(errno) : "ok");
  printf("overwrite 2 bytes at offset 3: %zd\n", pwrite(w, "AB", 2, 3));
  show("data");
  char buf[16] = "";
  printf("the fd opened before the write reads the new bytes: %s\n", pread(ro, buf, 6, 0) == 6 && memcmp(buf, "012AB5", 6) == 0 ? "yes" : "no");
  printf("  and its offset is kept: %ld\n", (long)lseek(ro, 0, SEEK_CUR));
  stat("data", &after);
  printf("same inode after the write: %s, nlink %lu, size %lld\n", before.st_ino == after.st_ino ? "yes" : "no",
         (unsigned long)after.st_nlink, (long long)after.st_size);
  int a = open("data", O_WRONLY | O_APPEND);
  printf("append 3: %zd\n", write(a, "xyz", 3));
  show("data");
  printf("truncate to 4: %d\n", truncate("data", 4));
  show("data");
  printf("chmod mode 0600: %d\n", chmod("mode", 0600));
  stat("mode", &after);
  printf("  mode now %04o\n", (unsigned)(after.st_mode & 07777));
  show("mode");
  printf("rename old -> new: %d\n", rename("old", "new"));
  show("old");
  show("new");
  int t = open("new", O_WRONLY | O_TRUNC);
  printf("O_TRUNC of the renamed file: %s\n", t < 0 ? strerrorname_np(errno) : "ok");
  show("new");
  printf("link data -> data2: %d\n", link("data", "data2"));
  stat("data", &after);
  printf("  nlink of data %lu, same inode as data2: %s\n", (unsigned long)after.st_nlink,
         (stat("data2", &before) == 0 && before.st_ino == after.st_ino) ? "yes" : "no");
  return 0;
}
