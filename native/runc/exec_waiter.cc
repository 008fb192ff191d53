#include "exec_waiter.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "control_client.h"
#include "json.h"

namespace {

// The signals src/oci/exec_waiter.ts passes on (the shim signals an exec'd process through the
// pid file's process); the others keep their default action.
constexpr int kPassedOn[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
// A process killed after it started: the waiter's status when the sandbox cannot tell another.
constexpr int kKilledStatus = 137;

bool sendAll(int sock, const std::string& text) {
  for (size_t off = 0; off < text.size();) {
    ssize_t n = send(sock, text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

/** src/cli/run.ts's exitCodeOf. */
int exitCodeOf(long waitStatus) {
  long sig = waitStatus & 0x7f;
  return sig == 0 ? static_cast<int>((waitStatus >> 8) & 0xff) : static_cast<int>(128 + sig);
}

}  // namespace

int runExecWaiter(int sock, const std::string& socketPath, const std::string& request, bool terminal,
                  const std::function<void(const std::optional<std::string>& error, int exitCode)>& ready) {
  // Opening a terminal without O_NOCTTY makes it a session leader's controlling terminal, so
  // that the engine's resizes reach this process as SIGWINCH (not a session leader: nothing).
  if (terminal) {
    int fd = open("/proc/self/fd/0", O_RDWR | O_CLOEXEC);
    if (fd >= 0) close(fd);
  }
  // As node's waiter: a write to a reader gone is an error, not the end of the waiter.
  signal(SIGPIPE, SIG_IGN);
  sigset_t passed;
  sigemptyset(&passed);
  for (int sig : kPassedOn) sigaddset(&passed, sig);
  sigprocmask(SIG_BLOCK, &passed, nullptr);
  int signals = signalfd(-1, &passed, SFD_CLOEXEC);

  long pid = 0;
  std::optional<std::string> error;
  std::optional<long> waitStatus;
  if (!sendAll(sock, request + ",\"stdioFrom\":" + std::to_string(getpid()) + "}\n"))
    error = std::string("cannot reach the container: write ") + (strerrorname_np(errno) ?: "error");
  // Connections of passed-on signals, closed once answered (their answers are not waited for).
  std::vector<int> pending;
  std::string buffered;
  char chunk[4096];
  while (!error && !waitStatus) {
    std::vector<pollfd> fds = {{sock, POLLIN, 0}, {signals, POLLIN, 0}};
    for (int fd : pending) fds.push_back({fd, POLLIN, 0});
    if (poll(fds.data(), signals < 0 ? 1 : fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      error = std::string("cannot reach the container: poll ") + strerror(errno);
      break;
    }
    for (size_t i = 2; i < fds.size(); i++) {
      if (fds[i].revents == 0) continue;
      close(fds[i].fd);
      std::erase(pending, fds[i].fd);
    }
    if (signals >= 0 && fds[1].revents != 0) {
      signalfd_siginfo info{};
      if (read(signals, &info, sizeof info) == sizeof info) {
        int sig = static_cast<int>(info.ssi_signo);
        // A terminal's hang-up is the sandbox's terminal's to tell; before the process runs
        // there is no one to pass a signal on to.
        if (pid != 0 && !(terminal && sig == SIGHUP)) {
          int conn = connectControl(socketPath);
          if (conn >= 0 && sendAll(conn, "{\"op\":\"signal\",\"pid\":" + std::to_string(pid) + ",\"signal\":" + std::to_string(sig) + "}\n"))
            pending.push_back(conn);
          else if (conn >= 0)
            close(conn);
        }
      }
    }
    if (fds[0].revents == 0) continue;
    ssize_t n = read(sock, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("cannot reach the container: read ") + (strerrorname_np(errno) ?: "error");
      break;
    }
    if (n == 0) {
      error = "cannot reach the container: the sandbox closed the control connection without an answer";
      break;
    }
    buffered.append(chunk, static_cast<size_t>(n));
    for (size_t nl = buffered.find('\n'); nl != std::string::npos && !error && !waitStatus; nl = buffered.find('\n')) {
      std::optional<Json> reply = parseJson(std::string_view(buffered).substr(0, nl));
      buffered.erase(0, nl + 1);
      const Json* type = reply ? reply->get("type") : nullptr;
      if (!type || !type->isString()) continue;
      const Json* number = reply->get(type->text == "started" ? "pid" : "waitStatus");
      const Json* message = reply->get("message");
      if (type->text == "started" && number && number->kind == Json::Kind::Number) {
        pid = static_cast<long>(number->number);
        ready(std::nullopt, 0);
      } else if (type->text == "exited" && number && number->kind == Json::Kind::Number) {
        waitStatus = static_cast<long>(number->number);
      } else if (type->text == "error" && message && message->isString()) {
        error = message->text;
      } else if ((type->text == "done" && message && message->isString()) || (type->text == "pids" && reply->get("pids") && reply->get("pids")->kind == Json::Kind::Array)) {
        error = "unexpected answer " + type->text;
      }
    }
  }
  close(sock);
  for (int fd : pending) close(fd);
  if (waitStatus) return exitCodeOf(*waitStatus);
  if (pid == 0) ready(error, 1);
  return pid == 0 ? 1 : kKilledStatus;
}
