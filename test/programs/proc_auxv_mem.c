/* /proc/PID/auxv and /proc/PID/mem, as debuggers use them: auxv holds the pairs getauxval
 * answers from, ending with AT_NULL; mem reads and writes a process's memory at the offset
 * that is the address (its own, a child's), reaches read-only private pages (a breakpoint in
 * text), fails with EIO where nothing is mapped, stops short at the end of a mapping, seeks
 * with SEEK_SET/SEEK_CUR only, gives 0 once the process is gone, and both files are refused
 * (EACCES) to a user who may not ptrace the process. Run as root; a child drops to 65534. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const volatile int read_only_value = 7; /* in .rodata: a read-only private mapping */
static volatile long shared_value = 41;

static const char *err(long r) { return r < 0 ? strerror(errno) : "ok"; }

static void self_auxv(void) {
  unsigned long words[512];
  int fd = open("/proc/self/auxv", O_RDONLY);
  ssize_t n = read(fd, words, sizeof words);
  close(fd);
  size_t pairs = n > 0 ? (size_t)n / 16 : 0;
  int ends_null = pairs > 0 && words[2 * (pairs - 1)] == AT_NULL;
  int seen_phdr = 0, seen_entry = 0, seen_random = 0, seen_execfn = 0, seen_pagesz = 0;
  for (size_t i = 0; i + 1 < pairs; i++) {
    unsigned long type = words[2 * i], value = words[2 * i + 1];
    /* glibc answers AT_HWCAP and AT_HWCAP2 from its own view of the CPU, not the vector: left out. */
    if (type != AT_HWCAP && type != AT_HWCAP2 && getauxval(type) != value) printf("auxv: type %lu differs from getauxval\n", type);
    seen_phdr |= type == AT_PHDR;
    seen_entry |= type == AT_ENTRY;
    seen_random |= type == AT_RANDOM;
    seen_execfn |= type == AT_EXECFN;
    seen_pagesz |= type == AT_PAGESZ && value == 4096;
  }
  printf("auxv: whole pairs %s, ends with AT_NULL %s\n", n > 0 && n % 16 == 0 ? "yes" : "no", ends_null ? "yes" : "no");
  printf("auxv: PHDR %d ENTRY %d RANDOM %d EXECFN %d PAGESZ=4096 %d\n", seen_phdr, seen_entry, seen_random, seen_execfn, seen_pagesz);
}

static void self_mem(void) {
  int fd = open("/proc/self/mem", O_RDWR);
  printf("open /proc/self/mem O_RDWR: %s\n", err(fd));
  long v = 0;
  ssize_t r = pread(fd, &v, sizeof v, (off_t)(uintptr_t)&shared_value);
  printf("pread own variable: %zd value %ld\n", r, v);
  int eight = 8;
  r = pwrite(fd, &eight, sizeof eight, (off_t)(uintptr_t)&read_only_value);
  printf("pwrite into .rodata: %zd %s, now %d\n", r, err(r), read_only_value);

  /* The offset is the address: lseek sets it, read moves it. */
  off_t at = lseek(fd, (off_t)(uintptr_t)&shared_value, SEEK_SET);
  printf("lseek SEEK_SET to the variable: %s\n", at == (off_t)(uintptr_t)&shared_value ? "the address" : "other");
  r = read(fd, &v, sizeof v);
  printf("read: %zd value %ld, offset moved by %ld\n", r, v, (long)(lseek(fd, 0, SEEK_CUR) - at));
  printf("lseek SEEK_END: %s\n", err(lseek(fd, 0, SEEK_END)));

  /* An unmapped page: EIO; a read running off the end of a mapping: short. */
  char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(page + 4096, 4096);
  memset(page, 'x', 4096);
  char buf[8192];
  r = pread(fd, buf, 100, (off_t)(uintptr_t)(page + 4096));
  printf("pread of an unmapped page: %zd %s\n", r, err(r));
  r = pread(fd, buf, 200, (off_t)(uintptr_t)(page + 4096 - 100));
  printf("pread across the end of a mapping: %zd (%s)\n", r, r == 100 && buf[0] == 'x' ? "its last bytes" : "other");
  r = pwrite(fd, "y", 1, (off_t)(uintptr_t)(page + 4096));
  printf("pwrite to an unmapped page: %zd %s\n", r, err(r));
  r = pread(fd, buf, 0, (off_t)(uintptr_t)(page + 4096));
  printf("pread of 0 bytes there: %zd\n", r);
  close(fd);
}

/* A child stopped on a pipe: the parent reads and writes its memory, and its auxv. */
static void child_mem(void) {
  int go[2], ready[2];
  pipe(go);
  pipe(ready);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    write(ready[1], "r", 1);
    read(go[0], &c, 1);
    printf("child sees shared_value %ld\n", shared_value);
    fflush(stdout);
    _exit(0);
  }
  char c, path[64];
  read(ready[0], &c, 1);
  snprintf(path, sizeof path, "/proc/%d/mem", pid);
  int fd = open(path, O_RDWR);
  long v = 0, changed = 1234;
  ssize_t r = pread(fd, &v, sizeof v, (off_t)(uintptr_t)&shared_value);
  printf("pread child's variable: %zd value %ld\n", r, v);
  r = pwrite(fd, &changed, sizeof changed, (off_t)(uintptr_t)&shared_value);
  printf("pwrite child's variable: %zd\n", r);
  printf("parent's own stays %ld\n", shared_value);
  snprintf(path, sizeof path, "/proc/%d/auxv", pid);
  int afd = open(path, O_RDONLY);
  unsigned long words[512];
  ssize_t n = read(afd, words, sizeof words);
  close(afd);
  int same_entry = 0;
  for (ssize_t i = 0; i + 16 <= n; i += 16)
    if (words[i / 8] == AT_ENTRY) same_entry = words[i / 8 + 1] == getauxval(AT_ENTRY);
  printf("child's auxv: %s, its AT_ENTRY is the parent's: %s\n", n > 0 ? "read" : "empty", same_entry ? "yes" : "no");
  write(go[1], "g", 1);
  waitpid(pid, NULL, 0);
  r = pread(fd, &v, sizeof v, (off_t)(uintptr_t)&shared_value);
  printf("pread after the child is gone: %zd\n", r);
  close(fd);
}

/* Another user may not open root's auxv or mem; its own it may. */
static void other_user(void) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(1);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", parent);
    printf("as 65534, open root's auxv: %s\n", err(open(path, O_RDONLY)));
    snprintf(path, sizeof path, "/proc/%d/mem", parent);
    printf("as 65534, open root's mem: %s\n", err(open(path, O_RDONLY)));
    printf("as 65534, open its own mem: %s\n", err(open("/proc/self/mem", O_RDWR)));
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  self_auxv();
  self_mem();
  child_mem();
  other_user();
  return 0;
}
