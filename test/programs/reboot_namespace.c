/* reboot(2) in the sandbox, which is a pid namespace of its own (sandbox-only: natively, as
 * root, this would reboot the machine). A bad magic is EINVAL, a command a pid namespace does
 * not take (CAD_ON) EINVAL; then argv[1] "restart" or "halt" ends the sandbox as if its init
 * were killed by SIGHUP or SIGINT, in a child process or pid 1 itself, and nothing after it
 * runs. Without CAP_SYS_BOOT every call is EPERM. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "-");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  show("bad magic", syscall(SYS_reboot, 0x1234, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART, 0));
  show("CAD_ON", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_ON, 0));
  if (argc < 2) return 0;
  const int cmd = strcmp(argv[1], "restart") == 0 ? LINUX_REBOOT_CMD_RESTART : LINUX_REBOOT_CMD_HALT;
  pid_t child = fork();
  if (child == 0) {
    syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, 0);
    _exit(99);
  }
  int status;
  waitpid(child, &status, 0);
  printf("after the reboot: the parent still runs\n");
  return 0;
}
