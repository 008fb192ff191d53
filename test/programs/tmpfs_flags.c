// The mount flags of a tmpfs (tmpfs_flags DIR): statfs's f_flags, then on a writable mount a
// copy of this program made there and run (execve: EACCES under noexec), mapped with PROT_EXEC
// (EPERM under noexec) and without; on a read-only one, every kind of change (EROFS).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

/** Copies /proc/self/exe to path (mode 0755). */
static int copy_self(const char *path) {
  int in = open("/proc/self/exe", O_RDONLY);
  int out = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
  if (in < 0 || out < 0) return -1;
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, n) != n) return -1;
  close(in);
  close(out);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--ran") == 0) {
    printf("the copy ran\n");
    return 0;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: tmpfs_flags DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  struct statfs s;
  if (statfs(dir, &s) != 0) return 1;
  printf("flags=%lx\n", (unsigned long)s.f_flags);
  char path[4096];
  snprintf(path, sizeof path, "%s/prog", dir);
  if (s.f_flags & 1) {  // ST_RDONLY
    result("create", open(path, O_CREAT | O_WRONLY, 0644));
    result("mkdir", mkdir(path, 0755));
    result("symlink", symlink("x", path));
    result("mkfifo", mkfifo(path, 0644));
    result("chmod root", chmod(dir, 0700));
    result("utimes root", utimensat(AT_FDCWD, dir, NULL, 0));
    return 0;
  }
  result("copy", copy_self(path));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char *args[] = {path, "--ran", NULL};
    execv(path, args);
    printf("execve: %s\n", strerrorname_np(errno));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  int fd = open(path, O_RDONLY);
  void *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  result("mmap PROT_EXEC", x == MAP_FAILED ? -1 : 0);
  void *r = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  result("mmap PROT_READ", r == MAP_FAILED ? -1 : 0);
  void *sx = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  result("mmap shared PROT_EXEC", sx == MAP_FAILED ? -1 : 0);
  return 0;
}
