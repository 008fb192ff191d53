/* The signals a call raises for its caller come from the caller itself: SIGPIPE of a write to
 * a pipe without readers, of a send on a socket whose peer is gone and of splice into such a
 * pipe, and SIGXFSZ of a write past RLIMIT_FSIZE are SI_USER with the caller's pid and uid,
 * as Linux's send_sig(sig, current, 0) makes them. argv[1]: an empty writable directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t seen_code = -99, seen_pid, seen_uid;

static void on_signal(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)context;
  seen_code = info->si_code;
  seen_pid = info->si_pid;
  seen_uid = (int)info->si_uid;
}

static void report(const char *what) {
  printf("%-32s si_code %d, si_pid %s, si_uid %s\n", what, (int)seen_code, seen_pid == getpid() ? "the caller's" : "another",
         seen_uid == (int)getuid() ? "the caller's" : "another");
  seen_code = -99;
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return printf("usage: self_signal_info DIR\n"), 2;
  struct sigaction sa = {0};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGPIPE, &sa, NULL);
  sigaction(SIGXFSZ, &sa, NULL);

  int p[2];
  if (pipe(p) != 0) return 1;
  close(p[0]);
  if (write(p[1], "x", 1) != -1) return 1;
  report("write to a readerless pipe");

  int s[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) return 1;
  close(s[1]);
  if (send(s[0], "x", 1, 0) != -1) return 1;
  report("send to a closed peer");

  int in = open("in", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(in, "abc", 3) != 3) return 1;
  loff_t off = 0;
  if (splice(in, &off, p[1], NULL, 3, 0) != -1) return 1;
  report("splice into a readerless pipe");

  struct rlimit rl = {4, RLIM_INFINITY};
  setrlimit(RLIMIT_FSIZE, &rl);
  int f = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (write(f, "1234", 4) != 4 || write(f, "5", 1) != -1) return 1;
  rl.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_FSIZE, &rl);
  report("write past RLIMIT_FSIZE");
  return 0;
}
