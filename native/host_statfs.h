// statfs of a host path into a caller's array: what the sandbox's statfs reports for the host
// filesystems below its overlay and binds, with the fields Node's fs.statfs leaves out
// (f_fsid, f_namelen, f_frsize, f_flags).
#pragma once
#include <napi.h>

// Slots of the BigInt64Array hostStatfs fills (src/platform/host_statfs.ts mirrors them).
enum HostStatfsSlot : int {
  kStatfsType, kStatfsBsize, kStatfsBlocks, kStatfsBfree, kStatfsBavail, kStatfsFiles, kStatfsFfree,
  kStatfsFsid, kStatfsNamelen, kStatfsFrsize, kStatfsFlags, kStatfsSlots,
};

// hostStatfs(path: string | Buffer, out: BigInt64Array) -> 0 or -errno.
Napi::Value HostStatfs(const Napi::CallbackInfo& info);
