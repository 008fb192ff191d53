/* sethostname and setdomainname: the new names in uname and /proc/sys/kernel/{hostname,
 * domainname}, a name of 64 bytes taken and 65 refused (EINVAL), a bad pointer EFAULT, and a
 * process without root's privilege refused (EPERM, checked first). Natively the program
 * first takes a UTS namespace of its own (as root), so the host's names are untouched; in
 * the sandbox that unshare is refused and the sandbox's own names change. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, int r) {
  if (r < 0) printf("%s: %s\n", what, strerrorname_np(errno));
  else printf("%s: %d\n", what, r);
}

static void show_proc(const char *path) {
  char buf[128] = {0};
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  printf("%s: %s", path, n > 0 ? buf : "(unreadable)\n");
  if (fd >= 0) close(fd);
}

int main(void) {
  (void)unshare(CLONE_NEWUTS);
  struct utsname u;
  result("sethostname box-1", sethostname("box-1", 5));
  result("setdomainname example.org", setdomainname("example.org", 11));
  uname(&u);
  printf("uname: nodename=%s domainname=%s\n", u.nodename, u.domainname);
  show_proc("/proc/sys/kernel/hostname");
  show_proc("/proc/sys/kernel/domainname");

  char long_name[66];
  memset(long_name, 'd', sizeof long_name);
  result("setdomainname of 64 bytes", setdomainname(long_name, 64));
  uname(&u);
  printf("domainname length: %zu\n", strlen(u.domainname));
  result("setdomainname of 65 bytes", setdomainname(long_name, 65));
  result("sethostname of 65 bytes", sethostname(long_name, 65));
  result("setdomainname of -1 bytes", (int)syscall(SYS_setdomainname, long_name, -1));
  result("setdomainname from a bad pointer", (int)syscall(SYS_setdomainname, 8, 4));
  result("sethostname from a bad pointer", (int)syscall(SYS_sethostname, 8, 4));
  result("setdomainname of 0 bytes", setdomainname("", 0));
  uname(&u);
  printf("empty domainname: \"%s\"\n", u.domainname);

  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    if (setresuid(1000, 1000, 1000) != 0) _exit(1);
    result("unprivileged setdomainname", setdomainname("x", 1));
    result("unprivileged sethostname of 65 bytes (EPERM first)", sethostname(long_name, 65));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child: %d\n", WEXITSTATUS(status));
  return 0;
}
