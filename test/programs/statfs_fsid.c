/* statfs's f_fsid, f_flags and types: a filesystem's f_fsid is not 0 and is the same for every
 * path on it (the root's, from the host filesystem below the overlay, is the host's); proc's
 * and devpts's are their device (Linux 6.7 and later: the host must be that recent); f_flags
 * always has ST_VALID (glibc's statvfs takes f_flag from it); /dev/pts says DEVPTS_SUPER_MAGIC. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>

#define ST_VALID 0x20

static unsigned long long fsid_of(const struct statfs *s) {
  unsigned long long v;
  memcpy(&v, &s->f_fsid, sizeof v);
  return v;
}

static int get(const char *path, struct statfs *s) {
  if (statfs(path, s) == 0) return 0;
  printf("statfs %s: -1 %s\n", path, strerror(errno));
  return -1;
}

int main(void) {
  static const char *paths[] = {"/", "/usr", "/proc", "/proc/self", "/sys", "/dev", "/dev/pts", 0};
  struct statfs root;
  if (get("/", &root) < 0) return 1;
  for (int i = 0; paths[i]; i++) {
    struct statfs s;
    struct stat st;
    if (get(paths[i], &s) < 0 || stat(paths[i], &st) < 0) continue;
    printf("%s: fsid %s, %s the root's, %s its device; ST_VALID %d; namelen %ld\n", paths[i],
           fsid_of(&s) ? "set" : "0", fsid_of(&s) == fsid_of(&root) ? "same as" : "not",
           fsid_of(&s) == (unsigned long long)st.st_dev ? "is" : "is not", (s.f_flags & ST_VALID) != 0, (long)s.f_namelen);
  }
  struct statfs pts;
  if (get("/dev/pts", &pts) == 0) printf("/dev/pts type %#lx\n", (unsigned long)pts.f_type);
  struct statvfs v;
  if (statvfs("/", &v) == 0) printf("statvfs /: ST_RDONLY %d, f_fsid %s the root's statfs's\n", (int)(v.f_flag & ST_RDONLY), v.f_fsid == (unsigned long)fsid_of(&root) ? "is" : "is not");
  return 0;
}
