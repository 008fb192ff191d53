/* EFAULT for a bad path pointer on every path call (before any other check, even on a
 * read-only tree), and for bad argv/result pointers next to good paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *volatile bad = (char *)1; /* an unmapped address the compiler cannot see */

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

/* Runs /bin/echo LABEL with its argv array (3 pointers, maybe unaligned) stored at `at`. */
static void echo_with_argv_at(char *at, const char *label) {
  char *ptrs[] = {"/bin/echo", (char *)label, NULL};
  memcpy(at, ptrs, sizeof ptrs);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    syscall(SYS_execve, "/bin/echo", at, NULL);
    printf("execve with argv %s: %s\n", label, strerrorname_np(errno));
    fflush(stdout);
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
}

int main(void) {
  char buf[64];
  struct stat st;
  char *argv_bad_elem[] = {"/bin/true", bad, NULL};
  report("open", syscall(SYS_open, bad, O_RDONLY));
  report("open O_CREAT", syscall(SYS_open, bad, O_CREAT | O_WRONLY, 0644));
  report("openat", syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY));
  report("stat", syscall(SYS_stat, bad, &st));
  report("lstat", syscall(SYS_lstat, bad, &st));
  report("newfstatat", syscall(SYS_newfstatat, AT_FDCWD, bad, &st, 0));
  report("statx", syscall(SYS_statx, AT_FDCWD, bad, 0, 0x7ff, buf));
  report("access", syscall(SYS_access, bad, F_OK));
  report("faccessat", syscall(SYS_faccessat, AT_FDCWD, bad, F_OK));
  report("readlink", syscall(SYS_readlink, bad, buf, sizeof buf));
  report("chdir", syscall(SYS_chdir, bad));
  report("chroot", syscall(SYS_chroot, bad));
  report("mkdir", syscall(SYS_mkdir, bad, 0755));
  report("rmdir", syscall(SYS_rmdir, bad));
  report("unlink", syscall(SYS_unlink, bad));
  report("rename from", syscall(SYS_rename, bad, "/tmp/x"));
  report("rename to", syscall(SYS_rename, "/nonexistent-tsvisor", bad));
  report("link", syscall(SYS_link, bad, "/tmp/x"));
  report("symlink target", syscall(SYS_symlink, bad, "/tmp/x"));
  report("symlink name", syscall(SYS_symlink, "x", bad));
  report("chmod", syscall(SYS_chmod, bad, 0644));
  report("chown", syscall(SYS_chown, bad, 0, 0));
  report("truncate", syscall(SYS_truncate, bad, 0));
  report("mknod", syscall(SYS_mknod, bad, S_IFIFO | 0644, 0));
  report("statfs", syscall(SYS_statfs, bad, buf));
  report("execve path", syscall(SYS_execve, bad, argv_bad_elem, NULL));
  report("execve argv array", syscall(SYS_execve, "/bin/true", bad, NULL));
  report("execve argv element", syscall(SYS_execve, "/bin/true", argv_bad_elem, NULL));
  report("execve envp array", syscall(SYS_execve, "/bin/true", argv_bad_elem + 2, bad));
  /* The file is opened before argv and envp are read. */
  report("execve of a missing file, bad argv and envp", syscall(SYS_execve, "/nonexistent-tsvisor", bad, bad));
  report("readlink into bad buffer", syscall(SYS_readlink, "/proc/self/exe", bad, 64));
  report("stat into bad buffer", syscall(SYS_stat, "/", bad));
  report("statfs into bad buffer", syscall(SYS_statfs, "/", bad));
  char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(page + 4096, 4096);
  memcpy(page + 4096 - 2, "/", 2); /* "/" ends exactly at the end of the mapping */
  report("stat of a path ending at the end of a mapping", syscall(SYS_stat, page + 4094, &st));
  memcpy(page + 4096 - 4, "/etc", 4); /* no NUL before the unmapped page */
  report("stat of a path running into unmapped memory", syscall(SYS_stat, page + 4092, &st));
  /* argv arrays read no further than their NULL: one ending at the end of a mapping, one
   * across a page boundary with a pointer cut by it. */
  char *pages = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(pages + 8192, 4096);
  echo_with_argv_at(pages + 8192 - 24, "ending-at-the-end-of-a-mapping");
  echo_with_argv_at(pages + 4096 - 12, "across-a-page-boundary-unaligned");
  return 0;
}
