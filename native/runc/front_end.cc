// tsvisor-runc's front-end: the executable the engines call as their runtime (runc's command
// line). It answers the short commands of a container's life itself (create, start, state,
// kill, delete, pause, resume), from the runtime's state files and the sandbox's control
// socket, so that each costs a few milliseconds instead of a node start-up; everything else,
// and any case it does not take on (an error to word, hooks to run, a console socket...), it
// hands to the node runtime (bin/tsvisor-runc-node.cjs) by exec'ing node with the same argv, before
// doing anything. create starts the sandbox process (node) itself and waits for its readiness
// line. What it reads and sends mirrors src/oci (container_state.ts, the commands) and
// src/sandbox (registry.ts, control_protocol.ts); test/integration/oci_front_end.test.ts checks
// that the two agree.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control_client.h"
#include "console.h"
#include "exec_request.h"
#include "exec_waiter.h"
#include "json.h"
#include "runtime_log.h"

namespace {

// src/oci/spec_version.ts's OCI_SPEC_VERSION (the test compares `state` with node's).
constexpr const char* kOciSpecVersion = "1.0.2";
constexpr int kSigKill = 9;
// The fd the sandbox process writes its readiness line on (src/oci/detached_spawn.ts's READY_FD).
constexpr int kReadyFd = 3;
// How long delete waits for a killed sandbox process (as the node runtime: 10 s).
constexpr int kStopWaitMs = 10000;

char** gArgv;

/** bin/tsvisor-runc-node.cjs of this build (build/Release/tsvisor_runc), or "" when it cannot tell. */
std::string scriptPath() {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "";
  exe[n] = 0;
  return std::filesystem::path(exe).parent_path().parent_path().parent_path() / "bin" / "tsvisor-runc-node.cjs";
}

/** Hands the whole command to the node runtime, whose behaviour it is. */
[[noreturn]] void runNode() {
  std::string script = scriptPath();
  std::vector<char*> argv = {const_cast<char*>("node"), script.data()};
  for (char** a = gArgv + 1; *a; a++) argv.push_back(*a);
  argv.push_back(nullptr);
  execvp("node", argv.data());
  dprintf(2, "tsvisor-runc: cannot run node: %s\n", strerror(errno));
  _exit(127);
}

/** path.normalize of node (posix). */
std::string normalizePath(const std::string& p) {
  bool absolute = !p.empty() && p[0] == '/';
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string part = p.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!absolute) parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); k++) out += (k ? "/" : "") + parts[k];
  if (out.empty()) out = ".";
  if (p.size() > 1 && p.back() == '/' && out != "/") out += '/';
  return out;
}

std::string joinPath(const std::string& a, const std::string& b) {
  return normalizePath(a + "/" + b);
}

/** path.resolve of one path. */
std::optional<std::string> resolvePath(const std::string& p) {
  if (!p.empty() && p[0] == '/') {
    std::string n = normalizePath(p);
    return n.size() > 1 && n.back() == '/' ? n.substr(0, n.size() - 1) : n;
  }
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return std::nullopt;
  return resolvePath(std::string(cwd) + "/" + p);
}

