// getsockopt/setsockopt: the options programs set are kept per socket and read back as Linux
// shows them (booleans as 0/1, buffer sizes doubled, timeouts as timevals). Receive and send
// timeouts apply (socket_transfer.ts), SO_SNDBUF bounds a stream's unread bytes, the IP-level
// ones a datagram's header and what its receiver gets with it (inet_ancillary.ts); the others
// change nothing on the loopback, but they answer as programs expect.
import { Errno } from '../errno.js';
import type { SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPV6_V6ONLY, SOCK_STREAM, optionOf } from './loopback.js';
import { AF_INET, AF_INET6 } from './inet_address.js';
import { TIMESTAMP_OPTIONS } from './socket_timestamps.js';
import { membershipBytes, membershipSize, multicastJoinRefused } from './multicast_join.js';
import { SO_LINGER, encodeLinger, lingerOf } from '../abi/socket_linger.js';
import {
  DEFAULT_HOP_LIMIT, IPPROTO_IP, IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO, IPV6_RECVTCLASS, IPV6_TCLASS, IPV6_UNICAST_HOPS,
  IP_PKTINFO, IP_RECVTOS, IP_RECVTTL, IP_TOS, IP_TTL,
} from './inet_ancillary.js';
import { socketOf } from './socket.js';
import { stdioSocketOption, stdioUnixSocket } from './stdio_socket.js';
import { AF_UNIX, familyOf, isInet } from './socket_address.js';
import { NETLINK_CAP_ACK, SOL_NETLINK, isNetlink } from './netlink.js';
import { ICMP_FILTER, SOL_RAW, isRawSocket } from './icmp_raw.js';

export const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_TYPE = 3;
const SO_ERROR = 4;
const SO_DONTROUTE = 5;
const SO_BROADCAST = 6;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;
const SO_KEEPALIVE = 9;
const SO_OOBINLINE = 10;
const SO_PRIORITY = 12;
const SO_REUSEPORT = 15;
const SO_PASSCRED = 16;
const SO_PEERCRED = 17;
const SO_RCVLOWAT = 18;
const SO_SNDLOWAT = 19;
export const SO_RCVTIMEO = 20;
export const SO_SNDTIMEO = 21;
const SO_ACCEPTCONN = 30;
const SO_PROTOCOL = 38;
const SO_DOMAIN = 39;
const TCP_NODELAY = 1;
const TCP_MAXSEG = 2;
const TCP_KEEPIDLE = 4;
const TCP_KEEPINTVL = 5;
const TCP_KEEPCNT = 6;
/** Linux's defaults for a socket's queues (net.core.rmem_default, wmem_default; TCP's tcp_rmem, tcp_wmem) and their cap (rmem_max). */
const RCVBUF_DEFAULT = 212992;
const SNDBUF_DEFAULT = 212992;
const TCP_RCVBUF_DEFAULT = 131072;
const TCP_SNDBUF_DEFAULT = 16384;
const BUF_MAX = 212992;
const RCVBUF_MIN = 2304;
const SNDBUF_MIN = 4608;

const SO_DEBUG = 1;
const SO_NO_CHECK = 11;
const SO_PASSSEC = 34;
const SO_WIFI_STATUS = 41;
const SO_NOFCS = 43;
const SO_SELECT_ERR_QUEUE = 45;
/**
 * Flags kept and read back. SO_DEBUG to SO_SELECT_ERR_QUEUE change nothing here (no checksums on
 * loopback, no security labels, no Wi-Fi, no raw frames, no error queue to select on), as they
 * change nothing on Linux in those cases; the timestamp ones stamp received messages.
 */
const BOOLEAN_SOCKET_OPTIONS = new Set([
  SO_REUSEADDR, SO_DONTROUTE, SO_BROADCAST, SO_KEEPALIVE, SO_OOBINLINE, SO_REUSEPORT,
  SO_DEBUG, SO_NO_CHECK, SO_PASSSEC, SO_WIFI_STATUS, SO_NOFCS, SO_SELECT_ERR_QUEUE,
  ...TIMESTAMP_OPTIONS,
]);
const SO_BINDTODEVICE = 25;
const SO_ZEROCOPY = 60;
/**
 * The SOL_SOCKET options Linux's setsockopt knows (sk_setsockopt): every other is ENOPROTOOPT,
 * the read-only ones (SO_TYPE, SO_ERROR, SO_PEERCRED...) and SO_SNDLOWAT among them.
 */
