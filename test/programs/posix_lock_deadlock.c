/* F_SETLKW that would wait forever fails with EDEADLK: two processes each holding one byte
 * and each asking for the other's (whichever asks second is refused, the other gets the lock
 * once the refused one lets go), and a chain of three. F_SETLK of a held byte is EAGAIN, never
 * EDEADLK. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int lock_byte(int fd, int cmd, short type, off_t at) {
  struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};
  return fcntl(fd, cmd, &l);
}

/* Asks for byte `want` while holding `held`: on EDEADLK lets `held` go. 1: refused, 0: got it. */
static int ask(int fd, off_t held, off_t want) {
  if (lock_byte(fd, F_SETLKW, F_WRLCK, want) == 0) return 0;
  int refused = errno == EDEADLK;
  lock_byte(fd, F_SETLK, F_UNLCK, held);
  return refused ? 1 : 2;
}

/* n processes: process i holds byte i and asks for byte (i + 1) % n once all hold theirs. */
static void ring(int n) {
  int fd = open("f", O_RDWR);
  int ready[2], go[2], results[2];
  if (pipe(ready) || pipe(go) || pipe(results)) return;
  for (int i = 1; i < n; i++) {
    if (fork() == 0) {
      int mine = open("f", O_RDWR);
      lock_byte(mine, F_SETLK, F_WRLCK, i);
      if (write(ready[1], "r", 1) != 1) _exit(1);
      char c;
      if (read(go[0], &c, 1) != 1) _exit(1);
      char r = (char)('0' + ask(mine, i, (i + 1) % n));
      if (write(results[1], &r, 1) != 1) _exit(1);
      _exit(0);
    }
  }
  lock_byte(fd, F_SETLK, F_WRLCK, 0);
  char c;
  for (int i = 1; i < n; i++)
    if (read(ready[0], &c, 1) != 1) return;
  for (int i = 1; i < n; i++)
    if (write(go[1], "g", 1) != 1) return;
  int refused = ask(fd, 0, 1);
  int got = refused == 0;
  /* Each lets go of both bytes once it has its answer (a child by exiting), so those still
   * waiting get theirs. */
  lock_byte(fd, F_SETLK, F_UNLCK, 0);
  lock_byte(fd, F_SETLK, F_UNLCK, 1);
  for (int i = 1; i < n; i++) {
    if (read(results[0], &c, 1) != 1) return;
    refused += c == '1';
    got += c == '0';
  }
  while (wait(NULL) > 0) {
  }
  printf("ring of %d: %d refused with EDEADLK, %d got the byte they asked for\n", n, refused, got);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: posix_lock_deadlock DIR\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(fd, "0123456789", 10) != 10) return 1;
  close(fd);
  ring(2);
  ring(3);

  /* Without waiting there is no deadlock to detect: EAGAIN. */
  fd = open("f", O_RDWR);
  lock_byte(fd, F_SETLK, F_WRLCK, 5);
  pid_t pid = fork();
  if (pid == 0) {
    int mine = open("f", O_RDWR);
    int r = lock_byte(mine, F_SETLK, F_WRLCK, 5);
    printf("F_SETLK of a held byte: %s\n", r < 0 ? strerrorname_np(errno) : "taken");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
