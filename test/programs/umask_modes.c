/* umask: returns the previous mask, masks the mode of created files, directories and FIFOs
 * (not symlinks, not chmod, not an existing file opened with O_CREAT), and is inherited by a
 * child. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void mode(const char *what, const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) printf("%s: missing\n", what);
  else printf("%s: %04o\n", what, (unsigned)(st.st_mode & 07777));
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: umask_modes DIR\n"), 2;
  umask(022);
  printf("umask(077) returns %04o\n", (unsigned)umask(077));
  printf("umask(022) returns %04o\n", (unsigned)umask(022));
  close(open("f644", O_CREAT | O_WRONLY, 0666));
  mode("file 0666 under 022", "f644");
  mkdir("d755", 0777);
  mode("dir 0777 under 022", "d755");
  mkfifo("p644", 0666);
  mode("fifo 0666 under 022", "p644");
  symlink("f644", "l");
  mode("symlink under 022", "l");
  umask(077);
  close(open("f600", O_CREAT | O_WRONLY, 0666));
  mode("file 0666 under 077", "f600");
  close(open("f644", O_CREAT | O_WRONLY, 0666));
  mode("existing file opened O_CREAT under 077", "f644");
  mkdir("d700", 0777);
  mode("dir 0777 under 077", "d700");
  chmod("f600", 0666);
  mode("chmod 0666 under 077", "f600");
  umask(0);
  close(open("f666", O_CREAT | O_WRONLY, 0666));
  mode("file 0666 under 0", "f666");
  close(open("f4755", O_CREAT | O_WRONLY, 04755));
  mode("file 04755 under 0", "f4755");
  mkdir("d1777", 01777);
  mode("dir 01777 under 0", "d1777");
  umask(0277);
  close(creat("c", 0777));
  mode("creat 0777 under 0277", "c");
  printf("umask(0) returns %04o\n", (unsigned)umask(0));
  printf("umask(0177777) keeps %04o\n", (umask(0177777), (unsigned)umask(027)));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(umask(0));
  int st;
  waitpid(pid, &st, 0);
  printf("the child's umask: %04o\n", (unsigned)WEXITSTATUS(st));
  return 0;
}
