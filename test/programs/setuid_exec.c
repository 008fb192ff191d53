/* Set-user-ID and set-group-ID programs: exec of a copy of this program owned by another user
 * with S_ISUID runs with that effective uid (the saved uid follows, the real one stays), with
 * AT_SECURE set and the process undumpable; S_ISGID counts only with group execute permission;
 * no_new_privs makes the bits count for nothing; any exec resets the saved ids to the
 * effective ones; a set-user-ID-root program run by another user gets root's capabilities.
 * Run as root (it makes the copies). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char copy[] = "/tmp/setuid_exec.XXXXXX";

static void report(void) {
  uid_t r, e, s;
  gid_t rg, eg, sg;
  getresuid(&r, &e, &s);
  getresgid(&rg, &eg, &sg);
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  syscall(SYS_capget, &h, d);
  printf("    uids %d %d %d, gids %d %d %d, AT_SECURE %lu, dumpable %d, effective chown %s\n", r, e, s, rg, eg, sg,
         getauxval(AT_SECURE), prctl(PR_GET_DUMPABLE), (d[0].effective >> CAP_CHOWN) & 1 ? "yes" : "no");
}

/* Copies this program to `copy` with the given owner and mode. */
static void make_copy(uid_t uid, gid_t gid, mode_t mode) {
  int in = open("/proc/self/exe", O_RDONLY);
  unlink(copy);
  int out = open(copy, O_WRONLY | O_CREAT | O_EXCL, 0700);
  struct stat st;
  fstat(in, &st);
  sendfile(out, in, NULL, st.st_size);
  close(in);
  fchown(out, uid, gid);
  fchmod(out, mode); /* after fchown, which clears set-ID bits */
  close(out);
}

/* In a child: become (uid, gid), optionally set no_new_privs, exec the copy in report mode. */
static void run_as(const char *title, uid_t uid, gid_t gid, int nnp) {
  printf("%s:\n", title);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) _exit(2);
    if (nnp) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    execl(copy, copy, "report", (char *)NULL);
    printf("    exec: %s\n", strerror(errno));
    _exit(1);
  }
  int st;
  waitpid(pid, &st, 0);
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 1) {
    report();
    return 0;
  }
  int fd = mkstemp(copy);
  close(fd);
  make_copy(1234, 4321, 04755);
  run_as("set-user-ID 1234, run by 1000", 1000, 1000, 0);
  run_as("the same with no_new_privs", 1000, 1000, 1);
  printf("PR_GET_NO_NEW_PRIVS at first: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  make_copy(1234, 4321, 02755);
  run_as("set-group-ID 4321, run by 1000", 1000, 1000, 0);
  make_copy(1234, 4321, 02745);
  run_as("set-group-ID without group execute", 1000, 1000, 0);
  make_copy(0, 0, 04755);
  run_as("set-user-ID root, run by 1000", 1000, 1000, 0);
  make_copy(0, 0, 0755);
  printf("exec after seteuid(1000) (saved uid 0 before):\n");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    seteuid(1000);
    execl(copy, copy, "report", (char *)NULL);
    _exit(1);
  }
  waitpid(pid, NULL, 0);
  unlink(copy);
  return 0;
}
