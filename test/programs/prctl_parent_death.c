/* prctl's process attributes and what happens to orphans: PR_SET/GET_PDEATHSIG (per thread,
 * cleared in a forked child and by a change of effective uid), PR_SET/GET_CHILD_SUBREAPER (not
 * inherited), PR_SET/GET_DUMPABLE (inherited, cleared by a change of effective uid); a
 * grandchild whose parent dies gets its parent-death signal (si_code SI_USER, si_pid the dead
 * parent) and is reparented to the subreaper, which waits for it; a zombie grandchild left by
 * its dying parent is the subreaper's to reap as soon as that parent has been waited for. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_sig, got_code, got_pid;

static void on_usr1(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  got_sig = sig;
  got_code = si->si_code;
  got_pid = si->si_pid;
}

static int get_int(int option) {
  int v = -1;
  if (prctl(option, &v, 0, 0, 0) != 0) return -errno;
  return v;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("dumpable at start: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
  printf("PR_SET_DUMPABLE 2: %s\n", prctl(PR_SET_DUMPABLE, 2, 0, 0, 0) == 0 ? "ok" : strerrorname_np(errno));
  printf("PR_SET_PDEATHSIG 65: %s\n", prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0) == 0 ? "ok" : strerrorname_np(errno));
  printf("PR_GET_PDEATHSIG to a bad pointer: %s\n", prctl(PR_GET_PDEATHSIG, 8, 0, 0, 0) == 0 ? "ok" : strerrorname_np(errno));
  printf("subreaper at start: %d\n", get_int(PR_GET_CHILD_SUBREAPER));
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  printf("subreaper after set: %d\n", get_int(PR_GET_CHILD_SUBREAPER));
  prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0);
  printf("pdeathsig after set: %d\n", get_int(PR_GET_PDEATHSIG));
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  printf("dumpable after clearing: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));

  pid_t probe = fork();
  if (probe == 0) {
    printf("in a forked child: pdeathsig %d, subreaper %d, dumpable %d\n", get_int(PR_GET_PDEATHSIG),
           get_int(PR_GET_CHILD_SUBREAPER), prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
    if (setresuid(1000, 1000, 1000) != 0) _exit(1);
    printf("after setresuid: pdeathsig %d, dumpable %d\n", get_int(PR_GET_PDEATHSIG), prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
    _exit(0);
  }
  waitpid(probe, NULL, 0);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);

  /* A grandchild whose parent dies while it runs. */
  pid_t top = getpid();
  int ready[2], go[2];
  pipe(ready);
  pipe(go);
  pid_t middle = fork();
  if (middle == 0) {
    pid_t self = getpid();
    pid_t grandchild = fork();
    if (grandchild == 0) {
      struct sigaction usr = {0};
      usr.sa_sigaction = on_usr1;
      usr.sa_flags = SA_SIGINFO;
      sigaction(SIGUSR1, &usr, NULL);
      prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
      pid_t before = getppid();
      close(go[1]);
      write(ready[1], "r", 1);
      char c;
      read(go[0], &c, 1); /* EOF once the middle process is gone (this end was closed there) */
      while (!got_sig) usleep(1000);
      printf("grandchild: parent was the middle process: %s\n", before == self ? "yes" : "no");
      printf("grandchild: got signal %d, si_code %s, from the dead parent: %s\n", (int)got_sig,
             got_code == SI_USER ? "SI_USER" : "other", got_pid == before ? "yes" : "no");
      printf("grandchild: reparented to the subreaper: %s\n", getppid() == top ? "yes" : "no");
      _exit(7);
    }
    char c;
    read(ready[0], &c, 1);
    _exit(3);
  }
  close(go[0]);
  close(go[1]);
  /* Both waited for before printing: the grandchild's lines come first, whoever ends first. */
  int status, statuses[2] = {-1, -1};
  for (int i = 0; i < 2; i++) {
    pid_t w = wait(&status);
    if (w > 0) statuses[w == middle ? 0 : 1] = WEXITSTATUS(status);
  }
  printf("subreaper waited: middle, exit %d; grandchild, exit %d\n", statuses[0], statuses[1]);

  /* A zombie grandchild, left behind by its parent. */
  middle = fork();
  if (middle == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) _exit(9);
    /* Let it become a zombie, unreaped. */
    siginfo_t si;
    waitid(P_PID, grandchild, &si, WEXITED | WNOWAIT);
    _exit(4);
  }
  pid_t w = waitpid(middle, &status, 0);
  printf("subreaper waited: %s, exit %d\n", w == middle ? "middle" : "other", WEXITSTATUS(status));
  /* The zombie was handed over before its parent could be waited for. */
  w = waitpid(-1, &status, WNOHANG);
  printf("then, without waiting: %s, exit %d\n", w > 0 ? "the zombie grandchild" : "nothing", w > 0 ? WEXITSTATUS(status) : -1);
  printf("no more children: %s\n", wait(&status) < 0 && errno == ECHILD ? "ECHILD" : "more");
  return 0;
}
