/* TCP over loopback: recvfrom and recvmsg store no sender's name (a bad address is never
 * touched, the length becomes 0); MSG_ERRQUEUE finds the error queue empty (EAGAIN) with data waiting;
 * sendmsg takes SCM_RIGHTS and SCM_CREDENTIALS on an inet socket and ignores them, even with a
 * bad fd and a control length that is not a multiple of 8. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &alen)) return 1;
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(c, (struct sockaddr *)&a, sizeof a)) return 1;
  int s = accept(l, NULL, NULL);

  // SCM_RIGHTS with fd 999 (none) and cmsg_len 20 = controllen: taken, ignored.
  char cbuf[64];
  memset(cbuf, 0, sizeof cbuf);
  struct cmsghdr *cm = (struct cmsghdr *)cbuf;
  cm->cmsg_len = sizeof(struct cmsghdr) + 4;
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  *(int *)CMSG_DATA(cm) = 999;
  struct iovec iov = {"hello", 5};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = cm->cmsg_len};
  result("sendmsg with SCM_RIGHTS of a bad fd", sendmsg(c, &mh, 0));
  char buf[16];
  usleep(50000);
  result("recv(MSG_ERRQUEUE) with data waiting", recv(s, buf, sizeof buf, MSG_ERRQUEUE | MSG_DONTWAIT));
  socklen_t fromlen = 16;
  result("recvfrom into a bad address", recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)8, &fromlen));
  printf("address length after: %u\n", fromlen);
  send(c, "again", 5, 0);
  usleep(50000);
  struct sockaddr_in from;
  struct iovec riov = {buf, sizeof buf};
  struct msghdr rh = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &riov, .msg_iovlen = 1};
  result("recvmsg with room for a name", recvmsg(s, &rh, 0));
  printf("msg_namelen after: %u\n", rh.msg_namelen);
  return 0;
}
