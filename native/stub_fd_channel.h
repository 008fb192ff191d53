// The channel through which the kernel hands host fds to stub processes (files to map, so
// that processes share the host's page cache instead of each getting a copy): a datagram
// socketpair. Every stub holds one end at kChannelFd and takes an fd with an injected
// recvmsg; the kernel sends on the other end, and keeps a copy of the stub's end to drain
// a message no stub took (its thread died before its recvmsg ran).
#pragma once
#include <napi.h>

// The host fd number at which every stub holds its end of the channel.
constexpr int kChannelFd = 5;

// Creates the pair, both ends close-on-exec; false (errno set) on failure.
bool createStubChannel(int* kernelEnd, int* stubEnd);

// channelSend(kernelEnd, fd) -> 0 or -errno: queues one message carrying fd.
Napi::Value ChannelSend(const Napi::CallbackInfo& info);
// channelDrain(stubEnd) -> messages dropped: empties the queue, closing the fds it held.
Napi::Value ChannelDrain(const Napi::CallbackInfo& info);
