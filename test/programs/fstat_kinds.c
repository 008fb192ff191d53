// fstat on files that have no path: sockets (S_IFSOCK, the inode number of their
// /proc/self/fd link "socket:[N]"), pipes (S_IFIFO) and the anonymous-inode files (eventfd,
// epoll, timerfd, signalfd, inotify: permission bits and no file type, one inode for all).
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

static void show(const char *what, int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    perror(what);
    return;
  }
  char path[64], link[128] = "";
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n > 0) link[n] = 0;
  char *bracket = strchr(link, '[');
  if (bracket) *bracket = 0;
  printf("%-10s mode=%06o nlink=%lu size=%lld blksize=%ld link=%s\n", what, st.st_mode, (unsigned long)st.st_nlink, (long long)st.st_size, (long)st.st_blksize, link);
}

static ino_t ino(int fd) {
  struct stat st;
  fstat(fd, &st);
  return st.st_ino;
}

int main(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  int tcp = socket(AF_INET, SOCK_STREAM, 0);
  int p[2];
  pipe(p);
  int ev1 = eventfd(0, 0), ev2 = eventfd(0, 0);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  show("unix", sv[0]);
  show("tcp", tcp);
  show("pipe", p[0]);
  show("eventfd", ev1);
  show("epoll", epoll_create1(0));
  show("timerfd", timerfd_create(CLOCK_MONOTONIC, 0));
  show("signalfd", signalfd(-1, &mask, 0));
  show("inotify", inotify_init1(0));

  char path[64], link[128] = "";
  snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
  link[readlink(path, link, sizeof link - 1)] = 0;
  printf("socket inode is its link's number: %s\n", strtoull(link + strlen("socket:["), NULL, 10) == ino(sv[0]) ? "yes" : "no");
  printf("a dup has the same inode: %s; the other end another: %s\n", ino(dup(sv[0])) == ino(sv[0]) ? "yes" : "no", ino(sv[1]) != ino(sv[0]) ? "yes" : "no");
  printf("two eventfds share the anonymous inode: %s\n", ino(ev1) == ino(ev2) ? "yes" : "no");
  printf("S_ISSOCK(unix): %d, S_ISFIFO(pipe): %d\n", ({ struct stat st; fstat(sv[0], &st); S_ISSOCK(st.st_mode); }), ({ struct stat st; fstat(p[1], &st); S_ISFIFO(st.st_mode); }));
  return 0;
}
