/* ETXTBSY: a file some process is running cannot be opened for writing (O_WRONLY, O_RDWR, or
 * O_TRUNC with O_RDONLY), created over (creat) or truncated; reading it is fine. A copy of the
 * program is busy while a child runs it and free once the child has exited; and a file open
 * for writing cannot be run.
 * argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: ok\n", what);
}

static long opened(const char *path, int flags) {
  int fd = open(path, flags);
  if (fd >= 0) close(fd);
  return fd;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "wait") == 0) {
    pause();
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "exit") == 0) return 42;
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: text_busy DIR\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char self[4096] = {0};
  if (readlink("/proc/self/exe", self, sizeof self - 1) < 0) return perror("readlink"), 1;
  result("open self O_RDONLY", opened(self, O_RDONLY));
  result("open self O_WRONLY", opened(self, O_WRONLY));
  result("open self O_RDWR", opened(self, O_RDWR));
  result("open self O_RDONLY|O_TRUNC", opened(self, O_RDONLY | O_TRUNC));
  result("creat self", creat(self, 0755));
  result("truncate self", truncate(self, 0));

  /* A copy, run by a child. */
  int in = open(self, O_RDONLY), out = open("copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) write(out, buf, n);
  close(in);
  close(out);
  result("open the copy for writing before it runs", opened("copy", O_WRONLY));
  pid_t child = fork();
  if (child == 0) {
    execl("./copy", "copy", "wait", (char *)NULL);
    _exit(127);
  }
  /* Until the child's exe is the copy: its exec is done. */
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/%d/exe", child);
  for (int i = 0; i < 500; i++) {
    ssize_t len = readlink(link, target, sizeof target - 1);
    if (len > 0) {
      target[len] = 0;
      if (strstr(target, "/copy")) break;
    }
    usleep(10000);
  }
  result("open the copy for writing while a child runs it", opened("copy", O_WRONLY));
  result("truncate the copy while a child runs it", truncate("copy", 0));
  result("rename over the copy while a child runs it", rename("copy", "copy2"));
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  result("open the copy for writing after the child ended", opened("copy2", O_WRONLY));
  int w = open("copy2", O_WRONLY);
  result("execve of a file open for writing", execl("./copy2", "copy2", "wait", (char *)NULL));
  close(w);
  child = fork();
  if (child == 0) {
    execl("./copy2", "copy2", "exit", (char *)NULL);
    _exit(127);
  }
  int status;
  waitpid(child, &status, 0);
  printf("execve once it is closed: exit %d\n", WEXITSTATUS(status));
  unlink("copy2");
  return 0;
}
