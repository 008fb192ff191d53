/* RLIMIT_FSIZE: a write that would pass the limit is cut short at it; one starting at or past
 * it fails with EFBIG and sends SIGXFSZ (caught here; its default action kills a child).
 * Growing a file past the limit by ftruncate, truncate or fallocate is EFBIG and SIGXFSZ too;
 * shrinking, and an empty write, are not. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <sys/sendfile.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t xfsz;

static void on_xfsz(int sig) {
  (void)sig;
  xfsz++;
}

/* Prints with no limit: stdout may be a regular file itself. */
static void result(const char *what, long r) {
  int err = errno;
  struct rlimit saved, none = {RLIM_INFINITY, RLIM_INFINITY};
  getrlimit(RLIMIT_FSIZE, &saved);
  setrlimit(RLIMIT_FSIZE, &none);
  errno = err;
  printf("%-40s %ld %s, SIGXFSZ %d\n", what, r, r < 0 ? strerrorname_np(errno) : "", (int)xfsz);
  xfsz = 0;
  setrlimit(RLIMIT_FSIZE, &saved);
}

static long size_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: file_size_rlimit DIR\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char buf[3000];
  memset(buf, 'x', sizeof buf);

  /* A child without a handler: the default action of SIGXFSZ kills it (with a core flag natively off: RLIMIT_CORE 0). */
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    struct rlimit rl = {1000, RLIM_INFINITY};
    setrlimit(RLIMIT_FSIZE, &rl);
    int fd = open("killed", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, buf, 1000);
    write(fd, buf, 1);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child writing past the limit: %s, file %ld bytes\n",
         WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : "exited", size_of("killed"));

  signal(SIGXFSZ, on_xfsz);
  struct rlimit rl = {2048, RLIM_INFINITY};
  setrlimit(RLIMIT_FSIZE, &rl);
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  result("write 3000 at 0", write(fd, buf, sizeof buf));
  result("write 1 at the limit", write(fd, buf, 1));
  result("write 0 at the limit", write(fd, buf, 0));
  result("pwrite 100 at 2000", pwrite(fd, buf, 100, 2000));
  result("pwrite 1 at 5000", pwrite(fd, buf, 1, 5000));
  result("ftruncate to 4096", ftruncate(fd, 4096));
  result("ftruncate to 2048", ftruncate(fd, 2048));
  result("ftruncate to 10", ftruncate(fd, 10));
  result("truncate to 2049", truncate("f", 2049));
  result("fallocate 0..4096", fallocate(fd, 0, 0, 4096));
  result("fallocate 0..4096 KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 4096));
  int a = open("f", O_WRONLY | O_APPEND);
  result("O_APPEND write 3000 at size 10", write(a, buf, sizeof buf));
  result("O_APPEND write at the limit", write(a, buf, 1));
  result("size", size_of("f"));

  /* A copy is cut short by the same limit. */
  int out = open("copy", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  lseek(fd, 0, SEEK_SET);
  result("copy_file_range 3000 (file of 2048)", copy_file_range(fd, NULL, out, NULL, 3000, 0));
  ftruncate(out, 0);
  lseek(out, 0, SEEK_SET);
  off_t from = 0;
  struct rlimit small = {100, RLIM_INFINITY};
  setrlimit(RLIMIT_FSIZE, &small);
  result("sendfile 2048 with a limit of 100", sendfile(out, fd, &from, 2048));
  result("sendfile again at the limit", sendfile(out, fd, &from, 10));
  return 0;
}
