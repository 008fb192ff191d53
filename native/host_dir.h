// Listing a host directory with each entry's inode number and type in one pass (getdents64),
// as the sandbox's getdents64 needs them: Node's readdir gives no inode numbers, and an lstat
// per entry made a walk of a large tree cost one host syscall per file.
#pragma once
#include <napi.h>

// readDirectory(path: string | Buffer) -> { names: Buffer (each name's bytes, NUL-terminated), inos: BigUint64Array, types: Uint8Array } without
// "." and "..", or -errno. The directory is opened with O_NOFOLLOW.
Napi::Value ReadDirectory(const Napi::CallbackInfo& info);
