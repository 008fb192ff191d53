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

const IP_DROP_MEMBERSHIP = 36;
const MCAST_JOIN_GROUP = 42;
const MCAST_LEAVE_GROUP = 45;
const MCAST_JOIN_SOURCE_GROUP = 46;
const MCAST_LEAVE_SOURCE_GROUP = 47;
const MCAST_BLOCK_SOURCE = 43;
const MCAST_UNBLOCK_SOURCE = 44;
const IPV6_DROP_MEMBERSHIP = 21;
const IPV6_JOIN_ANYCAST = 27;
const IPV6_LEAVE_ANYCAST = 28;
const SIZEOF_GROUP_REQ = 136;
const SIZEOF_GROUP_SOURCE_REQ = 264;

/**
 * The least option length of a membership option (Linux's EINVAL below it, before the value is
 * read); 0 for other options.
 */
export function membershipSize(level: number, name: number): number {
  if (level === IPPROTO_IP) {
    if (name === IP_ADD_MEMBERSHIP || name === IP_DROP_MEMBERSHIP) return SIZEOF_IP_MREQ;
  } else if (level !== IPPROTO_IPV6) {
    return 0;
  } else if (name === IPV6_ADD_MEMBERSHIP || name === IPV6_DROP_MEMBERSHIP || name === IPV6_JOIN_ANYCAST || name === IPV6_LEAVE_ANYCAST) {
    return SIZEOF_IPV6_MREQ;
  }
  if (name === MCAST_JOIN_GROUP || name === MCAST_LEAVE_GROUP) return SIZEOF_GROUP_REQ;
  if ([MCAST_BLOCK_SOURCE, MCAST_UNBLOCK_SOURCE, MCAST_JOIN_SOURCE_GROUP, MCAST_LEAVE_SOURCE_GROUP].includes(name)) return SIZEOF_GROUP_SOURCE_REQ;
  return 0;
}

/** How much of a membership option's value Linux copies (an ip_mreqn when the length allows one); 0 for other options. */
export function membershipBytes(level: number, name: number, len: number): number {
  const least = membershipSize(level, name);
  return least === SIZEOF_IP_MREQ && level === IPPROTO_IP ? Math.min(len, SIZEOF_IP_MREQN) : least;
}

/** -errno for a join this network cannot make, or undefined when the option goes on as before. */
export function multicastJoinRefused(level: number, name: number, raw: Uint8Array, len: number): number | undefined {
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (level === IPPROTO_IP && name === IP_ADD_MEMBERSHIP) {
    // struct ip_mreq { group; interface address } or ip_mreqn { group; address; ifindex }.
    const index = len >= SIZEOF_IP_MREQN ? view.readInt32LE(8) : 0;
    if (index !== 0) return index === LO_INDEX ? undefined : -Errno.ENODEV;
    // By address: lo's are 127.0.0.0/8; the wildcard leaves the choice to routing.
    return view[4] === 127 ? undefined : -Errno.ENODEV;
  }
  if (level === IPPROTO_IPV6 && name === IPV6_ADD_MEMBERSHIP) {
    // struct ipv6_mreq { group; ifindex }.
    return view.readInt32LE(16) === LO_INDEX ? undefined : -Errno.ENODEV;
  }
  return undefined;
}
