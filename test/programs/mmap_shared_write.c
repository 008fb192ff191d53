/* MAP_SHARED mappings of a file written by the program are the file's bytes: what the mapping
 * writes is what read() and exec see (even after munmap, close and rename: lld writes its
 * output so), write() shows in the mapping, separate mappings in separate processes share,
 * and a file open read-only cannot be mapped (or mprotected) writable and shared. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[4096], path2[4096];

static const char *name(const char *dir, const char *base, char *buf) {
  snprintf(buf, 4096, "%s/%s", dir, base);
  return buf;
}

static void show_file(const char *p) {
  char buf[256] = {0};
  int fd = open(p, O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  for (ssize_t i = 0; i < n; i++) if (buf[i] == 0) buf[i] = '.';
  printf("  read %zd: [%s]\n", n, buf);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *dir = argv[1];

  /* The linker's way: create, size, map, write through the mapping, unmap, rename, run. */
  name(dir, "out.tmp", path);
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0755);
  const char script[] = "#!/bin/sh\necho ran \"$1\"\nexit 3\n# written through the mapping\n";
  size_t len = strlen(script);
  if (ftruncate(fd, len) != 0) return perror("ftruncate"), 1;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return perror("mmap"), 1;
  memcpy(p, script, len);
  munmap(p, len);
  close(fd);
  if (rename(path, name(dir, "out", path2)) != 0) return perror("rename"), 1;
  printf("written through a mapping, unmapped, renamed:\n");
  show_file(path2);
  struct stat st;
  stat(path2, &st);
  printf("  size %lld\n", (long long)st.st_size);
  pid_t pid = fork();
  if (pid == 0) {
    execl(path2, path2, "as a script", (char *)0);
    printf("  exec: %s\n", strerrorname_np(errno));
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("  exec status %d\n", WEXITSTATUS(status));

  /* write() and ftruncate show in a shared mapping; the mapping's writes in read(). */
  name(dir, "shared", path);
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(fd, "0123456789", 10) != 10) return 1;
  p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return perror("mmap"), 1;
  pwrite(fd, "abc", 3, 2);
  printf("write() seen by the mapping: [%.10s]\n", p);
  p[0] = 'X';
  char b[11] = {0};
  pread(fd, b, 10, 0);
  printf("mapping's write seen by pread: [%s]\n", b);
  ftruncate(fd, 4);
  ftruncate(fd, 8);
  printf("after truncating to 4 and growing to 8: [%c%c%c%c] %d %d\n", p[0], p[1], p[2], p[3], p[5], p[7]);

  /* Another process opens and maps the file itself: both mappings are the same bytes. */
  int ready[2], done[2];
  pipe(ready);
  pipe(done);
  pid = fork();
  if (pid == 0) {
    int cfd = open(path, O_RDWR);
    char *q = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
    if (q == MAP_FAILED) _exit(1);
    char c;
    read(ready[0], &c, 1);
    printf("child sees the parent's write: [%c]\n", q[1]);
    q[2] = 'C';
    write(done[1], "x", 1);
    _exit(0);
  }
  p[1] = 'P';
  write(ready[1], "x", 1);
  char c;
  read(done[0], &c, 1);
  waitpid(pid, &status, 0);
  printf("parent sees the child's write: [%c]\n", p[2]);
  show_file(path);
  munmap(p, 4096);
  close(fd);

  /* Open read-only: no writable shared mapping, and mprotect cannot make one. */
  fd = open(path, O_RDONLY);
  p = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  printf("read-only fd, shared writable: %s\n", p == MAP_FAILED ? strerrorname_np(errno) : "mapped");
  p = mmap(NULL, 8, PROT_READ, MAP_SHARED, fd, 0);
  printf("read-only fd, shared read-only: %s [%c]\n", p == MAP_FAILED ? strerrorname_np(errno) : "mapped", p == MAP_FAILED ? '?' : p[0]);
  printf("mprotect to writable: %s\n", mprotect(p, 8, PROT_READ | PROT_WRITE) == 0 ? "ok" : strerrorname_np(errno));
  char *q = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  q[0] = 'z';
  printf("private writable: [%c], file stays [%c]\n", q[0], p[0]);
  close(fd);

  /* The file's bytes live on after the file is removed, in the mapping that still holds them. */
  fd = open(path, O_RDWR);
  p = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  unlink(path);
  p[3] = 'U';
  printf("unlinked, still mapped: [%.4s]\n", p);
  return 0;
}
