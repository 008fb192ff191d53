// A tmpfs mounted with size= and nr_inodes= (tmpfs_limits DIR, DIR mounted with
// size=256k,nr_inodes=12,mode=750,uid=12,gid=34 or the like): statfs, the root's mode and
// owner, writes up to the limit (a write crossing it is short, the next ENOSPC), ftruncate past
// it, fallocate (all or nothing), overwriting allocated pages when full, punching a hole,
// O_TRUNC, unlink freeing pages, and creating files, links, directories and symlinks until the
// inodes run out. Prints what it sees; run natively in a mount namespace and in the sandbox.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static const char *dir;
static char path_buf[4096];

static const char *at(const char *name) {
  snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
  return path_buf;
}

static void show_statfs(const char *label) {
  struct statfs s;
  if (statfs(dir, &s) != 0) {
    printf("%s: statfs: %s\n", label, strerror(errno));
    return;
  }
  printf("%s: type=%lx bsize=%ld blocks=%lu bfree=%lu bavail=%lu files=%lu ffree=%lu namelen=%ld frsize=%ld flags=%lx\n", label,
         (unsigned long)s.f_type, (long)s.f_bsize, (unsigned long)s.f_blocks, (unsigned long)s.f_bfree, (unsigned long)s.f_bavail,
         (unsigned long)s.f_files, (unsigned long)s.f_ffree, (long)s.f_namelen, (long)s.f_frsize, (unsigned long)s.f_flags);
}

static void result(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

static long blocks_of(const char *name) {
  struct stat st;
  return stat(at(name), &st) == 0 ? (long)st.st_blocks : -1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: tmpfs_limits DIR\n");
    return 2;
  }
  dir = argv[1];
  struct stat st;
  if (stat(dir, &st) != 0) return 1;
  printf("root: mode=%o uid=%u gid=%u\n", (unsigned)st.st_mode, (unsigned)st.st_uid, (unsigned)st.st_gid);
  show_statfs("empty");

  size_t big = 1 << 20;
  char *buf = malloc(big);
  memset(buf, 'x', big);

  int a = open(at("a"), O_CREAT | O_RDWR, 0644);
  result("write a 100000", write(a, buf, 100000));
  show_statfs("after a");
  // Crosses the limit: short, up to the end of the last page that fit.
  int b = open(at("b"), O_CREAT | O_RDWR, 0644);
  result("pwrite b 1M at 100", pwrite(b, buf, big, 100));
  result("pwrite b 10 at end", pwrite(b, buf, 10, 1 << 20));
  show_statfs("full");
  // Pages already there take writes; a page inside the file's size that is a hole does not.
  result("pwrite b 4096 at 0 (allocated)", pwrite(b, buf, 4096, 0));
  result("ftruncate b 10M", ftruncate(b, 10 << 20));
  printf("b blocks=%ld\n", blocks_of("b"));
  result("pwrite b 1 at 5M (hole)", pwrite(b, buf, 1, 5 << 20));
  int c = open(at("c"), O_CREAT | O_RDWR, 0644);
  result("fallocate c 64k", fallocate(c, 0, 0, 65536));
  printf("c blocks=%ld\n", blocks_of("c"));
  result("fallocate c 8M (past the size)", fallocate(c, 0, 0, 8 << 20));
  // Freeing: a punched hole, a truncation, an unlink.
  result("punch b 64k at 8k", fallocate(b, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 8192, 65536));
  show_statfs("punched");
  result("fallocate c 64k", fallocate(c, 0, 0, 65536));
  printf("c blocks=%ld\n", blocks_of("c"));
  result("fallocate c 32k more", fallocate(c, 0, 65536, 32768));
  result("ftruncate a 0", ftruncate(a, 0));
  result("fallocate c 32k more", fallocate(c, 0, 65536, 32768));
  printf("c blocks=%ld\n", blocks_of("c"));
  show_statfs("c allocated");
  close(b);
  result("unlink b (open elsewhere? no)", unlink(at("b")));
  show_statfs("b unlinked");
  int d = open(at("d"), O_CREAT | O_RDWR | O_TRUNC, 0644);
  result("write d 64k", write(d, buf, 65536));
  // An unlinked file still open keeps its pages.
  result("unlink d while open", unlink(at("d")));
  show_statfs("d unlinked, open");
  close(d);
  show_statfs("d closed");
  close(a);
  close(c);

  // Inodes: the root, a, c, then new names until ENOSPC.
  int made = 0;
  for (int i = 0; i < 100; i++) {
    char name[32];
    snprintf(name, sizeof name, "f%d", i);
    int fd = open(at(name), O_CREAT | O_WRONLY, 0644);
    if (fd < 0) {
      printf("create f%d: %s\n", i, strerrorname_np(errno));
      break;
    }
    close(fd);
    made++;
  }
  printf("created %d files\n", made);
  show_statfs("inodes full");
  char from[4096];
  snprintf(from, sizeof from, "%s/a", dir);
  result("link a a2", link(from, at("a2")));
  result("mkdir sub", mkdir(at("sub"), 0755));
  result("symlink", symlink("a", at("sym")));
  result("mkfifo", mkfifo(at("fifo"), 0644));
  result("unlink f0", unlink(at("f0")));
  result("link a a2", link(from, at("a2")));
  show_statfs("linked");
  result("mkdir sub", mkdir(at("sub"), 0755));
  result("unlink a2", unlink(at("a2")));
  result("mkdir sub", mkdir(at("sub"), 0755));
  show_statfs("end");
  return 0;
}
