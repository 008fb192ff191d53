/* An eventfd at 2^64 - 2 (the most write(2) may bring it to) overflows when an AIO completion
 * signals it: poll reports POLLERR (with POLLIN), and a read takes 2^64 - 1. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show_poll(const char *what, int fd) {
  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  poll(&p, 1, 0);
  printf("%s: POLLIN %d POLLOUT %d POLLERR %d\n", what, !!(p.revents & POLLIN), !!(p.revents & POLLOUT), !!(p.revents & POLLERR));
}

int main(void) {
  int efd = eventfd(0, EFD_NONBLOCK);
  uint64_t most = UINT64_MAX - 1;
  printf("write 2^64 - 2: %zd\n", write(efd, &most, 8));
  show_poll("at 2^64 - 2", efd);
  aio_context_t ctx = 0;
  if (syscall(SYS_io_setup, 1, &ctx) != 0) return 1;
  int fd = open("/proc/self/exe", O_RDONLY);
  char buf[64];
  struct iocb cb;
  memset(&cb, 0, sizeof cb);
  cb.aio_lio_opcode = IOCB_CMD_PREAD;
  cb.aio_fildes = fd;
  cb.aio_buf = (uintptr_t)buf;
  cb.aio_nbytes = sizeof buf;
  cb.aio_flags = IOCB_FLAG_RESFD;
  cb.aio_resfd = efd;
  struct iocb *list[1] = {&cb};
  printf("io_submit: %ld\n", syscall(SYS_io_submit, ctx, 1, list));
  struct io_event ev;
  printf("io_getevents: %ld\n", syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL));
  show_poll("after the completion", efd);
  uint64_t v = 0;
  ssize_t got = read(efd, &v, 8);
  printf("read: %zd, 2^64 - 1: %s\n", got, v == UINT64_MAX ? "yes" : "no");
  show_poll("after the read", efd);
  return 0;
}
