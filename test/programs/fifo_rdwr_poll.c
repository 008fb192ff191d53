/* A FIFO opened O_RDWR is both of its ends: poll, select and epoll report it readable once it
 * holds bytes and writable while it has room, and a select waiting on it wakes for a child's
 * write (bash's `exec 5<>fifo; echo x >&5; read -t 1 l <&5` timed out in the sandbox: only the
 * write end's events were reported). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int fd) {
  struct pollfd p = { fd, POLLIN | POLLOUT | POLLHUP | POLLERR, 0 };
  int n = poll(&p, 1, 0);
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(fd, &r);
  FD_SET(fd, &w);
  struct timeval tv = { 0, 0 };
  int s = select(fd + 1, &r, &w, NULL, &tv);
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT }, got = { 0 };
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  int e = epoll_wait(ep, &got, 1, 0);
  close(ep);
  printf("%-22s poll %d revents %#x | select %d r %d w %d | epoll %d events %#x\n", what, n, p.revents, s,
         FD_ISSET(fd, &r) != 0, FD_ISSET(fd, &w) != 0, e, got.events);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[4096];
  snprintf(path, sizeof path, "%s/fifo", argv[1]);
  if (mkfifo(path, 0644) != 0) return perror("mkfifo"), 1;
  int fd = open(path, O_RDWR);
  if (fd < 0) return perror("open"), 1;
  show("empty", fd);
  printf("write %zd\n", write(fd, "x\n", 2));
  show("holding 2 bytes", fd);
  char buf[8];
  printf("read %zd\n", read(fd, buf, sizeof buf));
  show("drained", fd);
  int rd = open(path, O_RDONLY | O_NONBLOCK);
  show("read end (empty)", rd);
  pid_t child = fork();
  if (child == 0) {
    usleep(100000);
    int w = open(path, O_WRONLY);
    write(w, "late\n", 5);
    _exit(0);
  }
  fd_set r;
  FD_ZERO(&r);
  FD_SET(fd, &r);
  struct timeval tv = { 10, 0 };
  printf("select waiting for the child's write: %d\n", select(fd + 1, &r, NULL, NULL, &tv));
  printf("read %zd\n", read(fd, buf, sizeof buf));
  waitpid(child, NULL, 0);
  return 0;
}
