// What an engine's shim does with --console-socket, for the OCI tests: listens on SOCKET,
// receives the terminal's master (SCM_RIGHTS), copies what the container writes to stdout,
// and the first time the output contains "resize-me" sets the window to ROWS x COLS
// (TIOCSWINSZ on the master, as `docker resize` does). With TYPED, types it on the master as
// soon as it has it. Ends when the terminal is closed.
// Usage: console_receiver SOCKET ROWS COLS [TYPED]
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int receive_fd(int conn) {
  char name[256];
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {name, sizeof name};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(conn, &msg, 0) < 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s SOCKET ROWS COLS [TYPED]\n", argv[0]);
    return 2;
  }
  int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(sock, 1) != 0) {
    perror("console socket");
    return 1;
  }
  int conn = accept(sock, NULL, NULL);
  int master = conn < 0 ? -1 : receive_fd(conn);
  if (master < 0) {
    perror("receiving the master");
    return 1;
  }
  if (argc == 5 && write(master, argv[4], strlen(argv[4])) < 0) perror("typing");
  struct winsize ws = {.ws_row = (unsigned short)atoi(argv[2]), .ws_col = (unsigned short)atoi(argv[3])};
  const char *marker = "resize-me";
  size_t matched = 0;
  int resized = 0;
  char buf[4096];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    for (ssize_t i = 0; i < n && !resized; i++) {
      matched = buf[i] == marker[matched] ? matched + 1 : (buf[i] == marker[0] ? 1 : 0);
      if (marker[matched] == '\0') {
        if (ioctl(master, TIOCSWINSZ, &ws) != 0) perror("TIOCSWINSZ");
        resized = 1;
      }
    }
  }
  return 0;
}
