/* Symlinks made by the program: loops fail ELOOP wherever they are followed (open, stat,
 * chdir, mkdir below, access), never for lstat/readlink; a chain of 40 links resolves and 41
 * is ELOOP; O_NOFOLLOW refuses a final symlink (O_PATH takes it). argv[1]: an empty dir. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: ok\n", what);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: symlink_loop DIR\n"), 2;
  struct stat st;
  char buf[64], name[16], target[16];
  report("symlink self -> self", symlink("self", "self"));
  symlink("b", "a");
  symlink("a", "b");
  mkdir("d", 0755);
  symlink("..", "d/up");
  report("open self", open("self", O_RDONLY));
  report("open a (a -> b -> a)", open("a", O_RDONLY));
  report("open a/x", open("a/x", O_RDONLY));
  report("open O_CREAT a", open("a", O_CREAT | O_WRONLY, 0644));
  report("stat self", stat("self", &st));
  report("lstat self", lstat("self", &st));
  printf("  lstat says symlink: %s, size %lld\n", S_ISLNK(st.st_mode) ? "yes" : "no", (long long)st.st_size);
  ssize_t n = readlink("a", buf, sizeof buf);
  printf("readlink a: \"%.*s\"\n", (int)(n > 0 ? n : 0), buf);
  report("chdir b", chdir("b"));
  report("mkdir self/x", mkdir("self/x", 0755));
  report("access a", access("a", F_OK));
  report("stat d/up/d/up/d (.. through links)", stat("d/up/d/up/d", &st));
  close(open("file", O_CREAT | O_WRONLY, 0644));
  for (int i = 0; i <= 40; i++) { /* l0 -> l1 -> ... -> l40 -> file */
    snprintf(name, sizeof name, "l%d", i);
    if (i == 40) snprintf(target, sizeof target, "file");
    else snprintf(target, sizeof target, "l%d", i + 1);
    if (symlink(target, name) != 0) return perror("symlink"), 1;
  }
  report("open l1 (40 links)", open("l1", O_RDONLY));
  report("open l0 (41 links)", open("l0", O_RDONLY));
  report("stat l0 (41 links)", stat("l0", &st));
  report("lstat l0", lstat("l0", &st));
  report("open l40 O_NOFOLLOW", open("l40", O_RDONLY | O_NOFOLLOW));
  int p = open("l40", O_PATH | O_NOFOLLOW);
  report("open l40 O_PATH|O_NOFOLLOW", p);
  fstat(p, &st);
  printf("  fstat of it says symlink: %s\n", S_ISLNK(st.st_mode) ? "yes" : "no");
  report("open file O_NOFOLLOW", open("file", O_RDONLY | O_NOFOLLOW));
  report("symlink with an empty target", symlink("", "empty"));
  report("fstatat self AT_SYMLINK_NOFOLLOW", fstatat(AT_FDCWD, "self", &st, AT_SYMLINK_NOFOLLOW));
  return 0;
}
