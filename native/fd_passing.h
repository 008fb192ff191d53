// Sending a file descriptor over a unix socket (SCM_RIGHTS), with a payload: the stub's fd
// channel (files for it to map) and the OCI console socket (a terminal's master) both do it.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <string>

// sendmsg of data[0, len) with fd attached, retried on EINTR; its result (< 0: errno is set).
ssize_t sendWithFd(int sock, const void* data, size_t len, int fd, int flags);

// Connects to the unix socket at path and sends name with fd attached (the OCI console socket:
// the terminal's name as runc sends it, its master as SCM_RIGHTS); "" when sent, or why not.
std::string sendFdToSocket(const std::string& path, int fd, const std::string& name);
