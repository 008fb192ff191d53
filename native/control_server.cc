// See control_server.h.
#include "control_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace {

// A request line longer than this is no request of the protocol's.
constexpr size_t kMaxRequest = 65536;

struct Event {
  bool request;
  int fd;
  std::string line;
};

struct Connection {
  std::string buffered;
  // Its request line went to JavaScript: from then on only its hang-up is watched for.
  bool delivered = false;
  bool hungUp = false;
};

struct Server {
  int listenFd = -1;
  // Wakes the thread's poll: a connection ended, or the server stops.
  int wakeFd = -1;
  Napi::ThreadSafeFunction onEvent;
  pthread_t thread{};
  std::mutex mutex;
  std::vector<int> ended;  // guarded by mutex
  bool stopping = false;   // guarded by mutex
  std::map<int, Connection> connections;  // the thread's own
  // Once the server is closed (the main thread's own): the connections whose requests were
  // still being answered, left open for their answers; controlEnd closes them.
  bool closed = false;
  std::set<int> answering;
};

// The servers of this process, by id (the main thread's own).
std::map<int, std::unique_ptr<Server>> servers;
int nextServerId = 1;

void deliver(Server* s, bool request, int fd, std::string line) {
  auto* event = new Event{request, fd, std::move(line)};
  napi_status status = s->onEvent.BlockingCall(event, [](Napi::Env env, Napi::Function fn, Event* e) {
    // env is null when node is going away and the call cannot be made.
    if (env != nullptr) fn.Call({Napi::String::New(env, e->request ? "request" : "closed"), Napi::Number::New(env, e->fd), Napi::String::New(env, e->line)});
    delete e;
  });
  if (status != napi_ok) delete event;
}

void wake(Server* s) {
  uint64_t one = 1;
  while (write(s->wakeFd, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

/** Reads what a connection sent; true while it stays open. */
bool readRequest(Server* s, int fd, Connection& c) {
  char buf[4096];
  ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  c.buffered.append(buf, static_cast<size_t>(n));
  size_t nl = c.buffered.find('\n');
  if (nl == std::string::npos) return c.buffered.size() <= kMaxRequest;
  c.delivered = true;
  std::string line = c.buffered.substr(0, nl);
  c.buffered.clear();
  deliver(s, true, fd, std::move(line));
  return true;
}

void* serve(void* arg) {
  auto* s = static_cast<Server*>(arg);
  std::vector<pollfd> fds;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(s->mutex);
      for (int fd : s->ended) {
        if (s->connections.erase(fd) > 0) close(fd);
      }
      s->ended.clear();
      if (s->stopping) break;
    }
    fds.clear();
    fds.push_back({s->wakeFd, POLLIN, 0});
    fds.push_back({s->listenFd, POLLIN, 0});
    for (const auto& [fd, c] : s->connections)
      if (!c.hungUp) fds.push_back({fd, static_cast<short>(c.delivered ? POLLRDHUP : POLLIN), 0});
    if (poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR (every signal is blocked here)
    if (fds[0].revents != 0) {
      uint64_t count;
      while (read(s->wakeFd, &count, sizeof count) < 0 && errno == EINTR) {
      }
    }
    if (fds[1].revents != 0) {
      int fd = accept4(s->listenFd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) s->connections.emplace(fd, Connection{});
    }
    for (size_t i = 2; i < fds.size(); i++) {
      if (fds[i].revents == 0) continue;
      int fd = fds[i].fd;
      Connection& c = s->connections[fd];
      if (c.delivered) {
        c.hungUp = true;
        deliver(s, false, fd, "");
      } else if (!readRequest(s, fd, c)) {
        s->connections.erase(fd);
        close(fd);
      }
    }
  }
  for (const auto& [fd, c] : s->connections) {
    if (c.delivered) s->answering.insert(fd);
    else close(fd);
  }
  s->connections.clear();
  return nullptr;
}

Server* serverArg(const Napi::CallbackInfo& info) {
  auto it = servers.find(info[0].As<Napi::Number>().Int32Value());
  return it == servers.end() ? nullptr : it->second.get();
}

}  // namespace

Napi::Value ControlServe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int listenFd = info[0].As<Napi::Number>().Int32Value();
  int flags = fcntl(listenFd, F_GETFL);
  // Non-blocking: a connection gone between poll and accept must not block the thread.
  if (flags < 0 || fcntl(listenFd, F_SETFL, flags | O_NONBLOCK) != 0) return Napi::Number::New(env, -errno);
  auto s = std::make_unique<Server>();
  s->listenFd = listenFd;
  s->wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (s->wakeFd < 0) return Napi::Number::New(env, -errno);
  s->onEvent = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "tsvisor control socket", 0, 1);
  s->onEvent.Unref(env);
  // Every signal blocked in the thread: the process's signals (SIGCHLD of the tracees, the
  // engine's SIGTERM) stay node's main thread's.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int err = pthread_create(&s->thread, nullptr, serve, s.get());
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (err != 0) {
    s->onEvent.Release();
    close(s->wakeFd);
    return Napi::Number::New(env, -err);
  }
  int id = nextServerId++;
  servers.emplace(id, std::move(s));
  return Napi::Number::New(env, id);
}

Napi::Value ControlSend(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  std::string text = info[1].As<Napi::String>().Utf8Value();
  for (size_t off = 0; off < text.size();) {
    ssize_t n = send(fd, text.data() + off, text.size() - off, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Napi::Boolean::New(info.Env(), false);
    off += static_cast<size_t>(n);
  }
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value ControlEnd(const Napi::CallbackInfo& info) {
  Server* s = serverArg(info);
  int fd = info[1].As<Napi::Number>().Int32Value();
  if (s && s->closed) {
    if (s->answering.erase(fd) > 0) close(fd);
  } else if (s) {
    {
      std::lock_guard<std::mutex> lock(s->mutex);
      s->ended.push_back(fd);
    }
    wake(s);
  }
  return info.Env().Undefined();
}

Napi::Value ControlClose(const Napi::CallbackInfo& info) {
  Server* s = serverArg(info);
  if (s && !s->closed) {
    {
      std::lock_guard<std::mutex> lock(s->mutex);
      s->stopping = true;
    }
    wake(s);
    pthread_join(s->thread, nullptr);
    s->closed = true;
    close(s->listenFd);
    close(s->wakeFd);
    s->onEvent.Release();
  }
  return info.Env().Undefined();
}
