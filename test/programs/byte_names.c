/* Names are bytes, not UTF-8: files, directories, symlinks and their targets, a unix socket,
 * argv, the environment, AT_EXECFN and /proc/self/{cmdline,environ,cwd,exe,fd}, with bytes
 * 0x80-0xff and invalid UTF-8 (a lone lead byte, a cut sequence, an overlong '/', a surrogate's
 * encoding, U+10FFFF's bytes), each printed in hex. argv[1]: an empty writable directory;
 * argv[2]: a directory the test filled on the host (the lower layer) with such names.
 * The program re-executes itself under such a name with such arguments ("child" mode). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const NAMES[] = {
    "a\xff" "b",          /* a byte that is never UTF-8 */
    "\x80\x81\xfe",       /* continuation bytes alone, 0xfe */
    "lead\xc3",           /* a lead byte at the end */
    "cut\xe2\x82" "x",    /* a 3-byte sequence cut short */
    "over\xc0\xaf",       /* an overlong '/' */
    "sur\xed\xa0\x80",    /* a surrogate's encoding */
    "max\xf4\x8f\xbf\xbf", /* U+10FFFF: valid UTF-8 */
    "caf\xc3\xa9",        /* valid UTF-8 */
};
#define NNAMES (sizeof NAMES / sizeof NAMES[0])

static void hex(const char *label, const char *s, size_t n) {
  printf("%s ", label);
  for (size_t i = 0; i < n; i++) printf("%02x", (unsigned char)s[i]);
  printf("\n");
}

static void hexs(const char *label, const char *s) { hex(label, s, strlen(s)); }

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *what, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return (void)printf("%s: opendir: %s\n", what, strerror(errno));
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("%s: %d entries\n", what, n);
  for (int i = 0; i < n; i++) hexs("  ", names[i]), free(names[i]);
}

/* The bytes of a /proc/self file, its NULs shown as '|'. */
static void procFile(const char *file) {
  char buf[8192];
  int fd = open(file, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
  if (fd >= 0) close(fd);
  if (n < 0) return (void)printf("%s: %s\n", file, strerror(errno));
  for (ssize_t i = 0; i < n; i++) if (buf[i] == 0) buf[i] = '|';
  hex(file, buf, (size_t)n);
}

static void linkBase(const char *label, const char *path) {
  char buf[4096];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0) return (void)printf("%s: %s\n", label, strerror(errno));
  buf[n] = 0;
  const char *slash = strrchr(buf, '/');
  hexs(label, slash ? slash + 1 : buf);
}

