// The pid file's process of a created container (see keeper.h). Why it exists: the engine's
// shim learns of the container's end from this process's exit. Were it node itself, that would
// come only after node's own exit (its exit handlers, V8's teardown) and the host kernel's
// teardown of node's address space; the keeper exits as soon as node has collected the sandbox
// and written the status.
#include "keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace {

// src/oci/ready_fd.ts's READY_FD and STATUS_FD.
constexpr int kReadyFd = 3;
constexpr int kStatusFd = 4;

/** Every signal that can be caught, but SIGCHLD (the keeper's own: its child's end). */
sigset_t passedSignals() {
  sigset_t set;
  sigfillset(&set);
  sigdelset(&set, SIGKILL);
  sigdelset(&set, SIGSTOP);
  sigdelset(&set, SIGCHLD);
  return set;
}

/** Ends this process as the sandbox process ended: its exit status, or its signal. */
[[noreturn]] void endAs(int status) {
  if (!WIFSIGNALED(status)) _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
  int sig = WTERMSIG(status);
  // Dying by the same signal, without a core dump of the keeper's.
  rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
  signal(sig, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  kill(getpid(), sig);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  _exit(128 + sig);
}

[[noreturn]] void endAfterWait(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) _exit(1);
  }
  endAs(status);
}

}  // namespace

void runKeeper(const char* const argv[], int readyFd) {
  // Blocked from before the fork, so that none sent meanwhile is lost: read from a signalfd below.
  sigset_t passed = passedSignals();
  sigset_t watched = passed;
  sigaddset(&watched, SIGCHLD);
  sigprocmask(SIG_BLOCK, &watched, nullptr);
  int status[2];
  if (pipe2(status, O_CLOEXEC) != 0) {
    dprintf(readyFd, "{\"error\":\"cannot start the sandbox process: %s\",\"exitCode\":1}\n", strerror(errno));
    _exit(1);
  }
  pid_t keeper = getpid();
  pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != keeper) _exit(1);  // the keeper is already gone
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    setsid();
    // Above both targets first, so that neither dup2 overwrites the other's source.
    int ready = fcntl(readyFd, F_DUPFD_CLOEXEC, 10);
    int written = fcntl(status[1], F_DUPFD_CLOEXEC, 10);
    if (ready < 0 || written < 0 || dup2(ready, kReadyFd) < 0 || dup2(written, kStatusFd) < 0) _exit(127);
    execvp(argv[0], const_cast<char* const*>(argv));
    dprintf(kReadyFd, "{\"error\":\"cannot run node: %s\",\"exitCode\":1}\n", strerror(errno));
    _exit(127);
  }
  if (child < 0) {
    dprintf(readyFd, "{\"error\":\"cannot start the sandbox process: %s\",\"exitCode\":1}\n", strerror(errno));
    _exit(1);
  }
  close(status[1]);
  close(readyFd);
  // The container's stdio are the sandbox process's alone: the engine's copy of its output
  // ends when that process and the sandbox's are done with them.
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3 && null >= 0; fd++) dup2(null, fd);
  if (null > 2) close(null);
  int signals = signalfd(-1, &watched, SFD_CLOEXEC);
  if (signals < 0) endAfterWait(child);
  std::string line;
  bool statusOpen = true;
  for (;;) {
    pollfd fds[2] = {{signals, POLLIN, 0}, {status[0], POLLIN, 0}};
    int count = poll(fds, statusOpen ? 2 : 1, -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      endAfterWait(child);
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (read(signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        int sig = static_cast<int>(info.ssi_signo);
        if (sig != SIGCHLD) {
          kill(child, sig);
        } else {
          int s = 0;
          if (waitpid(child, &s, WNOHANG) == child) endAs(s);
        }
      }
    }
    if (statusOpen && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[64];
      ssize_t n = read(status[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        // Closed without a status: the sandbox process is ending some other way.
        statusOpen = false;
        continue;
      }
      line.append(buf, static_cast<size_t>(n));
      size_t nl = line.find('\n');
      if (nl != std::string::npos) {
        char* end = nullptr;
        long code = strtol(line.c_str(), &end, 10);
        if (end == line.c_str() + nl && code >= 0 && code <= 255) _exit(static_cast<int>(code));
        statusOpen = false;  // not a status: wait for the process's end instead
      }
    }
  }
}
