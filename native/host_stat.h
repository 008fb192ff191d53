// lstat of a host path (fstat of a host fd) into a caller's array, without exceptions or a
// Stats object per call: the path walk asks the host about every component it looks up.
#pragma once
#include <napi.h>

// Slots of the BigInt64Array hostLstat fills (src/platform/host_stat.ts mirrors them). Times are
// seconds and nanoseconds apart: nanoseconds since the epoch overflow 64 bits past 2262, and
// ext4 keeps times up to 2446.
enum HostStatSlot : int {
  kStatDev, kStatIno, kStatNlink, kStatMode, kStatUid, kStatGid, kStatRdev, kStatSize,
  kStatBlksize, kStatBlocks, kStatAtimeSec, kStatAtimeNsec, kStatMtimeSec, kStatMtimeNsec,
  kStatCtimeSec, kStatCtimeNsec, kStatBirthtimeSec, kStatBirthtimeNsec, kStatSlots,
};

// hostLstat(path: string | Buffer, out: BigInt64Array) -> 0 or -errno.
Napi::Value HostLstat(const Napi::CallbackInfo& info);

// hostFstat(fd: number, out: BigInt64Array) -> 0 or -errno: the same slots for an open host fd.
Napi::Value HostFstat(const Napi::CallbackInfo& info);

// hostReadlink(path: string | Buffer, out: Uint8Array) -> the target's length in out, or -errno
// (-ENAMETOOLONG when it fills out, which may have cut it).
Napi::Value HostReadlink(const Napi::CallbackInfo& info);

// hostLstatWalk(path: string | Buffer, count: number, out: BigInt64Array) -> found, or -1 when
// path does not end in `count` components: the lstat of each path that ends at one of path's
// last `count` components, shortest first, as long as they are directories. found: how many
// were; out[0, slots): the last of them's lstat; when it stopped before the end, out[slots,
// 2 * slots): the lstat of the one it stopped at (not a directory), whose mode slot holds
// -errno when it could not be looked up.
Napi::Value HostLstatWalk(const Napi::CallbackInfo& info);

// hostUtimens(path: string | Buffer, times: BigInt64Array) -> 0 or -errno: utimensat(2) of a
// host path (following a final symlink, as utimes(2)) to times [atime sec, nsec, mtime sec,
// nsec], exact to the nanosecond (Node's fs.utimes takes seconds as a double); a nsec of UTIME_NOW
// or UTIME_OMIT means what it means to utimensat.
Napi::Value HostUtimens(const Napi::CallbackInfo& info);