const SETTABLE_SOCKET_OPTIONS = new Set([
  1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 21, 25, 26, 27, 29, 32, 33, 34, 35, 36, 37, 40, 41, 42, 43,
  44, 45, 46, 47, 49, 50, 51, 52, 53, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 72, 73, 74, 75, 76,
]);
/** SO_RCVTIMEO, SO_SNDTIMEO (old and new numbers): a struct timeval. */
const TIMEVAL_OPTIONS = new Set([20, 21, 66, 67]);
/** SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF: a struct sock_fprog. */
const FILTER_OPTIONS = new Set([26, 51]);
/** SOL_SOCKET options whose value is kept and read back. */
const KEPT_SOCKET_OPTIONS = new Set([...BOOLEAN_SOCKET_OPTIONS, SO_LINGER, SO_SNDBUF, SO_RCVBUF, SO_PRIORITY, SO_RCVLOWAT, SO_RCVTIMEO, SO_SNDTIMEO]);

/** Integer options each level has, with the value a fresh socket reports. */
const TCP_DEFAULTS = new Map([
  [TCP_NODELAY, 0],
  [TCP_MAXSEG, 536],
  [TCP_KEEPIDLE, 7200],
  [TCP_KEEPINTVL, 75],
  [TCP_KEEPCNT, 9],
]);
const IP_DEFAULTS = new Map([
  [IP_TOS, 0],
  [IP_TTL, DEFAULT_HOP_LIMIT],
  [IP_PKTINFO, 0],
  [IP_RECVTTL, 0],
  [IP_RECVTOS, 0],
]);
const IPV6_DEFAULTS = new Map([
  [IPV6_V6ONLY, 0],
  [IPV6_UNICAST_HOPS, DEFAULT_HOP_LIMIT],
  [IPV6_RECVPKTINFO, 0],
  [IPV6_RECVHOPLIMIT, 0],
  [IPV6_RECVTCLASS, 0],
  [IPV6_TCLASS, 0],
]);

/** UDP-Lite's checksum coverage of what is sent and the least it accepts (0: the whole datagram). */
const UDPLITE_SEND_CSCOV = 10;
const UDPLITE_RECV_CSCOV = 11;
const UDPLITE_DEFAULTS = new Map([
  [UDPLITE_SEND_CSCOV, 0],
  [UDPLITE_RECV_CSCOV, 0],
]);

/** An IP-level option's value as kept (-1 asks for the default), or undefined outside its range (EINVAL). */
function ipLevelSetting(level: number, name: number, v: number): number | undefined {
  const ranged = (low: number, fallback: number): number | undefined => (v === -1 ? fallback : v < low || v > 255 ? undefined : v);
  if (level === IPPROTO_IP && name === IP_TTL) return ranged(1, DEFAULT_HOP_LIMIT);
  if (level === IPPROTO_IPV6 && name === IPV6_UNICAST_HOPS) return ranged(0, DEFAULT_HOP_LIMIT);
  if (level === IPPROTO_IPV6 && name === IPV6_TCLASS) return ranged(0, 0);
  // A coverage is at least the 8 bytes of the header and at most 65535, as Linux clamps it.
  if (level === IPPROTO_UDPLITE) return v !== 0 && v < 8 ? 8 : Math.min(v, 0xffff);
  return v;
}
/** A raw ICMP socket's ICMP_FILTER: no type dropped. */
const RAW_DEFAULTS = new Map([[ICMP_FILTER, 0]]);
/** NETLINK_PKTINFO, _BROADCAST_ERROR, _NO_ENOBUFS, _LISTEN_ALL_NSID, _CAP_ACK, _EXT_ACK, _GET_STRICT_CHK. */
const NETLINK_DEFAULTS = new Map([3, 4, 5, 8, NETLINK_CAP_ACK, 11, 12].map((name) => [name, 0]));

function isTcp(s: SocketState): boolean {
  return isInet(s) && s.type === SOCK_STREAM;
}

/** A C int as the program reads it from an option or a control message. */
export function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

