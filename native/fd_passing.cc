#include "fd_passing.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

ssize_t sendWithFd(int sock, const void* data, size_t len, int fd, int flags) {
  iovec iov{const_cast<void*>(data), len};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  ssize_t sent;
  do {
    sent = sendmsg(sock, &msg, flags);
  } while (sent < 0 && errno == EINTR);
  return sent;
}

std::string sendFdToSocket(const std::string& path, int fd, const std::string& name) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return "socket path too long";
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return std::string("socket: ") + strerror(errno);
  if (connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string why = std::string("connect: ") + strerror(errno);
    close(sock);
    return why;
  }
  ssize_t sent = sendWithFd(sock, name.data(), name.size(), fd, MSG_NOSIGNAL);
  std::string why = sent < 0 ? std::string("sendmsg: ") + strerror(errno) : std::string();
  close(sock);
  return why;
}
