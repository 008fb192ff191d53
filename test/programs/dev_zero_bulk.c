/* Reads of /dev/zero, small and large (tsvisor has the host run large ones on a fd of its own):
 * the whole count every time (no cap at 1 MiB), every byte zeroed, a buffer that faults part
 * way gives the count before the fault, the argument registers are kept across the call, and
 * a forked child and a dup'd fd behave the same. Then large writes into a pipe: all of them,
 * and from a buffer unreadable part way, the count before the fault. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BIG = 4 << 20, PAGE = 4096 };

static int all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

/* read(fd, buf, n) with its return; reports whether rdi, rsi and rdx came back unchanged. */
static long raw_read(int fd, void *buf, size_t n, int *kept) {
  long ret;
  register long rdi __asm__("rdi") = fd;
  register long rsi __asm__("rsi") = (long)buf;
  register long rdx __asm__("rdx") = (long)n;
  __asm__ volatile("syscall" : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx) : "a"((long)SYS_read) : "rcx", "r11", "memory");
  *kept = rdi == fd && rsi == (long)buf && rdx == (long)n;
  return ret;
}

static void reads(const char *who, int fd, unsigned char *buf) {
  for (int i = 0; i < 3; i++) {
    memset(buf, 0xaa, BIG);
    int kept = 0;
    long n = raw_read(fd, buf, BIG, &kept);
    printf("%s: read %d of %d bytes: %ld, zeroed %s, registers kept %s\n", who, i, BIG, n, n > 0 && all_zero(buf, (size_t)n) ? "yes" : "no",
           kept ? "yes" : "no");
  }
  memset(buf, 0xaa, 200);
  long n = read(fd, buf, 100);
  printf("%s: small read: %ld, zeroed %s, the rest untouched %s\n", who, n, all_zero(buf, 100) ? "yes" : "no", buf[100] == 0xaa ? "yes" : "no");
}

int main(void) {
  int fd = open("/dev/zero", O_RDONLY);
  unsigned char *buf = mmap(NULL, BIG + PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fd < 0 || buf == MAP_FAILED) return 1;
  reads("parent", fd, buf);

  /* 20 pages of which the last 4 cannot be written. */
  unsigned char *part = mmap(NULL, 20 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (part == MAP_FAILED || mprotect(part + 16 * PAGE, 4 * PAGE, PROT_NONE) != 0) return 1;
  memset(part, 0xaa, 16 * PAGE);
  long n = read(fd, part, 20 * PAGE);
  printf("read into a buffer unwritable after 16 pages: %ld, zeroed %s\n", n, n > 0 && all_zero(part, (size_t)n) ? "yes" : "no");
  n = read(fd, part + 16 * PAGE, 4 * PAGE);
  printf("read into the unwritable pages: %ld\n", n);

  int copy = dup2(fd, 42);
  reads("dup'd fd", copy, buf);

  int p[2];
  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    close(p[0]);
    reads("child", fd, buf);
    long r = read(fd, buf, BIG);
    long w = write(p[1], buf, (size_t)r);
    printf("child: wrote %ld of the zeros into the pipe\n", w);
    /* Into the pipe from the buffer unwritable (and unreadable) after 16 pages: what came before. */
    w = write(p[1], part, 20 * PAGE);
    printf("child: wrote %ld bytes from a buffer unreadable after 16 pages\n", w);
    fflush(stdout);
    _exit(0);
  }
  close(p[1]);
  long got = 0, k;
  int zero = 1;
  static unsigned char in[65536];
  while ((k = read(p[0], in, sizeof in)) > 0) {
    /* The zeros, then the 16 zeroed pages of the second write. */
    zero = zero && all_zero(in, (size_t)k);
    got += k;
  }
  int status;
  waitpid(child, &status, 0);
  printf("parent: got %ld bytes from the pipe, zeros %s; child status %d\n", got, zero ? "yes" : "no", status);
  return 0;
}