bool validId(const std::string& id) {
  if (id.empty() || id.size() > 128 || !isalnum(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '+' && c != '-') return false;
  return true;
}

std::optional<std::string> readFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

/** A process's start time from /proc/PID/stat; with live, null for a zombie too. */
std::optional<std::string> startTimeOf(long pid, bool live) {
  if (pid <= 0) return std::nullopt;
  std::optional<std::string> stat = readFile("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  size_t paren = stat->rfind(')');
  if (paren == std::string::npos || paren + 2 > stat->size()) return std::nullopt;
  std::vector<std::string> fields;
  size_t i = paren + 2;
  while (i <= stat->size() && fields.size() <= 19) {
    size_t j = stat->find(' ', i);
    if (j == std::string::npos) j = stat->size();
    fields.push_back(stat->substr(i, j - i));
    i = j + 1;
  }
  if (fields.empty() || (live && (fields[0] == "Z" || fields[0] == "X"))) return std::nullopt;
  if (fields.size() <= 19) return std::nullopt;
  return fields[19];
}

void removeTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

/**
 * The readiness line of a detached child (src/oci/detached_spawn.ts: {"ok":true} or
 * {"error":...,"exitCode":N}) read from fd, with its newline; or the error line of a child that
 * ended without one. It ends at the line, at the end of the pipe, or at the child's exit (its
 * pidfd: a process it started may still hold the pipe's other end). Closes fd.
 */
std::string awaitReadiness(pid_t child, int fd) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  std::string line;
  char buf[4096];
  bool exited = false;
  while (line.find('\n') == std::string::npos) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
    int count = poll(fds, exited || pidfd < 0 ? 1 : 2, exited ? 0 : -1);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;  // exited, and nothing more to read
    if (fds[0].revents == 0) {
      exited = true;
      continue;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  if (pidfd >= 0) close(pidfd);
  close(fd);
  if (line.find('\n') != std::string::npos) return line;
  // No line: the child died before it was ready.
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const char* sig = WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : nullptr;
  std::string how = WIFSIGNALED(status) ? "SIG" + std::string(sig ? sig : "UNKNOWN") : "status " + std::to_string(WEXITSTATUS(status));
  return "{\"error\":" + jsonQuote("the sandbox process ended (" + how + ") before it was ready") + ",\"exitCode\":1}\n";
}

/** A pid file as runc writes it: the number alone, atomically (false: errno says why). */
bool writePidFile(const std::string& file, pid_t pid) {
  std::string tmp = file + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  std::string text = std::to_string(pid);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return close(fd) == 0 && ok && rename(tmp.c_str(), file.c_str()) == 0;
}

/** As node's spawn (libuv) leaves a child: default dispositions, nothing blocked. */
void resetSignals() {
  for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

/** A closed stdio fd becomes /dev/null, as node's spawn makes it ('ignore'). */
void fillClosedStdio() {
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) >= 0) continue;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0 && null != fd) {
      dup2(null, fd);
      close(null);
    }
  }
}

struct Globals {
  std::string root;
  RuntimeLog log;
};

/** runc's global flags (src/oci/runtime_options.ts); nothing when node must word a problem. */
std::optional<size_t> parseGlobals(int argc, char** argv, Globals& g) {
  int i = 1;
  for (; i < argc; i++) {
    std::string a = argv[i];
    size_t eq = a.find('=');
    bool hasInline = a.rfind("--", 0) == 0 && eq != std::string::npos && eq > 0;
    std::string name = hasInline ? a.substr(0, eq) : a;
    std::optional<std::string> value;
    auto takeValue = [&]() -> bool {
      if (hasInline) value = a.substr(eq + 1);
      else if (i + 1 < argc) value = argv[++i];
      return value && !value->empty();
    };
    if (name == "--root") {
      if (!takeValue()) return std::nullopt;
      g.root = *value;
    } else if (name == "--log") {
      if (!takeValue()) return std::nullopt;
      g.log.file = *value;
    } else if (name == "--log-format") {
      if (!takeValue() || (*value != "text" && *value != "json")) return std::nullopt;
      g.log.json = *value == "json";
    } else if (name == "--debug") {
      g.log.debug = true;
    } else if (name == "--systemd-cgroup" || name == "--rootless" || name == "--no-new-keyring") {
      if (!hasInline && i + 1 < argc && (strcmp(argv[i + 1], "true") == 0 || strcmp(argv[i + 1], "false") == 0)) i++;
    } else if (name == "--criu") {
      if (!takeValue()) return std::nullopt;
    } else {
      break;
    }
  }
  if (g.root.empty()) {
    // src/sandbox/state_root.ts's default; a user without XDG_RUNTIME_DIR is node's to work out.
    const char* xdg = getenv("XDG_RUNTIME_DIR");
    if (getuid() == 0) g.root = "/run/tsvisor";
    else if (xdg && *xdg) g.root = joinPath(xdg, "tsvisor");
    else return std::nullopt;
  }
  return static_cast<size_t>(i);
}

