// NETLINK_ROUTE requests and their answers: the read-only part of rtnetlink that `ip addr`,
// `ip link`, glibc's getifaddrs and if_nameindex, and getaddrinfo(AI_ADDRCONFIG) use, answered
// from the sandbox's interfaces (net_interfaces.ts) with the messages and attributes Linux sends
// for a fresh network namespace's loopback device. Requests that would change the network
// (new addresses, links set up or down, routes) get EPERM, as in a container without
// CAP_NET_ADMIN; other requests get EOPNOTSUPP. The answers are plain bytes: netlink.ts queues
// them on the asking socket.
import { Errno } from '../errno.js';
import { NLM_F_ACK, NLM_F_DUMP, answerRequests, dumpDatagrams, encodeAttributes, errorMessage, message, u32, type Attribute, type NetlinkRequest as Request } from './netlink_messages.js';
import { AF_INET, AF_INET6 } from './inet_address.js';
import { INTERFACES, interfaceByIndex, interfaceByName, type InterfaceAddress, type NetInterface } from './net_interfaces.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWADDR = 20;
const RTM_GETADDR = 22;
const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const RTM_GETNEIGH = 30;
const AF_UNSPEC = 0;

// Link attributes (IFLA_*).
const IFLA_ADDRESS = 1;
const IFLA_BROADCAST = 2;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_QDISC = 6;
const IFLA_STATS = 7;
const IFLA_TXQLEN = 13;
const IFLA_OPERSTATE = 16;
const IFLA_LINKMODE = 17;
const IFLA_STATS64 = 23;
const IFLA_GROUP = 27;
const IFLA_PROMISCUITY = 30;
const IFLA_NUM_TX_QUEUES = 31;
const IFLA_NUM_RX_QUEUES = 32;
const IFLA_CARRIER = 33;
const IFLA_CARRIER_CHANGES = 35;
const IFLA_PROTO_DOWN = 39;
const IFLA_GSO_MAX_SEGS = 40;
const IFLA_GSO_MAX_SIZE = 41;
const IFLA_MIN_MTU = 50;
const IFLA_MAX_MTU = 51;
const IFLA_GRO_MAX_SIZE = 58;
const IFLA_TSO_MAX_SIZE = 59;
const IFLA_TSO_MAX_SEGS = 60;
const IFLA_ALLMULTI = 61;
const IFLA_AF_SPEC = 26;
/** In IFLA_AF_SPEC's AF_INET6 part: how addresses are made (0, IN6_ADDR_GEN_MODE_EUI64). */
const IFLA_INET6_ADDR_GEN_MODE = 8;
/** IF_OPER_UNKNOWN: what the loopback device reports (`state UNKNOWN`). */
const IF_OPER_UNKNOWN = 0;
/** sizeof(struct rtnl_link_stats64) and sizeof(struct rtnl_link_stats): no traffic is counted. */
const STATS64_SIZE = 200;
const STATS_SIZE = 96;

// Address attributes (IFA_*) and flags.
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_LABEL = 3;
const IFA_CACHEINFO = 6;
const IFA_FLAGS = 8;
const IFA_PROTO = 11;
const IFA_F_PERMANENT = 0x80;
/** IFAPROT_KERNEL_LO: ::1, added by the kernel when lo comes up. */
const IFAPROT_KERNEL_LO = 1;
const INFINITY_LIFETIME = 0xffffffff;

// Route attributes (RTA_*) and values.
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_PRIORITY = 6;
const RTA_PREFSRC = 7;
const RTA_CACHEINFO = 12;
const RTA_TABLE = 15;
const RTA_PREF = 20;
const RT_TABLE_LOCAL = 255;
const RTPROT_KERNEL = 2;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_LINK = 253;
const RT_SCOPE_HOST = 254;
const RTN_LOCAL = 2;
const RTN_BROADCAST = 3;
const RTA_CACHEINFO_SIZE = 32;

