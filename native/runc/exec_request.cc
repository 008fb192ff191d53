#include "exec_request.h"

#include <cstdint>
#include <set>
#include <string_view>

namespace {

// src/kernel/task/capabilities.ts's CAP_NAMES: a capability's number is its index.
constexpr const char* kCapNames[] = {
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
    "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
    "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
    "CHECKPOINT_RESTORE",
};

bool isBool(const Json* v) { return v && v->kind == Json::Kind::Bool; }

/** zod's int with a minimum of 0 (and a maximum). */
bool isCount(const Json* v, double max = 9007199254740991.0) { return v && v->isInteger() && v->number >= 0 && v->number <= max; }
bool isUint32(const Json* v) { return isCount(v, 4294967295.0); }

/** absent, or an array each of whose items passes item. */
template <typename F>
bool optionalArrayOf(const Json* v, F item) {
  if (!v) return true;
  if (v->kind != Json::Kind::Array) return false;
  for (const Json& i : v->items)
    if (!item(i)) return false;
  return true;
}

bool isStringItem(const Json& v) { return v.isString(); }

std::string number(double n) { return std::to_string(static_cast<uint64_t>(n)); }

/** A list of capability names as a mask (unknown names left out). */
uint64_t maskOf(const Json* names) {
  uint64_t mask = 0;
  if (!names) return 0;
  for (const Json& name : names->items) {
    std::string_view n = name.text;
    if (n.substr(0, 4) == "CAP_") n.remove_prefix(4);
    for (size_t cap = 0; cap < sizeof kCapNames / sizeof kCapNames[0]; cap++)
      if (n == kCapNames[cap]) mask |= uint64_t{1} << cap;
  }
  return mask;
}

std::string stringArray(const Json* v) {
  std::string out = "[";
  if (v)
    for (size_t i = 0; i < v->items.size(); i++) out += (i ? "," : "") + jsonQuote(v->items[i].text);
  return out + "]";
}

}  // namespace

std::optional<std::string> execRequestOf(const Json& spec, bool& terminal) {
  if (spec.kind != Json::Kind::Object) return std::nullopt;
  const Json* term = spec.get("terminal");
  const Json* consoleSize = spec.get("consoleSize");
  const Json* user = spec.get("user");
  const Json* args = spec.get("args");
  const Json* env = spec.get("env");
  const Json* cwd = spec.get("cwd");
  const Json* caps = spec.get("capabilities");
  const Json* rlimits = spec.get("rlimits");
  const Json* noNewPrivileges = spec.get("noNewPrivileges");
  if ((term && !isBool(term)) || (noNewPrivileges && !isBool(noNewPrivileges))) return std::nullopt;
  if (consoleSize && (consoleSize->kind != Json::Kind::Object || !isUint32(consoleSize->get("height")) || !isUint32(consoleSize->get("width"))))
    return std::nullopt;
  if (!user || user->kind != Json::Kind::Object || !isUint32(user->get("uid")) || !isUint32(user->get("gid"))) return std::nullopt;
  if ((user->get("umask") && !isUint32(user->get("umask"))) || !optionalArrayOf(user->get("additionalGids"), [](const Json& g) { return isUint32(&g); }))
    return std::nullopt;
  if (!args || args->items.empty() || !optionalArrayOf(args, isStringItem)) return std::nullopt;
  if (!optionalArrayOf(env, [](const Json& e) { return e.isString() && e.text.find('=') != std::string::npos; })) return std::nullopt;
  if (!cwd || !cwd->isString() || cwd->text.empty() || cwd->text[0] != '/') return std::nullopt;
  static const char* const kSets[] = {"bounding", "effective", "inheritable", "permitted", "ambient"};
  if (caps) {
    if (caps->kind != Json::Kind::Object) return std::nullopt;
    for (const char* set : kSets)
      if (!optionalArrayOf(caps->get(set), isStringItem)) return std::nullopt;
  }
  if (!optionalArrayOf(rlimits, [](const Json& l) {
        return l.kind == Json::Kind::Object && l.get("type") && l.get("type")->isString() && isCount(l.get("hard")) && isCount(l.get("soft"));
      }))
    return std::nullopt;
  terminal = term && term->boolean;
  std::string out = "{\"op\":\"exec\",\"args\":" + stringArray(args) + ",\"env\":" + stringArray(env) + ",\"cwd\":" + jsonQuote(cwd->text) +
                    ",\"uid\":" + number(user->get("uid")->number) + ",\"gid\":" + number(user->get("gid")->number) + ",\"groups\":[";
  if (const Json* groups = user->get("additionalGids"))
    for (size_t i = 0; i < groups->items.size(); i++) out += (i ? "," : "") + number(groups->items[i].number);
  out += "]";
  if (caps) {
    // What Linux would refuse to set is not set: effective beyond permitted, ambient beyond both.
    uint64_t permitted = maskOf(caps->get("permitted"));
    uint64_t inheritable = maskOf(caps->get("inheritable"));
    out += ",\"caps\":{\"bounding\":" + std::to_string(maskOf(caps->get("bounding"))) +
           ",\"effective\":" + std::to_string(maskOf(caps->get("effective")) & permitted) + ",\"permitted\":" + std::to_string(permitted) +
           ",\"inheritable\":" + std::to_string(inheritable) + ",\"ambient\":" + std::to_string(maskOf(caps->get("ambient")) & permitted & inheritable) +
           ",\"securebits\":0}";
  }
  if (noNewPrivileges && noNewPrivileges->boolean) out += ",\"noNewPrivs\":true";
  if (terminal) out += ",\"terminal\":true";
  return out;
}
