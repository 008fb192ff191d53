/* Joining a multicast group on a network that is lo alone (libuv's udp_multicast_join failed in
 * the sandbox where Linux, in such a namespace, makes it skip): a join that names no interface
 * leaves it to routing, which has no route for the group: ENODEV, for IPv4 (ip_mreq and
 * ip_mreqn) and IPv6; a join on lo (by address or index 1) is accepted; another index is ENODEV;
 * a short option is EINVAL. Sending to the group without a route is ENETUNREACH.
 * Natively the program first moves into a new network namespace with lo up (as netlink_route.c),
 * so both runs see the same network (in the sandbox unshare fails and its network is that). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void fresh_network(void) {
  if (unshare(CLONE_NEWNET) != 0) return;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq r;
  memset(&r, 0, sizeof r);
  strcpy(r.ifr_name, "lo");
  ioctl(s, SIOCGIFFLAGS, &r);
  r.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &r) != 0) perror("SIOCSIFFLAGS");
  close(s);
}

static const char *err(int r) { return r == 0 ? "0" : strerrorname_np(errno); }

int main(void) {
  fresh_network();
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ip_mreq m;
  memset(&m, 0, sizeof m);
  inet_pton(AF_INET, "239.255.0.1", &m.imr_multiaddr);
  printf("IPv4 join, no interface: %s\n", err(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m)));
  printf("IPv4 join, short option: %s\n", err(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, 4)));
  inet_pton(AF_INET, "127.0.0.1", &m.imr_interface);
  printf("IPv4 join on 127.0.0.1: %s\n", err(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m)));
  struct ip_mreqn mn;
  memset(&mn, 0, sizeof mn);
  inet_pton(AF_INET, "239.255.0.2", &mn.imr_multiaddr);
  printf("IPv4 join (ip_mreqn), no interface: %s\n", err(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mn, sizeof mn)));
  mn.imr_ifindex = 1;
  printf("IPv4 join (ip_mreqn) on index 1: %s\n", err(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mn, sizeof mn)));
  mn.imr_ifindex = 7;
  inet_pton(AF_INET, "239.255.0.3", &mn.imr_multiaddr);
  printf("IPv4 join (ip_mreqn) on index 7: %s\n", err(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mn, sizeof mn)));
  struct sockaddr_in group = {.sin_family = AF_INET, .sin_port = htons(9123)};
  inet_pton(AF_INET, "239.255.0.1", &group.sin_addr);
  printf("IPv4 send to the group: %s\n", err(sendto(s, "x", 1, 0, (struct sockaddr *)&group, sizeof group) == 1 ? 0 : -1));

  int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct ipv6_mreq m6;
  memset(&m6, 0, sizeof m6);
  inet_pton(AF_INET6, "ff02::1:3", &m6.ipv6mr_multiaddr);
  printf("IPv6 join, no interface: %s\n", err(setsockopt(s6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof m6)));
  printf("IPv6 join, short option: %s\n", err(setsockopt(s6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, 16)));
  m6.ipv6mr_interface = 1;
  printf("IPv6 join on index 1: %s\n", err(setsockopt(s6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof m6)));
  m6.ipv6mr_interface = 7;
  inet_pton(AF_INET6, "ff02::1:4", &m6.ipv6mr_multiaddr);
  printf("IPv6 join on index 7: %s\n", err(setsockopt(s6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof m6)));
  return 0;
}
