#include "stub_fd_channel.h"

#include "fd_passing.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

bool createStubChannel(int* kernelEnd, int* stubEnd) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) != 0) return false;
  *kernelEnd = pair[0];
  *stubEnd = pair[1];
  return true;
}

Napi::Value ChannelSend(const Napi::CallbackInfo& info) {
  const int channel = info[0].As<Napi::Number>().Int32Value();
  const int fd = info[1].As<Napi::Number>().Int32Value();
  const char byte = 0;
  ssize_t n = sendWithFd(channel, &byte, 1, fd, MSG_DONTWAIT | MSG_NOSIGNAL);
  return Napi::Number::New(info.Env(), n < 0 ? -errno : 0);
}

Napi::Value ChannelDrain(const Napi::CallbackInfo& info) {
  const int stubEnd = info[0].As<Napi::Number>().Int32Value();
  int dropped = 0;
  for (;;) {
    char byte;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(stubEnd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    dropped++;
    for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
      int fd;
      memcpy(&fd, CMSG_DATA(cm), sizeof fd);
      close(fd);
    }
  }
  return Napi::Number::New(info.Env(), dropped);
}
