#include "host_xattr.h"

#include "host_path.h"

#include <errno.h>
#include <sys/xattr.h>

#include <string>
#include <vector>

namespace {

// Reads a value or a list whose size may change between asking and reading: ask for the
// size, read, and ask again when it grew meanwhile (ERANGE).
template <typename Read>
Napi::Value readSized(Napi::Env env, Read read) {
  for (int attempt = 0; attempt < 4; attempt++) {
    const ssize_t size = read(nullptr, 0);
    if (size < 0) return Napi::Number::New(env, -errno);
    std::vector<char> buf(static_cast<size_t>(size) + 1);
    const ssize_t n = read(buf.data(), buf.size());
    if (n >= 0) return Napi::Buffer<char>::Copy(env, buf.data(), static_cast<size_t>(n));
    if (errno != ERANGE) return Napi::Number::New(env, -errno);
  }
  return Napi::Number::New(env, -ERANGE);
}

}  // namespace

Napi::Value HostGetxattr(const Napi::CallbackInfo& info) {
  const std::string path = hostPathArgument(info[0]);
  const std::string name = hostPathArgument(info[1]);
  return readSized(info.Env(), [&](char* buf, size_t size) { return getxattr(path.c_str(), name.c_str(), buf, size); });
}

Napi::Value HostListxattr(const Napi::CallbackInfo& info) {
  const std::string path = hostPathArgument(info[0]);
  return readSized(info.Env(), [&](char* buf, size_t size) { return listxattr(path.c_str(), buf, size); });
}

Napi::Value HostSetxattr(const Napi::CallbackInfo& info) {
  const std::string path = hostPathArgument(info[0]);
  const std::string name = hostPathArgument(info[1]);
  auto value = info[2].As<Napi::Uint8Array>();
  const int flags = info[3].As<Napi::Number>().Int32Value();
  const int r = setxattr(path.c_str(), name.c_str(), value.Data(), value.ByteLength(), flags);
  return Napi::Number::New(info.Env(), r != 0 ? -errno : 0);
}

Napi::Value HostRemovexattr(const Napi::CallbackInfo& info) {
  const std::string path = hostPathArgument(info[0]);
  const std::string name = hostPathArgument(info[1]);
  return Napi::Number::New(info.Env(), removexattr(path.c_str(), name.c_str()) != 0 ? -errno : 0);
}
