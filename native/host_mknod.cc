#include "host_mknod.h"

#include "host_path.h"

#include <errno.h>
#include <sys/stat.h>

#include <string>

Napi::Value HostMknod(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = hostPathArgument(info[0]);
  const mode_t mode = static_cast<mode_t>(info[1].As<Napi::Number>().Uint32Value());
  if ((mode & S_IFMT) != S_IFIFO && (mode & S_IFMT) != S_IFSOCK) return Napi::Number::New(env, -EPERM);
  return Napi::Number::New(env, mknod(path.c_str(), mode, 0) != 0 ? -errno : 0);
}
