/* getcwd past PATH_MAX: Linux builds the name in one 4096-byte page, so a cwd whose name with
 * its NUL is 4096 bytes is returned (ERANGE only for a short buffer), one byte longer is
 * ENAMETOOLONG whatever the buffer (glibc's getcwd(NULL, 0) relies on it, and pwd then walks
 * ".." itself). argv[1]: an empty writable directory. Prints lengths relative to PATH_MAX. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char buf[3 * 4096];
/* The lengths of the directories descend made, to remove them again (a tree this deep is more
 * than rm -rf by path, or node's rmSync, can take). */
static size_t made[64];
static int depth;

static void raw(const char *what, size_t size) {
  long r = syscall(SYS_getcwd, buf, size);
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: returns PATH_MAX%+ld\n", what, r - 4096);
}

/* Goes down into new directories until the cwd's name is `target` bytes long. */
static int descend(size_t target) {
  for (;;) {
    long len = syscall(SYS_getcwd, buf, sizeof buf);
    if (len < 0) return -1;
    size_t have = (size_t)len - 1;
    if (have == target) return 0;
    size_t name = target - have - 1;
    if (name > 200) name = 200;
    if (name == 0) return -1;
    char component[256];
    memset(component, 'd', name);
    component[name] = '\0';
    if (depth == 64 || mkdir(component, 0700) != 0 || chdir(component) != 0) return -1;
    made[depth++] = name;
  }
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: getcwd_long DIR\n"), 2;
  if (descend(4095) != 0) return perror("descend"), 1;
  raw("name of 4095 bytes, buffer 8192", 8192);
  raw("name of 4095 bytes, buffer 4096", 4096);
  raw("name of 4095 bytes, buffer 4095", 4095);
  if (mkdir("e", 0700) != 0 || chdir("e") != 0) return perror("e"), 1;
  raw("name of 4097 bytes, buffer 8192", 8192);
  raw("name of 4097 bytes, buffer 10", 10);
  errno = 0;
  char *got = getcwd(NULL, 0);
  printf("glibc getcwd(NULL, 0): %s\n", got ? "a name" : strerrorname_np(errno));
  if (got) printf("its length: PATH_MAX%+ld, ends in /e: %s\n", (long)strlen(got) - 4096, strcmp(got + strlen(got) - 2, "/e") == 0 ? "yes" : "no");
  free(got);
  if (chdir("..") != 0) return perror(".."), 1;
  raw("back up to 4095 bytes, buffer 8192", 8192);
  rmdir("e");
  while (depth > 0) {
    char component[256];
    size_t name = made[--depth];
    memset(component, 'd', name);
    component[name] = '\0';
    if (chdir("..") != 0 || rmdir(component) != 0) return perror("cleanup"), 1;
  }
  return 0;
}
