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
