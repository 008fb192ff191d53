/* dup, dup2, dup3, F_DUPFD and fork share one open file (one offset); a second open has its
 * own. argv[1]: a regular file of at least 2000 bytes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static long off(int fd) { return (long)lseek(fd, 0, SEEK_CUR); }

int main(int argc, char **argv) {
  const char *file = argc > 1 ? argv[1] : "/etc/passwd";
  char buf[128];
  int fd = open(file, O_RDONLY);
  if (fd < 0) return perror("open"), 1;
  if (read(fd, buf, 100) != 100) return 1;
  int d = dup(fd);
  printf("dup sees offset %ld\n", off(d));
  if (read(d, buf, 50) != 50) return 1;
  printf("after reading 50 through the dup, the original is at %ld\n", off(fd));
  int d2 = dup2(fd, 50);
  printf("dup2 returns %d\n", d2);
  lseek(d2, 1000, SEEK_SET);
  printf("after seeking the dup2 copy to 1000: original %ld, dup %ld\n", off(fd), off(d));
  int d3 = dup3(fd, 51, O_CLOEXEC);
  lseek(d3, 10, SEEK_CUR);
  printf("after SEEK_CUR +10 on the dup3 copy: original %ld\n", off(fd));
  int f = fcntl(fd, F_DUPFD, 60);
  printf("F_DUPFD 60 returns %d at offset %ld\n", f, off(f));
  int other = open(file, O_RDONLY);
  printf("a second open starts at %ld; original still %ld\n", off(other), off(fd));
  lseek(other, 5, SEEK_SET);
  printf("seeking the second open leaves the original at %ld\n", off(fd));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char c[7];
    _exit(read(fd, c, 7) == 7 && lseek(d, 3, SEEK_CUR) == 1020 ? 0 : 1);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child read 7 and seeked +3 (status %d): parent's offset now %ld\n", WEXITSTATUS(st), off(fd));
  close(fd);
  printf("after closing the original, the dup is still at %ld\n", off(d));
  printf("reading continues from there: %zd bytes\n", read(d, buf, 20));
  printf("and the dup2 copy follows: %ld\n", off(d2));
  return 0;
}