function linkPayload(i: NetInterface): Buffer {
  const info = Buffer.alloc(16);
  info.writeUInt8(AF_UNSPEC, 0);
  info.writeUInt16LE(i.type, 2);
  info.writeInt32LE(i.index, 4);
  info.writeUInt32LE(i.flags, 8);
  return Buffer.concat([info, encodeAttributes([
    [IFLA_IFNAME, i.name], [IFLA_TXQLEN, i.txQueueLength], [IFLA_OPERSTATE, Uint8Array.of(IF_OPER_UNKNOWN)],
    [IFLA_LINKMODE, Uint8Array.of(0)], [IFLA_MTU, i.mtu], [IFLA_MIN_MTU, 0], [IFLA_MAX_MTU, 0], [IFLA_GROUP, 0],
    [IFLA_PROMISCUITY, 0], [IFLA_ALLMULTI, 0], [IFLA_NUM_TX_QUEUES, 1], [IFLA_GSO_MAX_SEGS, 65535],
    [IFLA_GSO_MAX_SIZE, 65536], [IFLA_GRO_MAX_SIZE, 65536], [IFLA_TSO_MAX_SIZE, 524280], [IFLA_TSO_MAX_SEGS, 65535],
    [IFLA_NUM_RX_QUEUES, 1], [IFLA_CARRIER, Uint8Array.of(1)], [IFLA_CARRIER_CHANGES, 0], [IFLA_PROTO_DOWN, Uint8Array.of(0)],
    [IFLA_ADDRESS, i.hardwareAddress], [IFLA_BROADCAST, i.hardwareAddress],
    [IFLA_STATS64, new Uint8Array(STATS64_SIZE)], [IFLA_STATS, new Uint8Array(STATS_SIZE)], [IFLA_QDISC, 'noqueue'],
    [IFLA_AF_SPEC, encodeAttributes([[AF_INET6, encodeAttributes([[IFLA_INET6_ADDR_GEN_MODE, Uint8Array.of(0)]])]])],
  ])]);
}

function addressPayload(i: NetInterface, a: InterfaceAddress): Buffer {
  // struct ifaddrmsg: family, prefix length, flags, scope, interface index.
  const info = Buffer.from([a.family, a.prefixLength, IFA_F_PERMANENT, a.scope, ...u32(i.index)]);
  const cacheInfo = Buffer.concat([u32(INFINITY_LIFETIME), u32(INFINITY_LIFETIME), u32(0), u32(0)]);
  const attributes: Attribute[] = a.family === AF_INET
    ? [[IFA_ADDRESS, a.address], [IFA_LOCAL, a.address], [IFA_LABEL, i.name], [IFA_FLAGS, IFA_F_PERMANENT], [IFA_CACHEINFO, cacheInfo]]
    : [[IFA_ADDRESS, a.address], [IFA_CACHEINFO, cacheInfo], [IFA_FLAGS, IFA_F_PERMANENT], [IFA_PROTO, Uint8Array.of(IFAPROT_KERNEL_LO)]];
  return Buffer.concat([info, encodeAttributes(attributes)]);
}

interface Route {
  family: number;
  destination: Uint8Array;
  prefixLength: number;
  protocol: number;
  scope: number;
  type: number;
  source?: Uint8Array;
  interfaceIndex: number;
}

/**
 * The local routing table Linux makes for the loopback device's addresses: for 127.0.0.1/8 the
 * network and the address itself (local) and its broadcast address; for ::1 the address. The
 * main table is empty (no other network), so `ip route` shows nothing, as natively.
 */
function localRoutes(): Route[] {
  const routes: Route[] = [];
  for (const i of INTERFACES) {
    for (const a of i.addresses) {
      if (a.family === AF_INET) {
        const network = Uint8Array.from(a.address, (byte, k) => (k * 8 < a.prefixLength ? byte & (0xff << Math.max(0, 8 - (a.prefixLength - k * 8))) : 0));
        const broadcast = Uint8Array.from(a.address, (byte, k) => (k * 8 + 8 <= a.prefixLength ? byte : byte | (0xff >> Math.max(0, a.prefixLength - k * 8))));
        const common = { family: AF_INET, protocol: RTPROT_KERNEL, source: a.address, interfaceIndex: i.index };
        routes.push({ ...common, destination: network, prefixLength: a.prefixLength, scope: RT_SCOPE_HOST, type: RTN_LOCAL });
        routes.push({ ...common, destination: a.address, prefixLength: 32, scope: RT_SCOPE_HOST, type: RTN_LOCAL });
        routes.push({ ...common, destination: broadcast, prefixLength: 32, scope: RT_SCOPE_LINK, type: RTN_BROADCAST });
      } else {
        routes.push({ family: AF_INET6, destination: a.address, prefixLength: 128, protocol: RTPROT_KERNEL, scope: RT_SCOPE_UNIVERSE, type: RTN_LOCAL, interfaceIndex: i.index });
      }
    }
  }
  return routes;
}

