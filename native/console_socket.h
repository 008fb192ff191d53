// Pseudo-terminals for OCI --console-socket: a host pty whose master goes to the engine over a
// unix socket (SCM_RIGHTS) and whose slave becomes the container's stdio.
#pragma once
#include <napi.h>

// openPty() -> { master, slave } (host fds, close-on-exec, slave opened O_NOCTTY), or throws.
Napi::Value OpenPty(const Napi::CallbackInfo& info);
// sendFd(socketPath, fd, name) -> "" on success, else the reason.
Napi::Value SendFd(const Napi::CallbackInfo& info);
