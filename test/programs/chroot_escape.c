/* Tries every way out of a chroot jail it makes at /jail: `..`, absolute and relative
 * symlinks, a cwd left outside, fchdir to a directory opened before, chroot(".") after
 * climbing, and procfs's magic links. Run in a --rootfs (isolation.test.ts), whatever it
 * reaches must be that root's /etc/passwd, never the host's: prints, for each path, the first
 * line of the file it opens or the errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void probe(const char *stage, const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("%s %s: %s\n", stage, path, strerrorname_np(errno));
    return;
  }
  char buf[128];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  buf[strcspn(buf, "\n")] = 0;
  printf("%s %s: \"%s\"\n", stage, path, buf);
  close(fd);
}

static void must(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
}

static const char *const JAILED[] = {
  "/etc/passwd", "/../../../../etc/passwd", "../../../../etc/passwd", "/up/etc/passwd",
  "/abs/passwd", "/deep/a/b/up/etc/passwd", "/proc/self/root/etc/passwd",
};

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  must("mkdir /jail", mkdir("/jail", 0755));
  must("mkdir /jail/deep", mkdir("/jail/deep", 0755));
  must("mkdir /jail/deep/a", mkdir("/jail/deep/a", 0755));
  must("mkdir /jail/deep/a/b", mkdir("/jail/deep/a/b", 0755));
  must("symlink up", symlink("../../../..", "/jail/up"));
  must("symlink abs", symlink("/etc", "/jail/abs"));
  must("symlink deep up", symlink("../../../../../../../..", "/jail/deep/a/b/up"));
  int outside = open("/", O_RDONLY | O_DIRECTORY);

  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    /* The cwd is left outside the jail: the magic links of the unjailed parent lead out. */
    must("chroot /jail", syscall(SYS_chroot, "/jail"));
    char path[64];
    snprintf(path, sizeof path, "proc/%d/root/etc/passwd", parent);
    probe("cwd outside, parent's root link", path);
    probe("cwd outside, own cwd link", "proc/self/cwd/../../../etc/passwd");
    probe("cwd outside, own root link", "proc/self/root/../../../etc/passwd");
    _exit(0);
  }
  waitpid(pid, NULL, 0);

  must("chroot /jail", syscall(SYS_chroot, "/jail"));
  must("chdir /", chdir("/"));
  for (size_t i = 0; i < sizeof JAILED / sizeof *JAILED; i++) probe("jailed", JAILED[i]);

  /* A directory fd from before the chroot, then `..` as far as it goes, then chroot("."). */
  must("fchdir", fchdir(outside));
  for (int i = 0; i < 32; i++) must("chdir ..", chdir(".."));
  probe("climbed", "etc/passwd");
  must("chroot .", syscall(SYS_chroot, "."));
  probe("escaped", "/etc/passwd");
  probe("escaped", "/../../../../../etc/passwd");
  probe("escaped", "/jail/up/etc/passwd");
  return 0;
}
