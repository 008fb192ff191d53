// Extended attributes of host files (those of `--mount ...:rw`, which live on the host's
// filesystem): Node has no calls for them. Paths follow a final symlink, as getxattr(2) does;
// names are byte strings (a string or a Buffer, as paths are: host_path.h).
#pragma once
#include <napi.h>

// hostGetxattr(path, name) -> Buffer with the value, or -errno.
Napi::Value HostGetxattr(const Napi::CallbackInfo& info);

// hostListxattr(path) -> Buffer with the NUL-terminated names, or -errno.
Napi::Value HostListxattr(const Napi::CallbackInfo& info);

// hostSetxattr(path, name, value: Uint8Array, flags) -> 0 or -errno.
Napi::Value HostSetxattr(const Napi::CallbackInfo& info);

// hostRemovexattr(path, name) -> 0 or -errno.
Napi::Value HostRemovexattr(const Napi::CallbackInfo& info);