function timeval(ms: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigInt64LE(BigInt(Math.floor(ms / 1000)), 0);
  b.writeBigInt64LE(BigInt((ms % 1000) * 1000), 8);
  return b;
}

/** How many bytes a socket's receive queue takes before senders wait (net.core.wmem_default). */
export const QUEUE_LIMIT = 212992;

/**
 * How many of a stream socket's bytes its peer's queue holds before the sender waits: its
 * SO_SNDBUF once set (as getsockopt reports it), as Linux bounds a sender's unsent bytes by
 * sk_sndbuf. A TCP sender may have a receive window more in flight on Linux: here fewer bytes
 * fit, never more, so a program that shrinks its buffers still meets backpressure.
 */
export function streamQueueLimit(s: SocketState): number {
  if (s.type !== SOCK_STREAM) return QUEUE_LIMIT;
  return Math.min(QUEUE_LIMIT, optionOf(s, SOL_SOCKET, SO_SNDBUF) ?? QUEUE_LIMIT);
}

/** A timeout option's value in ms (0: none). */
export function timeoutOf(s: SocketState, name: number): number {
  return optionOf(s, SOL_SOCKET, name) ?? 0;
}

/** The protocol level an option belongs to, if this socket has it: ENOPROTOOPT otherwise. */
function levelDefaults(s: SocketState, level: number): Map<number, number> | number {
  if (level === IPPROTO_TCP) return isTcp(s) ? TCP_DEFAULTS : isInet(s) ? -Errno.ENOPROTOOPT : -Errno.EOPNOTSUPP;
  if (level === IPPROTO_IP) return isInet(s) ? IP_DEFAULTS : -Errno.ENOPROTOOPT;
  if (level === IPPROTO_IPV6) return s.family === AF_INET6 ? IPV6_DEFAULTS : -Errno.ENOPROTOOPT;
  if (level === SOL_NETLINK) return isNetlink(s) ? NETLINK_DEFAULTS : -Errno.ENOPROTOOPT;
  if (level === IPPROTO_UDPLITE) return s.protocol === IPPROTO_UDPLITE ? UDPLITE_DEFAULTS : -Errno.ENOPROTOOPT;
  if (level === SOL_RAW) return isRawSocket(s) ? RAW_DEFAULTS : -Errno.ENOPROTOOPT;
  return -Errno.ENOPROTOOPT;
}

/**
 * getsockopt's answer for a level the socket lacks: an IPv4 socket hands any level but its
 * protocol's own to the IP layer, whose getsockopt says EOPNOTSUPP (its setsockopt ENOPROTOOPT).
 */
function getLevelRefused(s: SocketState, level: number, refused: number): number {
  if (refused !== -Errno.ENOPROTOOPT || s.family !== AF_INET) return refused;
  const own = isTcp(s) ? level === IPPROTO_TCP : isRawSocket(s) ? level === SOL_RAW : level === IPPROTO_UDP || level === IPPROTO_UDPLITE;
  return own ? refused : -Errno.EOPNOTSUPP;
}

function socketLevelValue(ctx: SyscallContext, s: SocketState, name: number): Buffer | number {
  const set = optionOf(s, SOL_SOCKET, name);
  switch (name) {
    case SO_TYPE:
      return int32(s.type);
    case SO_ERROR: {
      // A non-blocking connect's failure, or a reset, is reported once.
      const error = s.connectResult || s.error;
      if (s.connectResult) ctx.emit({ type: 'SocketConnectResult', id: s.id });
      else if (s.error !== undefined) ctx.emit({ type: 'SocketErrorReported', id: s.id });
      return int32(error ?? 0);
    }
    case SO_SNDBUF:
      return int32(set ?? (isTcp(s) ? TCP_SNDBUF_DEFAULT : SNDBUF_DEFAULT));
    case SO_RCVBUF:
      return int32(set ?? (isTcp(s) ? TCP_RCVBUF_DEFAULT : RCVBUF_DEFAULT));
    case SO_PASSCRED:
      return int32(s.passcred ? 1 : 0);
    case SO_ACCEPTCONN:
      return int32(s.listening ? 1 : 0);
    case SO_DOMAIN:
      return int32(familyOf(s));
    case SO_PROTOCOL:
      return int32(isInet(s) ? (isTcp(s) ? IPPROTO_TCP : s.protocol ?? IPPROTO_UDP) : 0);
    case SO_PRIORITY:
      return int32(set ?? 0);
    case SO_RCVLOWAT:
    case SO_SNDLOWAT:
      return int32(set ?? 1);
    case SO_LINGER: {
      const l = lingerOf(s);
      const value = Buffer.alloc(8);
      value.writeInt32LE(l.on ? 1 : 0, 0);
      value.writeInt32LE(l.seconds, 4);
      return value;
    }
    case SO_RCVTIMEO:
    case SO_SNDTIMEO:
      return timeval(set ?? 0);
    case SO_PEERCRED: {
      // Only a unix socket knows who its peer is; TCP reports nobody.
      const peer = s.peer === undefined || isInet(s) ? undefined : ctx.kernel.state.sockets.get(s.peer);
      const c = peer?.creds ?? { pid: 0, uid: -1, gid: -1 };
      const value = Buffer.alloc(12);
      value.writeInt32LE(c.pid, 0);
      value.writeInt32LE(c.uid, 4);
      value.writeInt32LE(c.gid, 8);
      return value;
    }
    default:
      return BOOLEAN_SOCKET_OPTIONS.has(name) ? int32(set ?? 0) : -Errno.ENOPROTOOPT;
  }
}

