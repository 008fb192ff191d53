// Joining a multicast group (IP_ADD_MEMBERSHIP, IPV6_ADD_MEMBERSHIP) on the sandbox's network,
// which is lo alone. A join that names no interface has Linux route the group to find one, and a
// namespace with only lo has no route for it: ENODEV (libuv's udp_multicast_join then skips, as
// it does there). A join on lo, named by one of its addresses or by its index (1), is accepted
// and changes nothing: multicast datagrams are not modelled (sending to a group is ENETUNREACH).
import { Errno } from '../errno.js';

const IPPROTO_IP = 0;
const IPPROTO_IPV6 = 41;
const IP_ADD_MEMBERSHIP = 35;
const IPV6_ADD_MEMBERSHIP = 20;
const SIZEOF_IP_MREQ = 8;
const SIZEOF_IP_MREQN = 12;
const SIZEOF_IPV6_MREQ = 20;
const LO_INDEX = 1;

/** -errno for a join this network cannot make, or undefined when the option goes on as before. */
export function multicastJoinRefused(level: number, name: number, raw: Uint8Array, len: number): number | undefined {
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (level === IPPROTO_IP && name === IP_ADD_MEMBERSHIP) {
    if (len < SIZEOF_IP_MREQ) return -Errno.EINVAL;
    // struct ip_mreq { group; interface address } or ip_mreqn { group; address; ifindex }.
    const index = len >= SIZEOF_IP_MREQN ? view.readInt32LE(8) : 0;
    if (index !== 0) return index === LO_INDEX ? undefined : -Errno.ENODEV;
    // By address: lo's are 127.0.0.0/8; the wildcard leaves the choice to routing.
    return view[4] === 127 ? undefined : -Errno.ENODEV;
  }
  if (level === IPPROTO_IPV6 && name === IPV6_ADD_MEMBERSHIP) {
    if (len < SIZEOF_IPV6_MREQ) return -Errno.EINVAL;
    // struct ipv6_mreq { group; ifindex }.
    return view.readInt32LE(16) === LO_INDEX ? undefined : -Errno.ENODEV;
  }
  return undefined;
}
