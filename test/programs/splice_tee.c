// splice (file to pipe with and without an offset pointer, pipe to file, pipe to pipe), tee
// (the bytes stay in the first pipe), vmsplice both ways, sendfile into a pipe, and the
// errors: no pipe (EINVAL), an offset on a pipe (ESPIPE), SPLICE_F_NONBLOCK on an empty pipe
// (EAGAIN), end of file (0), no reader (EPIPE); bytes spliced into a second pipe stay as they
// were while the first pipe is written and read again. argv[1]: a directory to work in.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static void drain(const char *what, int fd) {
  char buf[256] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  printf("%s: %zd \"%s\"\n", what, n, n > 0 ? buf : "");
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  char path[4096], out_path[4096];
  snprintf(path, sizeof path, "%s/source", argv[1]);
  snprintf(out_path, sizeof out_path, "%s/sink", argv[1]);
  int src = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(src, "0123456789abcdefghij", 20);
  lseek(src, 0, SEEK_SET);
  int p[2], q[2];
  pipe(p);
  pipe(q);

  loff_t off = 5;
  result("splice file@5 -> pipe, 4 bytes", splice(src, &off, p[1], NULL, 4, 0));
  printf("offset now %lld, file offset %lld\n", (long long)off, (long long)lseek(src, 0, SEEK_CUR));
  result("splice file -> pipe, 3 bytes", splice(src, NULL, p[1], NULL, 3, 0));
  printf("file offset %lld\n", (long long)lseek(src, 0, SEEK_CUR));
  result("tee pipe -> pipe", tee(p[0], q[1], 100, 0));
  drain("second pipe", q[0]);
  int sink = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  result("splice pipe -> file", splice(p[0], NULL, sink, NULL, 100, 0));
  lseek(sink, 0, SEEK_SET);
  drain("sink file", sink);

  result("splice with no pipe", splice(src, NULL, sink, NULL, 4, 0));
  loff_t zero = 0;
  result("splice with an offset on the pipe", splice(p[0], &zero, sink, NULL, 4, 0));
  result("splice from an empty pipe, SPLICE_F_NONBLOCK", splice(p[0], NULL, sink, NULL, 4, SPLICE_F_NONBLOCK));
  result("splice bad flags", splice(src, NULL, p[1], NULL, 4, 0x100));

  write(p[1], "through", 7);
  result("splice pipe -> pipe", splice(p[0], NULL, q[1], NULL, 100, 0));
  drain("second pipe", q[0]);

  struct iovec iov[2] = {{"vm", 2}, {"splice", 6}};
  result("vmsplice into the pipe", vmsplice(p[1], iov, 2, 0));
  char a[3] = {0}, b[10] = {0};
  struct iovec back[2] = {{a, 2}, {b, 9}};
  result("vmsplice out of the pipe", vmsplice(p[0], back, 2, 0));
  printf("got \"%s\" \"%s\"\n", a, b);
  result("vmsplice on a file", vmsplice(src, iov, 2, 0));

  off = 0;
  result("sendfile file -> pipe", sendfile(p[1], src, &off, 6));
  drain("pipe", p[0]);

  // Large writes (more than PIPE_BUF) spliced on, then more of them through the first pipe.
  static char big[40000], got[40000];
  memset(big, 'A', sizeof big);
  result("write 40000 bytes", write(p[1], big, sizeof big));
  result("splice pipe -> pipe, 40000 bytes", splice(p[0], NULL, q[1], NULL, sizeof big, 0));
  for (char c = 'B'; c <= 'E'; c++) {
    memset(big, c, sizeof big);
    if (write(p[1], big, sizeof big) != (ssize_t)sizeof big || read(p[0], got, sizeof got) != (ssize_t)sizeof got) printf("pass %c failed\n", c);
  }
  size_t as = 0;
  for (ssize_t n; as < sizeof got && (n = read(q[0], got + as, sizeof got - as)) > 0;) as += (size_t)n;
  size_t same = 0;
  for (size_t i = 0; i < as; i++) same += got[i] == 'A';
  printf("second pipe: %zu bytes, %zu of them as written\n", as, same);

  close(p[1]);
  result("splice at end of file of the pipe", splice(p[0], NULL, sink, NULL, 4, 0));
  close(q[0]);
  off = 0;
  result("splice into a pipe without reader", splice(src, &off, q[1], NULL, 4, 0));
  return 0;
}
