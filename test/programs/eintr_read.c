/* A signal caught during a blocking call: read of an empty pipe fails EINTR without
 * SA_RESTART ("read") and is restarted with it ("restart"); wait4 likewise ("wait");
 * nanosleep fails EINTR even with SA_RESTART and reports the time left ("sleep"). A child
 * sends SIGUSR1 after 200 ms, then writes a byte to the pipe after 600 ms and exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static void on_usr1(int sig) { caught = sig; }

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s, handler ran %s\n", what, strerrorname_np(errno), caught ? "yes" : "no");
  else printf("%s: %ld, handler ran %s\n", what, r, caught ? "yes" : "no");
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "read";
  int restart = strcmp(mode, "restart") == 0 || strcmp(mode, "sleep") == 0;
  struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = restart ? SA_RESTART : 0};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  printf("mode %s, SA_RESTART %s\n", mode, restart ? "set" : "not set");
  int p[2];
  if (pipe(p) != 0) return 1;
  fflush(stdout);
  pid_t parent = getpid(), pid = fork();
  if (pid == 0) {
    close(p[0]);
    usleep(200 * 1000);
    kill(parent, SIGUSR1);
    usleep(400 * 1000);
    _exit(write(p[1], "x", 1) == 1 ? 0 : 1);
  }
  close(p[1]);
  char c;
  int st;
  if (strcmp(mode, "sleep") == 0) {
    struct timespec req = {2, 0}, rem = {0, 0};
    result("nanosleep(2 s)", nanosleep(&req, &rem));
    printf("time left between 1 s and 2 s: %s\n", rem.tv_sec == 1 ? "yes" : "no");
  } else if (strcmp(mode, "wait") == 0) {
    pid_t r = waitpid(pid, &st, 0);
    result("waitpid", r < 0 ? -1 : r == pid ? 0 : 1);
  } else {
    result("read of the empty pipe", read(p[0], &c, 1));
  }
  caught = 0;
  result("read after that", read(p[0], &c, 1));
  result("read at the end", read(p[0], &c, 1));
  if (waitpid(pid, &st, 0) == pid) printf("child exited %d\n", WEXITSTATUS(st));
  return 0;
}
