/* The working directory is the directory, not its name: after its parent (or itself) is renamed,
 * getcwd names the new place and relative names resolve there (also in a child made before);
 * after it is removed, getcwd fails with ENOENT and nothing can be made in it.
 * (Not here: stat and open of "." in a removed cwd, and ".." from it, which Linux allows.)
 * argv[1]: an empty writable directory. Prints names relative to it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char top[PATH_MAX];

static void where(const char *what) {
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) printf("%s: getcwd %s\n", what, strerrorname_np(errno));
  else if (strncmp(cwd, top, strlen(top)) == 0) printf("%s: getcwd DIR%s\n", what, cwd + strlen(top));
  else printf("%s: getcwd outside DIR\n", what);
}

static void exists(const char *what, const char *path) {
  printf("%s: %s\n", what, access(path, F_OK) == 0 ? "exists" : strerrorname_np(errno));
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2 || chdir(argv[1]) != 0 || !getcwd(top, sizeof top)) return printf("usage: cwd_moved DIR\n"), 2;
  if (mkdir("a", 0755) || mkdir("a/b", 0755) || chdir("a/b")) return perror("setup"), 1;
  int go[2];
  if (pipe(go)) return perror("pipe"), 1;
  pid_t child = fork();
  if (child == 0) {
    char c;
    if (read(go[0], &c, 1) != 1) _exit(1);
    where("child, after its parent's rename");
    close(open("from-child", O_CREAT | O_WRONLY, 0644));
    _exit(0);
  }
  printf("rename a -> c: %s\n", rename("../../a", "../../c") == 0 ? "ok" : strerrorname_np(errno));
  where("inside the renamed parent");
  close(open("made", O_CREAT | O_WRONLY, 0644));
  if (chdir(top)) return perror("chdir"), 1;
  exists("c/b/made", "c/b/made");
  exists("a/b/made", "a/b/made");
  if (chdir("c/b")) return perror("chdir c/b"), 1;
  printf("rename c/b -> c/d from inside: %s\n", rename("../b", "../d") == 0 ? "ok" : strerrorname_np(errno));
  where("inside the renamed directory itself");
  if (write(go[1], "x", 1) != 1) return perror("write"), 1;
  int status;
  waitpid(child, &status, 0);
  exists("the child's file in c/d", "from-child");
  if (mkdir("e", 0755) || chdir("e")) return perror("mkdir e"), 1;
  printf("renameat2 RENAME_EXCHANGE c/d <-> c/x: %s\n",
         mkdir("../../x", 0755) == 0 && syscall(SYS_renameat2, AT_FDCWD, "../../d", AT_FDCWD, "../../x", 2) == 0 ? "ok" : strerrorname_np(errno));
  where("inside a directory exchanged away");
  if (chdir(top) || mkdir("r", 0755) || chdir("r")) return perror("mkdir r"), 1;
  printf("rmdir of the cwd: %s\n", rmdir("../r") == 0 ? "ok" : strerrorname_np(errno));
  where("in the removed directory");
  char buf[PATH_MAX];
  long r = syscall(SYS_getcwd, buf, sizeof buf);
  printf("raw getcwd: %s\n", r < 0 ? strerrorname_np(errno) : "a name");
  printf("creat in it: %s\n", open("new", O_CREAT | O_WRONLY, 0644) >= 0 ? "made" : strerrorname_np(errno));
  printf("mkdir in it: %s\n", mkdir("sub", 0755) == 0 ? "made" : strerrorname_np(errno));
  printf("chdir DIR: %s\n", chdir(top) == 0 ? "ok" : strerrorname_np(errno));
  where("back at the top");
  return 0;
}
