// Making a FIFO or a socket file in a host directory (a `--mount ...:rw` bind): Node has no
// mknod. Only these two types: devices are never made, and neither type needs a privilege.
#pragma once
#include <napi.h>

// hostMknod(path: string | Buffer, mode: number) -> 0 or -errno: mknod(2) of path with mode,
// whose type must be S_IFIFO or S_IFSOCK (-EPERM for any other). The final component is
// never followed (mknod makes it; an existing name is EEXIST).
Napi::Value HostMknod(const Napi::CallbackInfo& info);
