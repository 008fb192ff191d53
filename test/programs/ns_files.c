/* /proc/PID/ns: each link reads "type:[N]" and, followed, is the namespace's nsfs file, whose
 * inode is N (a regular file, 0444, empty, shared by parent and child); reading it is EINVAL;
 * its ioctls give the type (NS_GET_NSTYPE), the owning user namespace as a new fd
 * (NS_GET_USERNS) and refuse what lies outside (EPERM); setns into one's own namespaces
 * works but for the user namespace (EINVAL), and checks the type. The numbers themselves
 * differ from host to host and are compared, not printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void rc(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static unsigned long link_ino(const char *path, char *type) {
  char buf[128];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0) return 0;
  buf[n] = 0;
  char *open = strchr(buf, '[');
  if (!open) return 0;
  memcpy(type, buf, (size_t)(open - buf));
  type[open - buf] = 0;
  return strtoul(open + 1, 0, 10);
}

int main(void) {
  static const char *names[] = {"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children", "user", "uts", 0};
  for (int i = 0; names[i]; i++) {
    char path[64], type[64] = "";
    snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
    unsigned long ino = link_ino(path, type);
    struct stat st;
    if (stat(path, &st) < 0) {
      printf("%s: stat %s\n", names[i], strerror(errno));
      continue;
    }
    printf("%s -> %s: ino matches %d, %s mode %o size %ld nlink %ld\n", names[i], type, st.st_ino == ino,
           S_ISREG(st.st_mode) ? "regular" : "other", st.st_mode & 07777, (long)st.st_size, (long)st.st_nlink);
  }
  struct stat mine, theirs;
  stat("/proc/self/ns/net", &mine);
  pid_t child = fork();
  if (child == 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", getppid());
    stat(path, &theirs);
    _exit(theirs.st_ino == mine.st_ino && theirs.st_dev == mine.st_dev ? 0 : 1);
  }
  int status;
  waitpid(child, &status, 0);
  printf("child sees the same net namespace: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);

  int uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
  int user = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  int pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  struct stat by_fd, by_path;
  fstat(uts, &by_fd);
  stat("/proc/self/ns/uts", &by_path);
  printf("fstat matches stat: %d\n", by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev);
  char c;
  rc("read", read(uts, &c, 1));
  rc("NS_GET_NSTYPE uts is CLONE_NEWUTS", ioctl(uts, NS_GET_NSTYPE) == CLONE_NEWUTS);
  rc("NS_GET_NSTYPE user is CLONE_NEWUSER", ioctl(user, NS_GET_NSTYPE) == CLONE_NEWUSER);
  int owner = ioctl(uts, NS_GET_USERNS);
  struct stat owner_st, user_st;
  fstat(owner, &owner_st);
  fstat(user, &user_st);
  printf("NS_GET_USERNS of uts is the user namespace: %d, cloexec %d\n", owner >= 0 && owner_st.st_ino == user_st.st_ino,
         owner >= 0 && (fcntl(owner, F_GETFD) & FD_CLOEXEC) != 0);
  rc("NS_GET_USERNS of user", ioctl(user, NS_GET_USERNS));
  rc("NS_GET_PARENT of pid", ioctl(pid, NS_GET_PARENT));
  rc("NS_GET_PARENT of uts", ioctl(uts, NS_GET_PARENT));
  uid_t uid;
  rc("NS_GET_OWNER_UID of user", ioctl(user, NS_GET_OWNER_UID, &uid));
  rc("NS_GET_OWNER_UID of uts", ioctl(uts, NS_GET_OWNER_UID, &uid));
  rc("unknown request", ioctl(uts, _IO(0xb7, 0x7f)));
  rc("setns uts", setns(uts, CLONE_NEWUTS));
  rc("setns uts, any type", setns(uts, 0));
  rc("setns uts as pid", setns(uts, CLONE_NEWPID));
  rc("setns user", setns(user, CLONE_NEWUSER));
  int plain = open("/proc/self/status", O_RDONLY);
  rc("setns of a plain file", setns(plain, 0));
  rc("setns of a bad fd", setns(999, 0));
  struct stat dir;
  rc("stat ns/uts/", stat("/proc/self/ns/uts/", &dir));
  return 0;
}
