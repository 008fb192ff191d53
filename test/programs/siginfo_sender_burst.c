/* Several children send the parent bursts of a standard signal with kill(2): each delivery's
 * siginfo names one of them (si_code SI_USER, si_pid a child's pid), never an unknown sender,
 * however the sends and deliveries interleave (a standard signal sent while one is pending
 * merges with it; one sent right after a delivery is a delivery of its own). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 4
#define SENDS 300

static pid_t kids[CHILDREN];
static volatile int deliveries, unknown, not_user;

static void on_usr1(int sig, siginfo_t *si, void *ctx) {
  (void)sig, (void)ctx;
  deliveries++;
  if (si->si_code != SI_USER) not_user++;
  int known = 0;
  for (int i = 0; i < CHILDREN; i++) known |= si->si_pid == kids[i];
  if (!known) unknown++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  pid_t parent = getpid();
  int go[2];
  if (pipe(go) != 0) return 1;
  for (int i = 0; i < CHILDREN; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      // Not before the parent knows every child's pid.
      char c;
      close(go[1]);
      if (read(go[0], &c, 1) != 0) _exit(1);
      for (int n = 0; n < SENDS; n++) {
        kill(parent, SIGUSR1);
        if (n % 16 == 0) usleep(100);
      }
      _exit(0);
    }
  }
  close(go[1]);
  int left = CHILDREN;
  while (left > 0) {
    if (waitpid(-1, NULL, 0) > 0) left--;
  }
  printf("deliveries: %s\n", deliveries > 0 ? "some" : "none");
  printf("from an unknown sender: %d\n", unknown);
  printf("not SI_USER: %d\n", not_user);
  return 0;
}