struct CommandArgs {
  std::set<std::string> bools;
  std::map<std::string, std::string> strings;
  std::vector<std::string> positionals;
};

/**
 * A command's flags as src/oci/command_args.ts parses them. kinds: flag -> true for a boolean
 * flag, false for one with a value; nothing when node must word a problem.
 */
std::optional<CommandArgs> parseCommandArgs(const std::vector<std::string>& args, const std::map<std::string, bool>& kinds,
                                            const std::map<std::string, std::string>& aliases = {}) {
  CommandArgs out;
  size_t i = 0;
  for (; i < args.size(); i++) {
    const std::string& a = args[i];
    if (a == "--") {
      i++;
      break;
    }
    if (a.empty() || a[0] != '-' || a == "-") break;
    size_t eq = a.find('=');
    std::string raw = eq != std::string::npos && eq > 0 ? a.substr(0, eq) : a;
    raw.erase(0, raw.rfind("--", 0) == 0 ? 2 : 1);
    auto alias = aliases.find(raw);
    std::string name = alias == aliases.end() ? raw : alias->second;
    auto kind = kinds.find(name);
    if (kind == kinds.end()) return std::nullopt;
    std::optional<std::string> inlineValue;
    if (eq != std::string::npos && eq > 0) inlineValue = a.substr(eq + 1);
    if (kind->second) {
      if (!inlineValue || *inlineValue == "true") out.bools.insert(name);
      continue;
    }
    if (!inlineValue && i + 1 >= args.size()) return std::nullopt;
    out.strings[name] = inlineValue ? *inlineValue : args[++i];
  }
  out.positionals.assign(args.begin() + static_cast<long>(i), args.end());
  return out;
}

/** The one container id of a command, valid; nothing otherwise (node words the error). */
std::optional<std::string> onlyId(const CommandArgs& p) {
  if (p.positionals.size() != 1 || !validId(p.positionals[0])) return std::nullopt;
  return p.positionals[0];
}

/** A container's record (src/oci/container_state.ts's ContainerRecordSchema), checked. */
struct Record {
  Json doc;
  long pid = 0;
  std::string startTime;
  std::string status;
  bool hasPoststop = false;

  std::string field(const char* name) const { return doc.get(name)->text; }
  /** As ContainerStore.status: 'stopped' once the sandbox process is gone. */
  std::string liveStatus() const { return startTimeOf(pid, true) == startTime ? status : "stopped"; }
};

enum class RecordLoad { Missing, Unsupported, Ok };

/** Missing: no record file. Unsupported: one that node must judge (malformed, or beyond this reader). */
RecordLoad loadRecord(const Globals& g, const std::string& id, Record& r) {
  std::optional<std::string> text = readFile(joinPath(joinPath(joinPath(g.root, ".oci"), id), "container.json"));
  if (!text) return errno == ENOENT ? RecordLoad::Missing : RecordLoad::Unsupported;
  std::optional<Json> doc = parseJson(*text);
  if (!doc || doc->kind != Json::Kind::Object) return RecordLoad::Unsupported;
  for (const char* name : {"id", "bundle", "rootfs", "startTime", "created", "owner", "status"}) {
    const Json* v = doc->get(name);
    if (!v || !v->isString()) return RecordLoad::Unsupported;
  }
  const Json* pid = doc->get("pid");
  const Json* annotations = doc->get("annotations");
  if (!pid || !pid->isInteger() || !annotations || annotations->kind != Json::Kind::Object) return RecordLoad::Unsupported;
  for (const auto& [key, value] : annotations->members) {
    // JavaScript orders integer-like keys first (and __proto__ is special): node's to print.
    bool index = !key.empty() && key.size() < 10 && key.find_first_not_of("0123456789") == std::string::npos && (key == "0" || key[0] != '0');
    if (!value.isString() || index || key == "__proto__") return RecordLoad::Unsupported;
  }
  const Json* status = doc->get("status");
  if (status->text != "creating" && status->text != "created" && status->text != "running" && status->text != "paused") return RecordLoad::Unsupported;
  const Json* poststop = doc->get("poststop");
  if (poststop && poststop->kind != Json::Kind::Array) return RecordLoad::Unsupported;
  r.hasPoststop = poststop && !poststop->items.empty();
  r.pid = static_cast<long>(pid->number);
  r.startTime = doc->get("startTime")->text;
  r.status = status->text;
  r.doc = std::move(*doc);
  return RecordLoad::Ok;
}

