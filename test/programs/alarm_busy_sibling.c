// build: -pthread
/* An alarm interrupts a blocked call while another process or thread of the sandbox makes
 * syscalls without pause. The host raises SIGALRM itself (alarm is the stub's own timer) for
 * a thread the kernel has parked; the kernel used to look for such signals only when no
 * thread made a syscall for a while, so the waiting parent never woke (stress-ng's clone
 * stressor ran forever, and so did a tsvisor asked to stop by SIGTERM), and the host gave the
 * alarm to the busy thread instead of the main thread Linux gives it to. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t alarms, in_main;
static atomic_int stop_busy;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
  in_main = syscall(SYS_gettid) == getpid();
}

static void *busy(void *arg) {
  (void)arg;
  while (!atomic_load(&stop_busy)) syscall(SYS_getppid);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;  // no SA_RESTART: the blocked call ends with EINTR
  sigaction(SIGALRM, &sa, NULL);

  // A child process trapping without pause; the parent waits for it.
  pid_t child = fork();
  if (child == 0) {
    for (;;) syscall(SYS_getppid);
  }
  alarm(1);
  int status;
  pid_t r = waitpid(child, &status, 0);
  printf("waitpid beside a busy child: %d, %s, alarms %d\n", (int)r, r < 0 ? strerror(errno) : "-", (int)alarms);
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  printf("child: %s %d\n", WIFSIGNALED(status) ? "killed by" : "exited", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));

  // A thread trapping without pause; the main thread reads an empty pipe.
  int fds[2];
  pipe(fds);
  pthread_t t;
  pthread_create(&t, NULL, busy, NULL);
  alarm(1);
  char c;
  ssize_t n = read(fds[0], &c, 1);
  printf("read beside a busy thread: %zd, %s, alarms %d, handled in the main thread: %s\n", n, n < 0 ? strerror(errno) : "-",
         (int)alarms, in_main ? "yes" : "no");
  atomic_store(&stop_busy, 1);
  pthread_join(t, NULL);
  return 0;
}
