/* Opens and stats each path in argv and prints the first line or the errno: the escape tests
 * run it inside a --rootfs to show which file (if any) each path reaches. "at:PATH" opens PATH
 * relative to a directory fd of "/". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  char cwd[512];
  printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerrorname_np(errno));
  int root = open("/", O_RDONLY | O_DIRECTORY);
  for (int i = 1; i < argc; i++) {
    const char *path = argv[i];
    int at = strncmp(path, "at:", 3) == 0;
    int fd = at ? openat(root, path + 3, O_RDONLY) : open(path, O_RDONLY);
    if (fd < 0) {
      printf("%s: open %s\n", path, strerrorname_np(errno));
    } else {
      char buf[128];
      ssize_t n = read(fd, buf, sizeof buf - 1);
      buf[n > 0 ? n : 0] = 0;
      buf[strcspn(buf, "\n")] = 0;
      printf("%s: open ok \"%s\"\n", path, buf);
      close(fd);
    }
    struct stat st;
    int r = at ? fstatat(root, path + 3, &st, 0) : stat(path, &st);
    printf("%s: stat %s\n", path, r == 0 ? "ok" : strerrorname_np(errno));
  }
  return 0;
}
