// lstat of a host path into a caller's array, without exceptions or a Stats object per call:
// the path walk asks the host about every component it looks up.
#pragma once
#include <napi.h>

// Slots of the BigInt64Array hostLstat fills (src/platform/host_stat.ts mirrors them).
enum HostStatSlot : int {
  kStatDev, kStatIno, kStatNlink, kStatMode, kStatUid, kStatGid, kStatRdev, kStatSize,
  kStatBlksize, kStatBlocks, kStatAtimeNs, kStatMtimeNs, kStatCtimeNs, kStatBirthtimeNs, kStatSlots,
};

// hostLstat(path: string | Buffer, out: BigInt64Array) -> 0 or -errno.
Napi::Value HostLstat(const Napi::CallbackInfo& info);

// hostLstatDirs(path: string | Buffer, count: number, out: BigInt64Array) -> n: lstat of the
// paths that end at path's last `count` components, shortest first, stopping before the first
// that cannot be looked up or is not a directory. n: how many were directories; out holds the
// lstat of the last of them (the others are not kept).
Napi::Value HostLstatDirs(const Napi::CallbackInfo& info);