/* argv[1] is "child". */
static int child(int argc, char **argv) {
  printf("child argc %d\n", argc);
  for (int i = 2; i < argc; i++) hexs("  argv", argv[i]);
  const char *v = getenv("BYTES");
  hexs("  env BYTES", v ? v : "(none)");
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "K\xff", 2) == 0) hexs("  env entry", *e);
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  const char *base = strrchr(execfn, '/');
  hexs("  AT_EXECFN base", base ? base + 1 : execfn);
  const char *a0 = strrchr(argv[0], '/');
  hexs("  argv[0] base", a0 ? a0 + 1 : argv[0]);
  procFile("/proc/self/environ");
  linkBase("  /proc/self/exe base", "/proc/self/exe");
  char comm[17] = {0};
  prctl(PR_GET_NAME, comm);
  hexs("  comm", comm);
  prctl(PR_SET_NAME, "n\xff\xc3" "xyz");
  memset(comm, 0, sizeof comm);
  prctl(PR_GET_NAME, comm);
  hexs("  comm set", comm);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "child") == 0) return child(argc, argv);
  if (argc < 3 || chdir(argv[1]) != 0) return printf("usage: byte_names DIR LOWERDIR\n"), 2;

  /* Create each name as a file, list them, stat them by name. */
  for (size_t i = 0; i < NNAMES; i++) {
    int fd = open(NAMES[i], O_CREAT | O_WRONLY | O_EXCL, 0644);
    if (fd < 0) { hexs("create failed", NAMES[i]); continue; }
    /* Contents with invalid UTF-8 too: read back as written. */
    if (write(fd, NAMES[i], strlen(NAMES[i])) < 0) perror("write");
    close(fd);
  }
  list("created", ".");
  for (size_t i = 0; i < NNAMES; i++) {
    struct stat st;
    char buf[64] = {0};
    int fd = open(NAMES[i], O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) close(fd);
    printf("stat %zu: %s, content %s\n", i, stat(NAMES[i], &st) == 0 ? "ok" : strerror(errno),
           n == (ssize_t)strlen(NAMES[i]) && memcmp(buf, NAMES[i], (size_t)n) == 0 ? "same" : "differs");
  }
  /* A name differing in one byte is another file. */
  printf("a\\xfe b: %s\n", access("a\xfe" "b", F_OK) == 0 ? "exists" : strerror(errno));

  /* Rename, symlink with a non-UTF-8 target, readlink, a hard link, unlink. */
  if (rename("a\xff" "b", "r\xfd") != 0) perror("rename");
  if (symlink("\x80\x81\xfe", "s\xfc") != 0) perror("symlink");
  if (link("lead\xc3", "h\xfb") != 0) perror("link");
  if (unlink("over\xc0\xaf") != 0) perror("unlink");
  char target[256];
  ssize_t n = readlink("s\xfc", target, sizeof target);
  hex("readlink", target, n < 0 ? 0 : (size_t)n);
  int via = open("s\xfc", O_RDONLY);
  printf("open through the link: %s\n", via >= 0 ? "ok" : strerror(errno));
  if (via >= 0) {
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", via);
    linkBase("/proc/self/fd base", fdpath);
    close(via);
  }
  list("after rename, symlink, link, unlink", ".");

  /* A directory of such a name: mkdir, chdir, getcwd, /proc/self/cwd, rmdir. */
  if (mkdir("d\xfa\xc3", 0755) != 0 || chdir("d\xfa\xc3") != 0) perror("mkdir/chdir");
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) {
    const char *base = strrchr(cwd, '/');
    hexs("getcwd base", base + 1);
  }
  linkBase("/proc/self/cwd base", "/proc/self/cwd");
  if (chdir("..") != 0 || rmdir("d\xfa\xc3") != 0) perror("rmdir");

  /* A unix socket bound to such a name: getsockname gives the bytes back. */
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  strcpy(sa.sun_path, "k\xf9\xe2\x82");
  if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) perror("bind");
  struct sockaddr_un got = {0};
  socklen_t len = sizeof got;
  if (getsockname(s, (struct sockaddr *)&got, &len) == 0) hexs("getsockname", got.sun_path);
  struct stat sst;
  printf("socket file: %s\n", lstat("k\xf9\xe2\x82", &sst) == 0 && S_ISSOCK(sst.st_mode) ? "a socket" : strerror(errno));
  close(s);

  /* inotify reports the name's bytes. */
  int in = inotify_init1(IN_NONBLOCK);
  inotify_add_watch(in, ".", IN_CREATE);
  close(open("i\xf8", O_CREAT | O_WRONLY, 0644));
  char ev[512] __attribute__((aligned(8)));
  ssize_t got_ev = read(in, ev, sizeof ev);
  if (got_ev > 0) hexs("inotify", ((struct inotify_event *)ev)->name);
  close(in);

  /* The host's names (the lower layer), listed, opened, read, renamed into the upper layer. */
  list("lower", argv[2]);
  char lowerFile[4096];
  snprintf(lowerFile, sizeof lowerFile, "%s/l\xff", argv[2]);
  char buf[64] = {0};
  int lf = open(lowerFile, O_RDONLY);
  ssize_t ln = lf < 0 ? -1 : read(lf, buf, sizeof buf - 1);
  if (lf >= 0) close(lf);
  if (ln >= 0) hex("lower content", buf, (size_t)ln);
  else printf("lower open: %s\n", strerror(errno));
  char lowerLink[4096];
  snprintf(lowerLink, sizeof lowerLink, "%s/sl\xfe", argv[2]);
  n = readlink(lowerLink, target, sizeof target);
  hex("lower readlink", target, n < 0 ? 0 : (size_t)n);

  /* Exec itself under a non-UTF-8 name with non-UTF-8 argv and environment. */
  char self[4096];
  ssize_t sn = readlink("/proc/self/exe", self, sizeof self - 1);
  if (sn < 0) return perror("readlink exe"), 1;
  self[sn] = 0;
  int src = open(self, O_RDONLY), dst = open("x\xf7\xc3", O_CREAT | O_WRONLY | O_TRUNC, 0755);
  char copy[65536];
  ssize_t r;
  while ((r = read(src, copy, sizeof copy)) > 0) if (write(dst, copy, (size_t)r) != r) return perror("copy"), 1;
  close(src);
  close(dst);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char *cargv[] = {"./x\xf7\xc3", "child", "\xff", "p\xe2\x82", "\xf4\x8f\xbe\x80", "", NULL};
    char *cenv[] = {"BYTES=v\xfe\xc0\xaf", "K\xff=\x80", "PLAIN=1", NULL};
    execve("./x\xf7\xc3", cargv, cenv);
    perror("execve");
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  return 0;
}
