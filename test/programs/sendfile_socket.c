/* sendfile into a stream socket that fills up: a blocking socket waits for the reader (all of a
 * 1 MiB file arrives, in order, once), a non-blocking one fails with EAGAIN when full and leaves
 * the file offset where the bytes it did not take start. argv[1]: a scratch directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (1 << 20)

static unsigned char byte_at(long i) { return (unsigned char)(i * 7 + i / 4096); }

/* The child reads everything from fd and checks it is the file from `from` on (it closes the writing end `other`). */
static pid_t reader(int fd, int other, long from) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  close(other);
  static unsigned char buf[65536];
  long total = 0, bad = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) bad += buf[i] != byte_at(from + total + i);
    total += n;
  }
  printf("reader: %ld bytes, %ld wrong\n", total, bad);
  fflush(stdout);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/data", argv[1]);
  int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  unsigned char *data = malloc(SIZE);
  for (long i = 0; i < SIZE; i++) data[i] = byte_at(i);
  if (write(file, data, SIZE) != SIZE) return 1;

  /* Blocking, with an offset pointer: the file offset stays, the pointer moves. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  fflush(stdout);
  pid_t pid = reader(sv[1], sv[0], 4096);
  close(sv[1]);
  lseek(file, 100, SEEK_SET);
  off_t off = 4096;
  long sent = 0;
  while (sent < SIZE - 4096) {
    ssize_t n = sendfile(sv[0], file, &off, SIZE);
    if (n <= 0) {
      printf("blocking: %s\n", strerrorname_np(errno));
      break;
    }
    sent += n;
  }
  close(sv[0]);
  waitpid(pid, NULL, 0);
  printf("blocking: sent %ld, offset pointer %ld, file offset %ld\n", sent, (long)off, (long)lseek(file, 0, SEEK_CUR));

  /* Non-blocking, without a pointer: fill the socket, then EAGAIN; the file offset counts only what was sent. */
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  fcntl(sv[0], F_SETFL, O_NONBLOCK);
  lseek(file, 0, SEEK_SET);
  sent = 0;
  ssize_t n;
  while ((n = sendfile(sv[0], file, NULL, 65536)) > 0) sent += n;
  printf("non-blocking: stops with %s, file offset matches sent: %s\n", strerrorname_np(errno),
         lseek(file, 0, SEEK_CUR) == sent ? "yes" : "no");
  fflush(stdout);
  pid = reader(sv[1], sv[0], 0);
  close(sv[1]);
  fcntl(sv[0], F_SETFL, 0);
  long rest = 0;
  while ((n = sendfile(sv[0], file, NULL, SIZE)) > 0) rest += n;
  close(sv[0]);
  waitpid(pid, NULL, 0);
  printf("non-blocking: sent and rest add up to the file: %s\n", sent + rest == SIZE ? "yes" : "no");
  return 0;
}
