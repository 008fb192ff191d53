#include "host_stat.h"

#include "host_path.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

int statxInto(int dirfd, const char* path, int flags, int64_t* o) {
  struct statx st;
  if (statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) return -errno;
  o[kStatDev] = static_cast<int64_t>((static_cast<uint64_t>(st.stx_dev_major) << 8 & 0xfff00) |
                                     (static_cast<uint64_t>(st.stx_dev_minor) & 0xff) |
                                     (static_cast<uint64_t>(st.stx_dev_minor) & ~0xffULL) << 12 |
                                     (static_cast<uint64_t>(st.stx_dev_major) & ~0xfffULL) << 32);
  o[kStatIno] = static_cast<int64_t>(st.stx_ino);
  o[kStatNlink] = st.stx_nlink;
  o[kStatMode] = st.stx_mode;
  o[kStatUid] = st.stx_uid;
  o[kStatGid] = st.stx_gid;
  o[kStatRdev] = static_cast<int64_t>((static_cast<uint64_t>(st.stx_rdev_major) << 8 & 0xfff00) |
                                      (static_cast<uint64_t>(st.stx_rdev_minor) & 0xff) |
                                      (static_cast<uint64_t>(st.stx_rdev_minor) & ~0xffULL) << 12 |
                                      (static_cast<uint64_t>(st.stx_rdev_major) & ~0xfffULL) << 32);
  o[kStatSize] = static_cast<int64_t>(st.stx_size);
  o[kStatBlksize] = st.stx_blksize;
  o[kStatBlocks] = static_cast<int64_t>(st.stx_blocks);
  auto time = [o](int at, const statx_timestamp& t) {
    o[at] = t.tv_sec;
    o[at + 1] = t.tv_nsec;
  };
  time(kStatAtimeSec, st.stx_atime);
  time(kStatMtimeSec, st.stx_mtime);
  time(kStatCtimeSec, st.stx_ctime);
  time(kStatBirthtimeSec, (st.stx_mask & STATX_BTIME) ? st.stx_btime : statx_timestamp{});
  return 0;
}

int lstatInto(const char* path, int64_t* o) {
  return statxInto(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, o);
}

}  // namespace

Napi::Value HostFstat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int fd = info[0].As<Napi::Number>().Int32Value();
  auto out = info[1].As<Napi::BigInt64Array>();
  if (out.ElementLength() < kStatSlots) {
    Napi::RangeError::New(env, "stat array too small").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, statxInto(fd, "", AT_EMPTY_PATH, out.Data()));
}

Napi::Value HostReadlink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = hostPathArgument(info[0]);
  auto out = info[1].As<Napi::Uint8Array>();
  const ssize_t n = readlink(path.c_str(), reinterpret_cast<char*>(out.Data()), out.ByteLength());
  if (n < 0) return Napi::Number::New(env, -errno);
  // A target that fills the buffer may have been cut: the caller's buffer is PATH_MAX long.
  if (static_cast<size_t>(n) == out.ByteLength()) return Napi::Number::New(env, -ENAMETOOLONG);
  return Napi::Number::New(env, static_cast<double>(n));
}

Napi::Value HostLstat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = hostPathArgument(info[0]);
  auto out = info[1].As<Napi::BigInt64Array>();
  if (out.ElementLength() < kStatSlots) {
    Napi::RangeError::New(env, "stat array too small").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, lstatInto(path.c_str(), out.Data()));
}

Napi::Value HostLstatWalk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = hostPathArgument(info[0]);
  const int64_t count = info[1].As<Napi::Number>().Int64Value();
  auto out = info[2].As<Napi::BigInt64Array>();
  if (count < 1 || out.ElementLength() < 2 * kStatSlots) {
    Napi::RangeError::New(env, "bad count or stat array too small").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // Where each of the last `count` components ends: the prefixes to look up, shortest first.
  std::vector<size_t> ends;
  size_t end = path.size();
  for (int64_t i = 0; i < count; i++) {
    if (end == 0) return Napi::Number::New(env, -1);
    const size_t slash = path.rfind('/', end - 1);
    if (slash == std::string::npos || slash + 1 == end) return Napi::Number::New(env, -1);
    ends.push_back(end);
    end = slash;
  }
  int64_t* dir = out.Data();
  int64_t* stopped = dir + kStatSlots;
  int64_t found = 0;
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
    const char saved = path[*it];
    path[*it] = '\0';
    const int r = lstatInto(path.c_str(), stopped);
    path[*it] = saved;
    if (r != 0) {
      stopped[kStatMode] = r;
      break;
    }
    if ((stopped[kStatMode] & S_IFMT) != S_IFDIR) break;
    std::memcpy(dir, stopped, kStatSlots * sizeof(int64_t));
    found++;
  }
  return Napi::Number::New(env, static_cast<double>(found));
}

Napi::Value HostUtimens(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = hostPathArgument(info[0]);
  auto times = info[1].As<Napi::BigInt64Array>();
  if (times.ElementLength() < 4) {
    Napi::RangeError::New(env, "times array too small").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t* t = times.Data();
  const struct timespec ts[2] = {{t[0], t[1]}, {t[2], t[3]}};
  return Napi::Number::New(env, utimensat(AT_FDCWD, path.c_str(), ts, 0) != 0 ? -errno : 0);
}
