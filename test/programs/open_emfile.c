/* open(2) takes its fd before it walks the path (Linux's do_sys_openat2): with the fd table
 * full, O_CREAT fails with EMFILE and creates nothing (stress-ng's timerfd stressor could not
 * remove its directory after the sandbox had created the file anyway), and a missing path is
 * EMFILE too, not ENOENT. argv[1]: a scratch directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  struct rlimit limit = {16, 16};
  setrlimit(RLIMIT_NOFILE, &limit);
  while (open("/dev/null", O_RDONLY) >= 0) {
  }
  char path[512];
  snprintf(path, sizeof path, "%s/emfile-created", argv[1]);
  int fd = open(path, O_RDWR | O_CREAT, 0600);
  int err = errno;
  printf("open(O_CREAT) with a full table: %d %s\n", fd, strerror(err));
  printf("the file exists: %s\n", access(path, F_OK) == 0 ? "yes" : "no");
  fd = open("/nonexistent/x", O_RDONLY);
  err = errno;
  printf("open of a missing path: %d %s\n", fd, strerror(err));
  fd = open(path, O_CREAT | O_DIRECTORY, 0600);
  err = errno;
  printf("open(O_CREAT|O_DIRECTORY): %d %s\n", fd, strerror(err));
  close(3);
  fd = open(path, O_RDWR | O_CREAT, 0600);
  printf("with one fd free: %d, the file exists: %s\n", fd, access(path, F_OK) == 0 ? "yes" : "no");
  unlink(path);
  return 0;
}
