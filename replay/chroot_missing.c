/* A program that chroots into a directory it made, then looks for its configuration under a
 * misspelt name there: ENOENT. The explanation names the path in the sandbox (below the
 * process's root), the root, and the nearest names in the jail's directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  mkdir("/tmp/tsvisor-corpus-jail", 0755);
  mkdir("/tmp/tsvisor-corpus-jail/etc", 0755);
  int fd = open("/tmp/tsvisor-corpus-jail/etc/app.conf", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "x=1\n", 4) != 4 || close(fd) != 0) return 2;
  if (syscall(SYS_chroot, "/tmp/tsvisor-corpus-jail") != 0 || chdir("/") != 0) return 2;
  if (open("/etc/app.cnf", O_RDONLY) < 0) {
    perror("app.cnf");
    return 1;
  }
  return 0;
}