class Runtime {
 public:
  Runtime(Globals g, std::string command, std::vector<std::string> args) : g_(std::move(g)), command_(std::move(command)), args_(std::move(args)) {}

  /** The exit code, or nothing: node's to do. */
  std::optional<int> run() {
    if (command_ == "create") return create();
    if (command_ == "start") return start();
    if (command_ == "state") return state();
    if (command_ == "kill") return kill();
    if (command_ == "delete") return remove();
    if (command_ == "pause" || command_ == "resume") return pauseOrResume();
    if (command_ == "exec") return exec();
    return std::nullopt;
  }

 private:
  Globals g_;
  std::string command_;
  std::vector<std::string> args_;

  std::string socketOf(const std::string& id) const { return joinPath(joinPath(g_.root, id), "control.sock"); }

  void debugCommand() const {
    std::string line = command_;
    line += ' ';
    for (size_t i = 0; i < args_.size(); i++) line += (i ? " " : "") + args_[i];
    g_.log.debugLine(line);
  }

  /** An error as the node runtime reports it (src/oci/oci_main.ts): the log, and stderr when it is free. */
  int fail(const std::string& message, int code = 1) const {
    g_.log.error(message);
    bool quiet = command_ == "create" || command_ == "exec";
    if (!g_.log.file.empty() && !quiet) dprintf(2, "%s\n", message.c_str());
    return code;
  }

  /** A request's outcome as RuntimeContext.request gives it: 0, an error, or nothing (node's). */
  std::optional<int> request(const std::string& id, const std::string& json) {
    ControlAnswer a = controlRequest(socketOf(id), json);
    switch (a.outcome) {
      case ControlAnswer::Outcome::Unreachable:
        return std::nullopt;
      case ControlAnswer::Outcome::NoAnswer:
        return fail("cannot reach container " + id + ": " + a.error);
      case ControlAnswer::Outcome::Answered:
        break;
    }
    return a.type == "error" ? fail(a.message) : 0;
  }

  std::optional<int> start() {
    std::optional<CommandArgs> p = parseCommandArgs(args_, {});
    std::optional<std::string> id = p ? onlyId(*p) : std::nullopt;
    Record r;
    if (!id || loadRecord(g_, *id, r) != RecordLoad::Ok || r.liveStatus() != "created") return std::nullopt;
    debugCommand();
    return request(*id, R"({"op":"start"})");
  }

  std::optional<int> pauseOrResume() {
    std::optional<CommandArgs> p = parseCommandArgs(args_, {});
    std::optional<std::string> id = p ? onlyId(*p) : std::nullopt;
    Record r;
    if (!id || loadRecord(g_, *id, r) != RecordLoad::Ok || r.liveStatus() != (command_ == "pause" ? "running" : "paused")) return std::nullopt;
    debugCommand();
    return request(*id, "{\"op\":" + jsonQuote(command_) + "}");
  }

