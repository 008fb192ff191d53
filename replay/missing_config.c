/* A program that looks for its configuration under a misspelt name: ENOENT. It writes its
 * directory and config file first (in the sandbox's overlay), so the explanation is the same on
 * every host: the missing component and the nearest names in that directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  mkdir("/tmp/tsvisor-corpus-app", 0755);
  int fd = open("/tmp/tsvisor-corpus-app/config.json", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "{}\n", 3) != 3 || close(fd) != 0) return 2;
  if (open("/tmp/tsvisor-corpus-app/config.jsn", O_RDONLY) < 0) {
    perror("config.jsn");
    return 1;
  }
  return 0;
}
