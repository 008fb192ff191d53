/* execve's errors: ENOENT (missing file or #! interpreter), EACCES (no x bit, a directory),
 * ENOEXEC (no #!, empty, a bare ELF magic), ENOTDIR, ENAMETOOLONG; and a #! script run by a
 * child. argv[1]: a directory made by semantics.test.ts (see execFixture). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void try(const char *path) {
  char *av[] = {(char *)path, "x", NULL};
  execve(path, av, environ);
  if (strlen(path) > 40) printf("execve <a %zu-byte name>: %s\n", strlen(path), strerrorname_np(errno));
  else printf("execve \"%s\": %s\n", path, strerrorname_np(errno));
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: execve_errors DIR\n"), 2;
  try("./missing");
  try("./noexec");
  try("./dir");
  try("./plain");
  try("./empty");
  try("./elfmagic");
  try("./badinterp");
  try("./plain/x");
  try("./missing/x");
  try("");
  static char longname[300];
  memset(longname, 'x', 299);
  try(longname);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    try("./script");
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("script child exited %d\n", WEXITSTATUS(st));
  return 0;
}