  std::optional<int> state() {
    std::optional<CommandArgs> p = parseCommandArgs(args_, {});
    std::optional<std::string> id = p ? onlyId(*p) : std::nullopt;
    Record r;
    if (!id || loadRecord(g_, *id, r) != RecordLoad::Ok) return std::nullopt;
    debugCommand();
    // JSON.stringify(ContainerStore.state(record), null, 2)
    std::string status = r.liveStatus();
    std::string out = "{\n  \"ociVersion\": " + jsonQuote(kOciSpecVersion) + ",\n  \"id\": " + jsonQuote(r.field("id")) +
                      ",\n  \"pid\": " + std::to_string(status == "stopped" ? 0 : r.pid) + ",\n  \"status\": " + jsonQuote(status) +
                      ",\n  \"bundle\": " + jsonQuote(r.field("bundle")) + ",\n  \"rootfs\": " + jsonQuote(r.field("rootfs")) +
                      ",\n  \"created\": " + jsonQuote(r.field("created")) + ",\n  \"owner\": " + jsonQuote(r.field("owner")) +
                      ",\n  \"annotations\": {";
    const Json* annotations = r.doc.get("annotations");
    for (size_t i = 0; i < annotations->members.size(); i++)
      out += (i ? ",\n    " : "\n    ") + jsonQuote(annotations->members[i].first) + ": " + jsonQuote(annotations->members[i].second.text);
    out += annotations->members.empty() ? "}\n}\n" : "\n  }\n}\n";
    for (size_t off = 0; off < out.size();) {
      ssize_t n = write(1, out.data() + off, out.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(std::string("write: ") + strerror(errno));
      off += static_cast<size_t>(n);
    }
    return 0;
  }

  /** src/oci/signal_names.ts: a number, or a name with or without SIG, any case. */
  static std::optional<int> parseSignal(std::string text) {
    static const char* const kNames[] = {"HUP",  "INT",  "QUIT", "ILL",  "TRAP", "ABRT", "BUS",  "FPE",    "KILL", "USR1", "SEGV",
                                         "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
                                         "URG",  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR",  "SYS"};
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
      if (text.size() > 2) return std::nullopt;
      int n = std::stoi(text);
      return n >= 1 && n <= 64 ? std::optional<int>(n) : std::nullopt;
    }
    for (char& c : text) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
    if (text.rfind("SIG", 0) == 0) text.erase(0, 3);
    for (int i = 0; i < static_cast<int>(sizeof kNames / sizeof kNames[0]); i++)
      if (text == kNames[i]) return i + 1;
    return std::nullopt;  // aliases and real-time names: node's
  }

  std::optional<int> kill() {
    std::optional<CommandArgs> p = parseCommandArgs(args_, {{"all", true}}, {{"a", "all"}});
    if (!p || p->positionals.empty() || p->positionals.size() > 2 || !validId(p->positionals[0])) return std::nullopt;
    const std::string& id = p->positionals[0];
    std::optional<int> sig = parseSignal(p->positionals.size() > 1 ? p->positionals[1] : "SIGTERM");
    Record r;
    if (!sig || loadRecord(g_, id, r) != RecordLoad::Ok) return std::nullopt;
    std::string status = r.liveStatus();
    if (status == "stopped" || status == "creating") return std::nullopt;
    debugCommand();
    std::string json = "{\"op\":\"kill\",\"signal\":" + std::to_string(*sig) + ",\"all\":" + (p->bools.count("all") ? "true" : "false") + "}";
    ControlAnswer a = controlRequest(socketOf(id), json);
    if (a.outcome == ControlAnswer::Outcome::Unreachable) return std::nullopt;
    if (a.outcome == ControlAnswer::Outcome::Answered && a.type != "error") return 0;
    // A sandbox process that cannot answer still dies by SIGKILL (and its sandbox with it).
    if (*sig == kSigKill) {
      if (::kill(static_cast<pid_t>(r.pid), kSigKill) == 0) return 0;
      return fail(errno == ESRCH ? "kill ESRCH" : errno == EPERM ? "kill EPERM" : std::string("kill ") + strerror(errno));
    }
    return fail(a.outcome == ControlAnswer::Outcome::Answered ? a.message : "cannot reach container " + id + ": " + a.error);
  }

  /** Kills the container's sandbox process and waits for it to end (its pidfd: no polling loop). */
  bool killAndWait(const std::string& id, const Record& r) {
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(r.pid), 0));
    if (pidfd < 0 || startTimeOf(r.pid, true) != r.startTime) {
      if (pidfd >= 0) close(pidfd);
      return startTimeOf(r.pid, true) != r.startTime;
    }
    ControlAnswer a = controlRequest(socketOf(id), "{\"op\":\"kill\",\"signal\":9,\"all\":true}");
    if (a.outcome != ControlAnswer::Outcome::Answered || a.type == "error") syscall(SYS_pidfd_send_signal, pidfd, kSigKill, nullptr, 0);
    pollfd pfd{pidfd, POLLIN, 0};
    timespec until{};
    clock_gettime(CLOCK_MONOTONIC, &until);
    long deadline = until.tv_sec * 1000 + until.tv_nsec / 1000000 + kStopWaitMs;
    for (;;) {
      timespec now{};
      clock_gettime(CLOCK_MONOTONIC, &now);
      long left = deadline - (now.tv_sec * 1000 + now.tv_nsec / 1000000);
      if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) >= 0 || errno != EINTR) break;
    }
    close(pidfd);
    return startTimeOf(r.pid, true) != r.startTime;
  }

  /** registry.read(id) of src/sandbox/registry.ts: a stale sandbox entry goes. */
  void cleanRegistryEntry(const std::string& id) {
    std::string dir = joinPath(g_.root, id);
    std::optional<std::string> text = readFile(joinPath(dir, "sandbox.json"));
    std::optional<Json> entry = text ? parseJson(*text) : std::nullopt;
    const Json* pid = entry ? entry->get("pid") : nullptr;
    const Json* startTime = entry ? entry->get("startTime") : nullptr;
    if (!pid || !pid->isInteger() || pid->number <= 0 || !startTime || !startTime->isString()) {
      // Half-written by a sandbox still starting, or left by a crash: stale if old.
      struct stat st {};
      if (stat(dir.c_str(), &st) == 0 && time(nullptr) - st.st_mtim.tv_sec > 10) removeTree(dir);
      return;
    }
    if (startTimeOf(static_cast<long>(pid->number), false) != startTime->text) removeTree(dir);
  }

  std::optional<int> remove() {
    std::optional<CommandArgs> p = parseCommandArgs(args_, {{"force", true}}, {{"f", "force"}});
    std::optional<std::string> id = p ? onlyId(*p) : std::nullopt;
    if (!id) return std::nullopt;
    bool force = p->bools.count("force") > 0;
    Record r;
    RecordLoad load = loadRecord(g_, *id, r);
    if (load == RecordLoad::Missing && force) {
      debugCommand();
      return 0;
    }
    if (load != RecordLoad::Ok || r.hasPoststop) return std::nullopt;
    std::string status = r.liveStatus();
    if ((status == "running" || status == "paused") && !force) return std::nullopt;
    debugCommand();
    if (status != "stopped" && !killAndWait(*id, r)) return fail("container " + *id + " did not stop");
    removeTree(joinPath(joinPath(g_.root, ".oci"), *id));
    cleanRegistryEntry(*id);
    return 0;
  }

  /**
   * src/oci/commands/create.ts without a console socket: the sandbox process (node), detached
   * in its own session with the runtime's stdio, checks the bundle, claims the id and holds
   * pid 1; its readiness line on fd 3 ends the wait.
   */
  std::optional<int> create() {
    std::optional<CommandArgs> p = parseCommandArgs(
        args_, {{"bundle", false}, {"pid-file", false}, {"console-socket", false}, {"no-pivot", true}, {"no-new-keyring", true}, {"preserve-fds", false}, {"detach", true}, {"keep", true}},
        {{"b", "bundle"}, {"d", "detach"}});
    std::optional<std::string> id = p ? onlyId(*p) : std::nullopt;
    if (!id || p->strings.count("console-socket")) return std::nullopt;
    std::optional<std::string> bundle = resolvePath(p->strings.count("bundle") ? p->strings["bundle"] : ".");
    std::optional<std::string> pidFile;
    if (p->strings.count("pid-file")) pidFile = resolvePath(p->strings["pid-file"]);
    if (!bundle || (p->strings.count("pid-file") && !pidFile)) return std::nullopt;
    std::string script = scriptPath();
    if (script.empty()) return std::nullopt;
    debugCommand();
    std::string log = "{\"format\":" + jsonQuote(g_.log.json ? "json" : "text") + ",\"debug\":" + (g_.log.debug ? "true" : "false") +
                      (g_.log.file.empty() ? "" : ",\"file\":" + jsonQuote(g_.log.file)) + "}";
    std::string payload = "{\"launch\":{\"stateRoot\":" + jsonQuote(g_.root) + ",\"id\":" + jsonQuote(*id) + ",\"bundle\":" + jsonQuote(*bundle) +
                          ",\"startNow\":false,\"console\":\"none\"},\"log\":" + log + "}";
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return fail(std::string("cannot start the sandbox process: ") + strerror(errno));
    pid_t child = fork();
    if (child < 0) return fail(std::string("cannot start the sandbox process: ") + strerror(errno));
    if (child == 0) {
      resetSignals();
      setsid();
      fillClosedStdio();
      if (dup2(ready[1], kReadyFd) < 0) _exit(127);
      const char* argv[] = {"node", script.c_str(), "__oci-sandbox", payload.c_str(), nullptr};
      execvp("node", const_cast<char* const*>(argv));
      dprintf(kReadyFd, "{\"error\":%s,\"exitCode\":1}\n", jsonQuote(std::string("cannot run node: ") + strerror(errno)).c_str());
      _exit(127);
    }
    close(ready[1]);
    std::string line = awaitReadiness(child, ready[0]);
    size_t nl = line.find('\n');
    std::optional<Json> report = parseJson(std::string_view(line).substr(0, nl));
    const Json* ok = report ? report->get("ok") : nullptr;
    if (!(ok && ok->kind == Json::Kind::Bool && ok->boolean)) {
      // A sandbox process that died after claiming the id leaves a record no live process
      // stands for: a failed create leaves no container.
      Record left;
      if (loadRecord(g_, *id, left) == RecordLoad::Ok && left.status == "creating" && left.liveStatus() == "stopped")
        removeTree(joinPath(joinPath(g_.root, ".oci"), *id));
      if (!report) return fail("the sandbox process failed to start: " + line.substr(0, nl));
      const Json* error = report->get("error");
      const Json* exitCode = report->get("exitCode");
      return fail(error && error->isString() ? error->text : "the sandbox process failed to start",
                  exitCode && exitCode->isInteger() ? static_cast<int>(exitCode->number) : 1);
    }
    if (pidFile && !writePidFile(*pidFile, child)) return fail(std::string("writing the pid file: ") + strerror(errno));
    return 0;
  }

  /**
   * src/oci/commands/exec.ts for the engines' form, `exec --process FILE [--detach]
   * [--pid-file F] [--console-socket S] ID` (the shim's): the waiter (exec_waiter.cc) is a fork
   * of this process, not node (without --detach, this process). Everything else (a command line instead of a process file, the
   * other flags, a file node would refuse, a container that is not created or running) is node's.
   */
  std::optional<int> exec() {
    std::optional<CommandArgs> p = parseCommandArgs(args_, {{"process", false}, {"detach", true}, {"pid-file", false}, {"console-socket", false}},
                                                    {{"p", "process"}, {"d", "detach"}});
    std::optional<std::string> id = p ? onlyId(*p) : std::nullopt;
    if (!id || !p->strings.count("process")) return std::nullopt;
    Record r;
    if (loadRecord(g_, *id, r) != RecordLoad::Ok) return std::nullopt;
    std::string status = r.liveStatus();
    if (status != "created" && status != "running") return std::nullopt;
    std::optional<std::string> text = readFile(p->strings["process"]);
    std::optional<Json> spec = text && validUtf8(*text) ? parseJson(*text) : std::nullopt;
    bool terminal = false;
    std::optional<std::string> request = spec ? execRequestOf(*spec, terminal) : std::nullopt;
    if (!request) return std::nullopt;
    bool detach = p->bools.count("detach") > 0;
    bool hasSocket = p->strings.count("console-socket") > 0;
    // What node refuses (a terminal detached without a socket, a socket without a terminal) is
    // its to word; a socket in the foreground is its too (its waiter keeps the runtime's stdio).
    if (hasSocket ? !(terminal && detach) : terminal && detach) return std::nullopt;
    std::optional<std::string> socket;
    if (hasSocket) socket = resolvePath(p->strings["console-socket"]);
    std::optional<std::string> pidFile;
    if (p->strings.count("pid-file")) pidFile = resolvePath(p->strings["pid-file"]);
    if ((hasSocket && (!socket || socket->size() >= sizeof(sockaddr_un::sun_path))) || (p->strings.count("pid-file") && !pidFile)) return std::nullopt;
    int sock = connectControl(socketOf(*id));
    if (sock < 0) return std::nullopt;
    debugCommand();
    int slave = -1;
    if (socket) {
      std::optional<std::string> why = consoleForSocket(*socket, slave);
      if (why) {
        close(sock);
        return fail(*why);
      }
    }
    if (!detach) {
      // The waiter is this process (its stdio the process's), as node's runtime is.
      std::optional<std::string> failed;
      int code = runExecWaiter(sock, socketOf(*id), *request, terminal, [&](const std::optional<std::string>& error, int) { failed = error; });
      return failed ? fail(*failed, code) : code;
    }
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return fail(std::string("cannot start the exec waiter: ") + strerror(errno));
    pid_t child = fork();
    if (child < 0) return fail(std::string("cannot start the exec waiter: ") + strerror(errno));
    if (child == 0) {
      // Detached (its own session; reparented to the engine's shim, a subreaper, when this
      // process exits), with the runtime's stdio or the terminal's slave.
      close(ready[0]);
      resetSignals();
      setsid();
      if (slave >= 0) {
        for (int fd = 0; fd < 3; fd++) dup2(slave, fd);
        close(slave);
      }
      fillClosedStdio();
      _exit(runExecWaiter(sock, socketOf(*id), *request, terminal, [&](const std::optional<std::string>& error, int exitCode) {
        std::string line = error ? "{\"error\":" + jsonQuote(*error) + ",\"exitCode\":" + std::to_string(exitCode) + "}\n" : "{\"ok\":true}\n";
        if (ready[1] < 0) return;
        if (write(ready[1], line.data(), line.size()) < 0) {
          // the runtime command is gone: nobody to tell
        }
        close(ready[1]);
        ready[1] = -1;
      }));
    }
    close(ready[1]);
    close(sock);
    if (slave >= 0) close(slave);
    std::string line = awaitReadiness(child, ready[0]);
    std::optional<Json> report = parseJson(std::string_view(line).substr(0, line.find('\n')));
    const Json* ok = report ? report->get("ok") : nullptr;
    if (!(ok && ok->kind == Json::Kind::Bool && ok->boolean)) {
      const Json* error = report ? report->get("error") : nullptr;
      const Json* exitCode = report ? report->get("exitCode") : nullptr;
      return fail(error && error->isString() ? error->text : "the exec waiter failed to start",
                  exitCode && exitCode->isInteger() ? static_cast<int>(exitCode->number) : 1);
    }
    if (pidFile && !writePidFile(*pidFile, child)) return fail(std::string("writing the pid file: ") + strerror(errno));
    return 0;
  }
};

}  // namespace

int main(int argc, char** argv) {
  gArgv = argv;
  // Node parses this CA bundle before any JavaScript runs (~45 ms where the host sets it), and
  // the runtime's node processes never use TLS; a container's environment is config.json's.
  unsetenv("NODE_EXTRA_CA_CERTS");
  Globals g;
  std::optional<size_t> next = parseGlobals(argc, argv, g);
  if (!next || *next >= static_cast<size_t>(argc)) runNode();
  std::vector<std::string> args(argv + *next + 1, argv + argc);
  Runtime runtime(std::move(g), argv[*next], std::move(args));
  std::optional<int> code = runtime.run();
  if (!code) runNode();
  return *code;
}
