/* process_vm_readv/process_vm_writev between a parent and its child: scattered iovecs on both
 * sides, a local side shorter than the remote one, a remote range that ends in an unmapped
 * page (a partial count), nothing reachable (EFAULT), flags (EINVAL), too many iovecs
 * (EINVAL), a pid that does not exist (ESRCH), and an unprivileged caller against a process of
 * another user (EPERM) and against its own child (allowed). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, ssize_t r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %zd\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long page = sysconf(_SC_PAGESIZE);
  /* Two pages, the second unmapped: the child's data sits at the end of the first. */
  char *area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area + page, page);
  char *tail = area + page - 16;
  memcpy(tail, "0123456789abcdef", 16);
  static char message[64] = "hello from the child's memory";
  int ready[2], done[2];
  pipe(ready);
  pipe(done);
  pid_t child = fork();
  if (child == 0) {
    strcpy(message, "hello from the child's memory!!");
    write(ready[1], "r", 1);
    char c;
    read(done[0], &c, 1);
    printf("child: message now \"%s\"\n", message);
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);

  char a[8] = {0}, b[40] = {0};
  struct iovec local[2] = {{a, 5}, {b, sizeof b - 1}};
  struct iovec remote[2] = {{message, 6}, {message + 6, 25}};
  result("readv scattered", process_vm_readv(child, local, 2, remote, 2, 0));
  printf("  a=\"%s\" b=\"%s\"\n", a, b);

  char small[10] = {0};
  struct iovec one = {small, 9};
  struct iovec whole = {message, 31};
  result("readv into a shorter local side", process_vm_readv(child, &one, 1, &whole, 1, 0));
  printf("  small=\"%s\"\n", small);

  char big[64] = {0};
  struct iovec into_big = {big, sizeof big};
  struct iovec across = {tail, 32};
  result("readv across the unmapped page", process_vm_readv(child, &into_big, 1, &across, 1, 0));
  printf("  got \"%.16s\"\n", big);
  struct iovec unmapped = {area + page, 8};
  result("readv of an unmapped page", process_vm_readv(child, &into_big, 1, &unmapped, 1, 0));
  struct iovec bad_local = {(void *)8, 8};
  result("readv into an unwritable local buffer", process_vm_readv(child, &bad_local, 1, &whole, 1, 0));
  result("readv with flags", process_vm_readv(child, &into_big, 1, &whole, 1, 1));
  result("readv with 1025 iovecs", process_vm_readv(child, &into_big, 1025, &whole, 1, 0));
  result("readv with a bad iovec array", process_vm_readv(child, (struct iovec *)8, 1, &whole, 1, 0));
  result("readv of no pid", process_vm_readv(999999, &into_big, 1, &whole, 1, 0));
  result("readv of nothing", process_vm_readv(child, &into_big, 0, &whole, 0, 0));

  char patch[] = "HELLO";
  struct iovec from = {patch, 5};
  struct iovec to = {message, 5};
  result("writev into the child", process_vm_writev(child, &from, 1, &to, 1, 0));
  struct iovec to_unmapped = {area + page, 5};
  result("writev into an unmapped page", process_vm_writev(child, &from, 1, &to_unmapped, 1, 0));
  write(done[1], "d", 1);
  waitpid(child, NULL, 0);
  result("readv of a reaped child", process_vm_readv(child, &into_big, 1, &whole, 1, 0));

  /* Unprivileged: another user's process is refused; one's own child is not. */
  pid_t other = fork();
  if (other == 0) {
    setresuid(2000, 2000, 2000);
    pause();
    _exit(0);
  }
  usleep(100000);
  pid_t mine = fork();
  if (mine == 0) {
    if (setresgid(1000, 1000, 1000) != 0 || setresuid(1000, 1000, 1000) != 0) _exit(1);
    result("unprivileged readv of another user's process", process_vm_readv(other, &into_big, 1, &whole, 1, 0));
    result("unprivileged readv of itself", process_vm_readv(getpid(), &into_big, 1, &whole, 1, 0));
    _exit(0);
  }
  waitpid(mine, NULL, 0);
  kill(other, SIGKILL);
  waitpid(other, NULL, 0);
  return 0;
}
