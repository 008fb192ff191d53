#include "host_dir.h"

#include "host_path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

}  // namespace

Napi::Value ReadDirectory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = hostPathArgument(info[0]);
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Napi::Number::New(env, -errno);
  std::string names;  // each name's bytes and a NUL: names are bytes, not UTF-8
  std::vector<uint64_t> inos;
  std::vector<uint8_t> types;
  alignas(LinuxDirent64) char buf[32768];
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return Napi::Number::New(env, -err);
    }
    if (n == 0) break;
    for (long at = 0; at < n;) {
      auto* d = reinterpret_cast<LinuxDirent64*>(buf + at);
      at += d->d_reclen;
      if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0) continue;
      names.append(d->d_name, strlen(d->d_name) + 1);
      inos.push_back(d->d_ino);
      types.push_back(d->d_type);
    }
  }
  close(fd);
  auto jsNames = Napi::Buffer<char>::Copy(env, names.data(), names.size());
  auto jsInos = Napi::BigUint64Array::New(env, inos.size());
  if (!inos.empty()) memcpy(jsInos.Data(), inos.data(), inos.size() * sizeof(uint64_t));
  auto jsTypes = Napi::Uint8Array::New(env, types.size());
  if (!types.empty()) memcpy(jsTypes.Data(), types.data(), types.size());
  Napi::Object out = Napi::Object::New(env);
  out.Set("names", jsNames);
  out.Set("inos", jsInos);
  out.Set("types", jsTypes);
  return out;
}
