/* MAP_SHARED mappings of a file in the directory argv[1] (in the sandbox, a --mount ...:rw
 * directory: the host's own file) are the file's bytes: stores reach the file after munmap,
 * close and exit, read() and write() see the mapping's bytes at once, processes (forked or
 * mapping the file themselves) share the pages, a read-only mapping sees later writes, msync
 * and mremap work, a read-only open cannot be mapped or mprotected writable and shared, and
 * a page past the end of a shrunk file is SIGBUS (the tail of the last page reads zeros). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static char path[4096];
static sigjmp_buf back;
static volatile sig_atomic_t bus_code;
static void *volatile bus_addr;

static void on_bus(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  bus_code = si->si_code;
  bus_addr = si->si_addr;
  siglongjmp(back, 1);
}

static const char *err(int failed) {
  return failed ? strerrorname_np(errno) : "ok";
}

/** A sum of the file's bytes as read() gives them, and its size. */
static void show_file(const char *what) {
  int fd = open(path, O_RDONLY);
  unsigned char buf[PAGE];
  unsigned long sum = 0, total = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) sum = sum * 31 + buf[i];
    total += n;
  }
  close(fd);
  printf("%s: read %lu bytes, sum %lx\n", what, total, sum);
}

/** The mapping's line of /proc/self/maps: its permissions, offset and file name (not the directory). */
static void show_maps_line(void *at) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096];
  unsigned long start, end, want = (unsigned long)at;
  while (fgets(line, sizeof line, f)) {
    char perms[8], dev[16], name[4096] = "";
    unsigned long offset, ino;
    if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %4095s", &start, &end, perms, &offset, dev, &ino, name) < 6) continue;
    if (start != want) continue;
    const char *base = strrchr(name, '/');
    printf("maps: %lu pages %s offset %lx %s\n", (end - start) / PAGE, perms, offset, base ? base + 1 : name);
  }
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(path, sizeof path, "%s/bind.bin", argv[1]);
  unlink(path);

  /* The linkers' way: create, size, map shared, store, unmap, close; read() sees every byte. */
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return perror("open"), 1;
  size_t len = 2 * PAGE + 100;
  if (ftruncate(fd, len) != 0) return perror("ftruncate"), 1;
  unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
  if (p == MAP_FAILED) return perror("mmap"), 1;
  show_maps_line(p);
  for (size_t i = 0; i < len; i++) p[i] = (unsigned char)(i * 7 + 1);
  munmap(p, len);
  close(fd);
  show_file("stored, unmapped, closed");

  /* Mapped again: write() and the mapping see each other at once. */
  fd = open(path, O_RDWR);
  p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return perror("mmap"), 1;
  printf("mapping again sees the stores: %d %d\n", p[0], p[2 * PAGE + 99]);
  pwrite(fd, "write", 5, 10);
  printf("pwrite seen by the mapping: [%.5s]\n", (char *)p + 10);
  memcpy(p + PAGE, "store", 5);
  char b[6] = {0};
  pread(fd, b, 5, PAGE);
  printf("store seen by pread: [%s]\n", b);
  printf("msync MS_SYNC: %s, MS_ASYNC|MS_INVALIDATE: %s\n", err(msync(p, len, MS_SYNC)), err(msync(p, PAGE, MS_ASYNC | MS_INVALIDATE)));

  /* A forked child's stores are the parent's (and the file's); so are those of a process mapping the file itself. */
  pid_t pid = fork();
  if (pid == 0) {
    memcpy(p + 20, "forked", 6);
    int cfd = open(path, O_RDWR);
    unsigned char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, PAGE);
    if (q == MAP_FAILED) _exit(1);
    memcpy(q + 10, "own map", 7);
    /* Exits with its mappings dirty: nothing is lost. */
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d; parent sees [%.6s] [%.7s]\n", WEXITSTATUS(status), (char *)p + 20, (char *)p + PAGE + 10);
  show_file("after the child");

  /* A read-only open: mapped shared read-only it sees later writes (another process's too), but
   * it cannot be mapped or mprotected writable and shared, not even just after a private
   * mapping of the file open for writing. */
  unsigned char *mine = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (mine == MAP_FAILED) return perror("mmap private"), 1;
  mine[0] = 'p';
  munmap(mine, PAGE);
  int ro = open(path, O_RDONLY);
  unsigned char *r = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
  printf("read-only fd, shared writable: %s\n", r == MAP_FAILED ? strerrorname_np(errno) : "mapped");
  r = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
  if (r == MAP_FAILED) return perror("mmap ro"), 1;
  show_maps_line(r);
  printf("mprotect to writable: %s\n", err(mprotect(r, PAGE, PROT_READ | PROT_WRITE)));
  pid = fork();
  if (pid == 0) {
    int cfd = open(path, O_WRONLY);
    pwrite(cfd, "later", 5, 40);
    _exit(0);
  }
  waitpid(pid, &status, 0);
  p[50] = 'M';
  printf("read-only mapping sees a later write and store: [%.5s] [%c]\n", (char *)r + 40, r[50]);
  unsigned char *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
  priv[0] = 'z';
  printf("private mapping of it is its own: [%c], file stays [%d]\n", priv[0], r[0]);
  munmap(priv, PAGE);
  munmap(r, PAGE);
  close(ro);

  /* Grown with ftruncate and mremap: the new part is the file's too. */
  ftruncate(fd, 4 * PAGE);
  unsigned char *g = mremap(p, len, 4 * PAGE, MREMAP_MAYMOVE);
  if (g == MAP_FAILED) return perror("mremap"), 1;
  p = g;
  memcpy(p + 3 * PAGE + 5, "grown", 5);
  memset(b, 0, sizeof b);
  pread(fd, b, 5, 3 * PAGE + 5);
  printf("mremap grown, stored: [%s], first byte still %d\n", b, p[0]);

  /* Shrunk under the mapping: the last page's tail reads zeros, the page past it is SIGBUS. */
  ftruncate(fd, PAGE + 10);
  struct sigaction sa = {0};
  sa.sa_sigaction = on_bus;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, NULL);
  printf("after shrinking: [%.5s], tail %d\n", (char *)p + PAGE, p[PAGE + 100]);
  if (sigsetjmp(back, 1) == 0) {
    volatile unsigned char c = p[2 * PAGE + 1];
    printf("read past the end: %d, no signal\n", c);
  } else {
    printf("read past the end: SIGBUS code %d at +%ld\n", bus_code, (long)((unsigned char *)bus_addr - p));
  }
  if (sigsetjmp(back, 1) == 0) {
    p[3 * PAGE] = 1;
    printf("store past the end: no signal\n");
  } else {
    printf("store past the end: SIGBUS code %d at +%ld\n", bus_code, (long)((unsigned char *)bus_addr - p));
  }
  munmap(p, 4 * PAGE);
  close(fd);
  show_file("at the end");
  unlink(path);
  return 0;
}
