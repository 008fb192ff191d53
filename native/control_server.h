// The control socket's server side, served by a thread of its own instead of node:net (whose
// modules, stream, cluster, child_process and dgram with it, cost an OCI sandbox process ~4 ms
// of CPU between create and start, the time the engine's `start` may wait for). The thread
// accepts connections, reads each one's request line and hands it to JavaScript; it then
// watches the connection for its requester hanging up. JavaScript answers on the connection's
// fd (controlSend) and ends it (controlEnd); only the thread closes connections, so an fd
// number is never reused under JavaScript's feet.
#pragma once

#include <napi.h>

// controlServe(listenFd, onEvent) -> a server id (> 0), or -errno. onEvent('request', fd, line)
// for each connection's first line (a connection that closes before one, or sends more than
// 64 KiB without one, is dropped); onEvent('closed', fd, '') when a connection that sent its
// request hangs up. The server does not keep node's event loop alive.
Napi::Value ControlServe(const Napi::CallbackInfo& info);
// controlSend(fd, text) -> whether all of it was sent at once (a requester that does not read
// its answers is not waited for: the caller ends the connection).
Napi::Value ControlSend(const Napi::CallbackInfo& info);
// controlEnd(serverId, fd): the connection is done; the server's thread closes it (after
// controlClose, controlEnd itself).
Napi::Value ControlEnd(const Napi::CallbackInfo& info);
// controlClose(serverId): stops the thread and closes the listening socket and the connections
// that sent no request yet; those being answered stay open until their controlEnd (a
// checkpoint that stops the sandbox answers after the sandbox has ended).
Napi::Value ControlClose(const Napi::CallbackInfo& info);
