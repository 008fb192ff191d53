/* /proc/self/maps names a file mapping's device and inode as stat gives them (lsof and pmap
 * match mappings to files by them; the sandbox's were all "00:00 0"), and a part of a file
 * mapping that the program mapped anonymous memory over (as ld.so does for a library's .bss)
 * is no longer the file's: no name, no device, no inode. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The maps line of the range starting at addr: its offset, device, inode and name. */
static int line_at(void *addr, char *offset, unsigned *major, unsigned *minor, unsigned long *ino, char *name) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[1024];
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long start;
    name[0] = 0;
    if (sscanf(line, "%lx-%*x %*s %16s %x:%x %lu %511s", &start, offset, major, minor, ino, name) >= 5 && start == (unsigned long)addr) {
      found = 1;
      break;
    }
  }
  fclose(f);
  return found;
}

static void show(const char *what, void *addr, const struct stat *st) {
  char offset[17], name[512];
  unsigned major, minor;
  unsigned long ino;
  if (!line_at(addr, offset, &major, &minor, &ino, name)) {
    printf("%-28s no line\n", what);
    return;
  }
  int same = st && major == major(st->st_dev) && minor == minor(st->st_dev) && ino == st->st_ino;
  printf("%-28s offset %s device and inode %s name %s\n", what, offset,
         same ? "the file's" : (major == 0 && minor == 0 && ino == 0 ? "none" : "other"), name[0] ? strrchr(name, '/') + 1 : "(none)");
}

int main(int argc, char **argv) {
  (void)argc;
  int fd = open(argv[0], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return perror("open"), 1;
  long page = sysconf(_SC_PAGESIZE);
  char *map = mmap(NULL, 4 * page, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return perror("mmap"), 1;
  show("file mapping", map, &st);
  /* The last two pages become anonymous memory, as a .bss after a library's data. */
  if (mmap(map + 2 * page, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) return perror("mmap fixed"), 1;
  show("its first pages", map, &st);
  show("anonymous over its end", map + 2 * page, NULL);
  char *again = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, page);
  show("a mapping at offset 1 page", again, &st);
  return 0;
}