/** getsockopt's *optlen: the room the caller gives, or -EFAULT, or -EINVAL when negative. */
function readRoom(ctx: SyscallContext): number {
  const lenRaw = ctx.read(ctx.args[4]!, 4);
  if (!lenRaw) return -Errno.EFAULT;
  const room = Buffer.from(lenRaw).readInt32LE();
  return room < 0 ? -Errno.EINVAL : room;
}

export function sysGetsockopt(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  const level = ctx.int(1);
  const name = ctx.int(2);
  let value: Buffer | number;
  if (typeof sock === 'number') {
    const host = stdioUnixSocket(ctx, ctx.int(0));
    if (!host) return sock;
    const option = stdioSocketOption(host, level, name);
    value = option < 0 ? option : int32(option);
  } else {
    const defaults = level === SOL_SOCKET ? undefined : levelDefaults(sock.s, level);
    if (typeof defaults === 'number') return getLevelRefused(sock.s, level, defaults);
    // A level the socket has: its length is read before the option is looked up, as Linux does.
    const room = readRoom(ctx);
    if (room < 0) return room;
    if (defaults === undefined) {
      value = socketLevelValue(ctx, sock.s, name);
    } else {
      const fallback = defaults.get(name);
      value = fallback === undefined ? -Errno.ENOPROTOOPT : int32(optionOf(sock.s, level, name) ?? fallback);
    }
  }
  if (typeof value === 'number') return value;
  const room = readRoom(ctx);
  if (room < 0) return room;
  const n = Math.min(room, value.length);
  if (!ctx.write(ctx.args[3]!, value.subarray(0, n)) || !ctx.write(ctx.args[4]!, int32(n))) return -Errno.EFAULT;
  return 0;
}

/** What a SOL_SOCKET option's value is kept as, or -errno. */
function socketLevelSetting(name: number, raw: Uint8Array): number {
  const view = Buffer.from(raw);
  if (name === SO_RCVTIMEO || name === SO_SNDTIMEO) {
    if (raw.length < 16) return -Errno.EINVAL;
    const sec = Number(view.readBigInt64LE(0));
    const usec = Number(view.readBigInt64LE(8));
    if (usec < 0 || usec >= 1_000_000) return -Errno.EDOM;
    return sec < 0 ? 0 : sec * 1000 + Math.ceil(usec / 1000);
  }
  if (name === SO_LINGER) {
    if (raw.length < 8) return -Errno.EINVAL;
    return encodeLinger({ on: view.readInt32LE(0) !== 0, seconds: view.readInt32LE(4) });
  }
  if (raw.length < 4) return -Errno.EINVAL;
  const v = view.readInt32LE(0);
  if (name === SO_RCVBUF) return Math.max(Math.min(Math.max(v, 0), BUF_MAX) * 2, RCVBUF_MIN);
  if (name === SO_SNDBUF) return Math.max(Math.min(Math.max(v, 0), BUF_MAX) * 2, SNDBUF_MIN);
  return BOOLEAN_SOCKET_OPTIONS.has(name) ? (v !== 0 ? 1 : 0) : v;
}

