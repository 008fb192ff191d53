#include "host_stat.h"

#include "host_path.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <string>

Napi::Value HostLstat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = hostPathArgument(info[0]);
  auto out = info[1].As<Napi::BigInt64Array>();
  if (out.ElementLength() < kStatSlots) {
    Napi::RangeError::New(env, "stat array too small").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  struct statx st;
  if (statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) {
    return Napi::Number::New(env, -errno);
  }
  auto ns = [](const statx_timestamp& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000LL + t.tv_nsec; };
  int64_t* o = out.Data();
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
  o[kStatAtimeNs] = ns(st.stx_atime);
  o[kStatMtimeNs] = ns(st.stx_mtime);
  o[kStatCtimeNs] = ns(st.stx_ctime);
  o[kStatBirthtimeNs] = (st.stx_mask & STATX_BTIME) ? ns(st.stx_btime) : 0;
  return Napi::Number::New(env, 0);
}
