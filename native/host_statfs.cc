#include "host_statfs.h"

#include "host_path.h"

#include <errno.h>
#include <sys/vfs.h>

#include <cstring>
#include <string>

Napi::Value HostStatfs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = hostPathArgument(info[0]);
  auto out = info[1].As<Napi::BigInt64Array>();
  if (out.ElementLength() < kStatfsSlots) {
    Napi::RangeError::New(env, "statfs array too small").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  struct statfs st;
  if (statfs(path.c_str(), &st) != 0) return Napi::Number::New(env, -errno);
  int64_t* o = out.Data();
  o[kStatfsType] = st.f_type;
  o[kStatfsBsize] = st.f_bsize;
  o[kStatfsBlocks] = static_cast<int64_t>(st.f_blocks);
  o[kStatfsBfree] = static_cast<int64_t>(st.f_bfree);
  o[kStatfsBavail] = static_cast<int64_t>(st.f_bavail);
  o[kStatfsFiles] = static_cast<int64_t>(st.f_files);
  o[kStatfsFfree] = static_cast<int64_t>(st.f_ffree);
  // The two ints of f_fsid as they lie in memory: the sandbox's statfs writes them back as one 64-bit slot.
  std::memcpy(&o[kStatfsFsid], &st.f_fsid, sizeof st.f_fsid);
  o[kStatfsNamelen] = st.f_namelen;
  o[kStatfsFrsize] = st.f_frsize;
  o[kStatfsFlags] = st.f_flags;
  return Napi::Number::New(env, 0);
}