/**
 * How much of an option value Linux copies: a membership option's whole struct (a
 * group_source_req is 264 bytes), a linger or a timeval, an int for the int options; of others,
 * the first bytes. (Reading more than Linux does faults where Linux does not.)
 */
function optionBytes(level: number, name: number, len: number, defaults: Map<number, number> | undefined): number {
  const membership = membershipBytes(level, name, len);
  if (membership) return membership;
  if (level === SOL_SOCKET) {
    // An int, but for a device name, a linger, a timeval and a filter program (sock_fprog).
    if (name === SO_BINDTODEVICE) return Math.min(len, 16);
    // The int first, as Linux copies it for every option; the whole struct only when it fits.
    const size = name === SO_LINGER ? 8 : TIMEVAL_OPTIONS.has(name) || FILTER_OPTIONS.has(name) ? 16 : 4;
    return len >= size ? size : Math.min(len, 4);
  }
  if (defaults?.has(name)) return Math.min(len, 4);
  return Math.min(len, 64);
}

export function sysSetsockopt(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  const level = ctx.int(1);
  const name = ctx.int(2);
  const len = ctx.int(4);
  if (len < 0) return -Errno.EINVAL;
  // A level the socket's protocol does not have is refused before the value is read.
  if (level !== SOL_SOCKET && familyOf(sock.s) === AF_UNIX && level !== IPPROTO_TCP) return -Errno.ENOPROTOOPT;
  const defaults = level === SOL_SOCKET ? undefined : levelDefaults(sock.s, level);
  if (typeof defaults === 'number') return defaults;
  if (len < membershipSize(level, name)) return -Errno.EINVAL;
  // Linux's sk_setsockopt wants an int's worth for every SOL_SOCKET option but a device name.
  if (level === SOL_SOCKET && name !== SO_BINDTODEVICE && len < 4) return -Errno.EINVAL;
  const raw = ctx.read(ctx.args[3]!, optionBytes(level, name, len, defaults));
  if (!raw) return -Errno.EFAULT;
  if (defaults === undefined) {
    // What a socket only reports, and what Linux does not know, cannot be set.
    if (!SETTABLE_SOCKET_OPTIONS.has(name)) return -Errno.ENOPROTOOPT;
    if (name === SO_PASSCRED) {
      ctx.emit({ type: 'SocketPasscredSet', id: sock.s.id, on: Buffer.from(raw).readInt32LE() !== 0 });
      return 0;
    }
    // Port sharing and zero-copy sends are for inet sockets.
    if ((name === SO_REUSEPORT || name === SO_ZEROCOPY) && familyOf(sock.s) === AF_UNIX && Buffer.from(raw).readInt32LE() !== 0) {
      return -Errno.EOPNOTSUPP;
    }
    // Options without a value to keep (filters, bindings to devices, busy polling) are accepted.
    if (!KEPT_SOCKET_OPTIONS.has(name)) return 0;
    const value = socketLevelSetting(name, raw);
    if (value < 0) return value;
    // One kind of timestamp at a time: setting one (on or off) turns the others off, as on Linux.
    if (TIMESTAMP_OPTIONS.includes(name)) {
      for (const other of TIMESTAMP_OPTIONS) if (other !== name) ctx.emit({ type: 'SocketOptionSet', id: sock.s.id, level, name: other, value: 0 });
    }
    ctx.emit({ type: 'SocketOptionSet', id: sock.s.id, level, name, value });
    return 0;
  }
  if (len < 4) return -Errno.EINVAL;
  if (level === IPPROTO_IPV6 && name === IPV6_V6ONLY && sock.s.address !== undefined) return -Errno.EINVAL;
  if (sock.s.type !== SOCK_STREAM) {
    const refused = multicastJoinRefused(level, name, raw, len);
    if (refused !== undefined) return refused;
  }
  // Other options of a known level (multicast, IP_RECVERR...) are accepted and change nothing.
  if (!defaults.has(name)) return 0;
  const value = ipLevelSetting(level, name, Buffer.from(raw).readInt32LE());
  if (value === undefined) return -Errno.EINVAL;
  ctx.emit({ type: 'SocketOptionSet', id: sock.s.id, level, name, value });
  return 0;
}
