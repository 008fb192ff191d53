#include "control_client.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "json.h"

namespace {

// sun_path's limit; a longer path is reached through an fd of its directory, as
// src/sandbox/socket_path.ts does.
constexpr size_t kSunPathMax = 107;

}  // namespace

int connectControl(const std::string& socketPath) {
  std::string reachable = socketPath;
  int dirFd = -1;
  if (socketPath.size() > kSunPathMax) {
    size_t slash = socketPath.rfind('/');
    dirFd = open(socketPath.substr(0, slash == 0 ? 1 : slash).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0) return -1;
    reachable = "/proc/self/fd/" + std::to_string(dirFd) + socketPath.substr(slash);
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  int sock = -1;
  if (reachable.size() < sizeof addr.sun_path) {
    memcpy(addr.sun_path, reachable.c_str(), reachable.size() + 1);
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock >= 0 && connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(sock);
      sock = -1;
    }
  }
  if (dirFd >= 0) close(dirFd);
  return sock;
}

ControlAnswer controlRequest(const std::string& socketPath, const std::string& requestJson) {
  ControlAnswer answer;
  int sock = connectControl(socketPath);
  if (sock < 0) return answer;
  answer.outcome = ControlAnswer::Outcome::NoAnswer;
  std::string line = requestJson + "\n";
  for (size_t off = 0; off < line.size();) {
    ssize_t n = send(sock, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      answer.error = std::string("write: ") + strerror(errno);
      close(sock);
      return answer;
    }
    off += static_cast<size_t>(n);
  }
  std::string buffered;
  char chunk[4096];
  for (;;) {
    ssize_t n = read(sock, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffered.append(chunk, static_cast<size_t>(n));
    for (size_t nl = buffered.find('\n'); nl != std::string::npos; nl = buffered.find('\n')) {
      std::optional<Json> reply = parseJson(std::string_view(buffered).substr(0, nl));
      buffered.erase(0, nl + 1);
      const Json* type = reply ? reply->get("type") : nullptr;
      if (!type || !type->isString() || type->text == "progress") continue;
      const Json* message = reply->get("message");
      if ((type->text == "done" || type->text == "error") && (!message || !message->isString())) continue;
      answer.outcome = ControlAnswer::Outcome::Answered;
      answer.type = type->text;
      answer.message = message && message->isString() ? message->text : "";
      // 'done' and 'error' end a request: the answer is in, whenever the sandbox gets round to
      // closing the connection (start's reply may come just before pid 1 runs on).
      if (type->text == "done" || type->text == "error") {
        close(sock);
        return answer;
      }
    }
  }
  close(sock);
  if (answer.outcome != ControlAnswer::Outcome::Answered) answer.error = "the sandbox closed the control connection without an answer";
  return answer;
}
