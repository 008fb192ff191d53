// Sending a file descriptor over a unix socket (SCM_RIGHTS), with a payload: the stub's fd
// channel (files for it to map) and the OCI console socket (a terminal's master) both do it.
#pragma once
#include <sys/types.h>

#include <cstddef>

// sendmsg of data[0, len) with fd attached, retried on EINTR; its result (< 0: errno is set).
ssize_t sendWithFd(int sock, const void* data, size_t len, int fd, int flags);