function routePayload(r: Route): Buffer {
  // struct rtmsg: family, destination and source lengths, tos, table, protocol, scope, type, flags.
  const info = Buffer.from([r.family, r.prefixLength, 0, 0, RT_TABLE_LOCAL, r.protocol, r.scope, r.type, 0, 0, 0, 0]);
  const attributes: Attribute[] = r.family === AF_INET
    ? [[RTA_TABLE, RT_TABLE_LOCAL], [RTA_DST, r.destination], [RTA_PREFSRC, r.source!], [RTA_OIF, r.interfaceIndex]]
    : [[RTA_TABLE, RT_TABLE_LOCAL], [RTA_DST, r.destination], [RTA_PRIORITY, 0], [RTA_OIF, r.interfaceIndex],
      [RTA_CACHEINFO, new Uint8Array(RTA_CACHEINFO_SIZE)], [RTA_PREF, Uint8Array.of(0)]];
  return Buffer.concat([info, encodeAttributes(attributes)]);
}

/** The family a request asks about (its payload's first byte; AF_UNSPEC for all). */
function familyFilter(body: Buffer): number {
  return body.length > 0 ? body[0]! : AF_UNSPEC;
}

/** The interface a non-dump RTM_GETLINK names: by ifi_index, or by an IFLA_IFNAME attribute. */
function requestedLink(body: Buffer): NetInterface | undefined {
  if (body.length < 16) return undefined;
  const index = body.readInt32LE(4);
  if (index > 0) return interfaceByIndex(index);
  for (let at = 16; at + 4 <= body.length;) {
    const length = body.readUInt16LE(at);
    if (length < 4 || at + length > body.length) break;
    if ((body.readUInt16LE(at + 2) & 0x3fff) === IFLA_IFNAME) {
      const name = body.subarray(at + 4, at + length);
      const end = name.indexOf(0);
      return interfaceByName(name.subarray(0, end < 0 ? name.length : end).toString('latin1'));
    }
    at += (length + 3) & ~3;
  }
  return undefined;
}

/** The records of a dump, or -errno for requests this kernel does not answer. */
function dumpRecords(request: Request): { type: number; payloads: Buffer[] } | number {
  const family = familyFilter(request.body);
  switch (request.type) {
    case RTM_GETLINK:
      return { type: RTM_NEWLINK, payloads: INTERFACES.map(linkPayload) };
    case RTM_GETADDR:
      return {
        type: RTM_NEWADDR,
        payloads: INTERFACES.flatMap((i) => i.addresses.filter((a) => family === AF_UNSPEC || a.family === family).map((a) => addressPayload(i, a))),
      };
    case RTM_GETROUTE:
      return { type: RTM_NEWROUTE, payloads: localRoutes().filter((r) => family === AF_UNSPEC || r.family === family).map(routePayload) };
    case RTM_GETNEIGH:
      return { type: 0, payloads: [] }; // the loopback device has no neighbours
    default:
      return -Errno.EOPNOTSUPP;
  }
}

/** The datagrams answering one request: records, then NLMSG_DONE; or the reply; or an error. */
function answer(request: Request, portId: number): Buffer[] {
  const isGet = (request.type & 3) === 2;
  if (!isGet) return [errorMessage(request, portId, Errno.EPERM)];
  if ((request.flags & NLM_F_DUMP) !== 0) {
    const records = dumpRecords(request);
    if (typeof records === 'number') return [errorMessage(request, portId, -records)];
    return dumpDatagrams(request, portId, records.type, records.payloads);
  }
  if (request.type === RTM_GETLINK) {
    const link = requestedLink(request.body);
    if (!link) return [errorMessage(request, portId, Errno.ENODEV)];
    // The reply and its acknowledgement travel in one datagram, as Linux sends them.
    const reply = message(RTM_NEWLINK, 0, request.seq, portId, linkPayload(link));
    return [request.flags & NLM_F_ACK ? Buffer.concat([reply, errorMessage(request, portId, 0)]) : reply];
  }
  return [errorMessage(request, portId, Errno.EOPNOTSUPP)];
}

/** Everything the kernel answers to the bytes a program sent on a NETLINK_ROUTE socket. */
export function answerRouteRequests(bytes: Uint8Array, portId: number, capAck: boolean): Buffer[] {
  return answerRequests(bytes, portId, capAck, answer);
}
