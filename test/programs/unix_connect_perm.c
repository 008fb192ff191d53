/* connect(2) and sendto(2) to a unix socket file need write permission on it (EACCES), as
 * Linux's unix_find_bsd checks; root passes (CAP_DAC_OVERRIDE); a file that is not a socket is
 * ECONNREFUSED, a missing one ENOENT. The files are made in a fresh directory under /tmp that
 * everyone may search; a child drops to uid 65534 to be refused. Run as root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_un addr_of(const char *path) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
  return a;
}

static const char *try_connect(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = addr_of(path);
  int r = connect(fd, (struct sockaddr *)&a, sizeof a);
  close(fd);
  return r == 0 ? "ok" : strerrorname_np(errno);
}

static const char *try_sendto(const char *path) {
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un a = addr_of(path);
  ssize_t r = sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof a);
  close(fd);
  return r == 1 ? "ok" : strerrorname_np(errno);
}

static void report(const char *who, const char *stream, const char *dgram, const char *plain, const char *missing) {
  printf("%s: stream %s, dgram %s, plain file %s, missing %s\n", who, try_connect(stream), try_sendto(dgram), try_connect(plain), try_connect(missing));
  fflush(stdout);
}

int main(void) {
  char dir[] = "/tmp/unix_connect_permXXXXXX";
  if (!mkdtemp(dir) || chmod(dir, 0755) != 0) return perror("mkdtemp"), 1;
  char stream[128], dgram[128], plain[128], missing[128];
  snprintf(stream, sizeof stream, "%s/stream", dir);
  snprintf(dgram, sizeof dgram, "%s/dgram", dir);
  snprintf(plain, sizeof plain, "%s/plain", dir);
  snprintf(missing, sizeof missing, "%s/missing", dir);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0), receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un a = addr_of(stream), b = addr_of(dgram);
  if (bind(listener, (struct sockaddr *)&a, sizeof a) || listen(listener, 8) || bind(receiver, (struct sockaddr *)&b, sizeof b)) return perror("bind"), 1;
  close(open(plain, O_CREAT | O_WRONLY, 0666));
  for (int round = 0; round < 2; round++) {
    mode_t mode = round == 0 ? 0755 : 0777;
    chmod(stream, mode);
    chmod(dgram, mode);
    chmod(plain, mode);
    printf("mode %o\n", mode);
    report("root", stream, dgram, plain, missing);
    pid_t child = fork();
    if (child == 0) {
      if (setuid(65534) != 0) _exit(1);
      report("uid 65534", stream, dgram, plain, missing);
      _exit(0);
    }
    waitpid(child, NULL, 0);
  }
  unlink(stream);
  unlink(dgram);
  unlink(plain);
  rmdir(dir);
  return 0;
}
