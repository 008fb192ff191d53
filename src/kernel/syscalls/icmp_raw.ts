// Raw ICMP sockets on the loopback (what ping uses as root): socket(AF_INET, SOCK_RAW,
// IPPROTO_ICMP) with CAP_NET_RAW. What one sends is an ICMP message; the loopback carries it
// as an IPv4 packet to every raw ICMP socket that matches it (the sender's too, as Linux's
// raw_v4_input), each receiving the packet with its IPv4 header, and the kernel answers an echo
// request whose checksum is right with an echo reply (Linux's icmp_echo), which the raw
// sockets receive in turn. Ping sockets (SOCK_DGRAM, IPPROTO_ICMP) are refused as Linux refuses
// them while net.ipv4.ping_group_range is its default, "1 0" (no group may).
import { Errno } from '../errno.js';
import type { SocketState } from '../state.js';
import { CAP_NET_RAW, capable } from '../task/capabilities.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { AF_INET, formatInet, ipv4Bytes, isAnyAddress, isLoopback, parseInet, type InetAddress } from './inet_address.js';
import { destinationOf, optionOf, reachable, sourceFor } from './loopback.js';
import { DEFAULT_HOP_LIMIT, IPPROTO_IP, IP_TOS, IP_TTL } from './inet_ancillary.js';
import { credsOf } from './socket.js';
import { QUEUE_LIMIT } from './socket_options.js';

export const SOCK_RAW = 3;
export const IPPROTO_ICMP = 1;
/** setsockopt level of raw sockets, and its option: a mask of the ICMP types (below 32) to drop. */
export const SOL_RAW = 255;
export const ICMP_FILTER = 1;
/** net.ipv4.ping_group_range as Linux sets it at boot: the empty range. */
export const PING_GROUP_RANGE = '1\t0';

const ICMP_ECHOREPLY = 0;
const ICMP_ECHO = 8;
const IPV4_HEADER = 20;
/** The largest ICMP message an IPv4 packet carries (65535 less its header). */
const ICMP_MAX = 65535 - IPV4_HEADER;
/** The IPv4 header's "don't fragment" flag, which Linux sets on what a raw socket sends (path MTU discovery) and not on its echo replies. */
const IP_DF = 0x4000;

export function isRawSocket(s: SocketState): boolean {
  return s.family !== undefined && s.type === SOCK_RAW;
}

/**
 * socket()'s checks for an inet SOCK_RAW or ICMP socket: the socket type, or -errno. Raw
 * sockets are offered for ICMP over IPv4 only (others: ESOCKTNOSUPPORT), to holders of
 * CAP_NET_RAW (EPERM); protocol 0 names none (EPROTONOSUPPORT).
 */
export function checkIcmpType(ctx: SyscallContext, family: number, base: number, protocol: number): number {
  if (base !== SOCK_RAW) return -Errno.EACCES; // a ping socket: no group is in ping_group_range
  if (protocol === 0) return -Errno.EPROTONOSUPPORT;
  if (family !== AF_INET || protocol !== IPPROTO_ICMP) return -Errno.ESOCKTNOSUPPORT;
  return capable(ctx.process.creds, CAP_NET_RAW) ? SOCK_RAW : -Errno.EPERM;
}

/** The name a raw socket has: its address, with the protocol number as the port (Linux's inet_num). */
function rawName(ip: string): string {
  return formatInet({ ip, port: IPPROTO_ICMP });
}

/** bind() of a raw socket: an address of the loopback (or any), never a port; no name is taken from others. */
export function bindRaw(ctx: SyscallContext, s: SocketState, address: string): Outcome {
  const want = parseInet(address);
  if (!isAnyAddress(want.ip) && !isLoopback(want.ip)) return -Errno.EADDRNOTAVAIL;
  ctx.emit({ type: 'SocketBound', id: s.id, address: rawName(want.ip), key: `raw:${s.id}` });
  return 0;
}

/** connect() of a raw socket: it then receives only what comes from that address, and send() goes there. */
export function connectRaw(ctx: SyscallContext, s: SocketState, address: string): Outcome {
  const to = parseInet(address);
  if (!reachable(to)) return -Errno.ENETUNREACH;
  ctx.emit({ type: 'SocketDatagramPeerSet', id: s.id, address: formatInet({ ip: destinationOf(to, AF_INET).ip, port: 0 }) });
  return 0;
}

/** The Internet checksum (RFC 1071) of bytes, as it is stored: big-endian. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length & 1) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An IPv4 packet of ICMP: a 20-byte header (its id made from the message's, so that a replay makes the same) and the message. */
function ipv4Packet(from: string, to: string, icmp: Uint8Array, ttl: number, tos: number, flags: number): Buffer {
  const packet = Buffer.alloc(IPV4_HEADER + icmp.length);
  packet[0] = 0x45;
  packet[1] = tos;
  packet.writeUInt16BE(packet.length, 2);
  packet.writeUInt16BE(icmp.length >= 8 ? ((icmp[4]! << 8) | icmp[5]!) ^ ((icmp[6]! << 8) | icmp[7]!) : 0, 4);
  packet.writeUInt16BE(flags, 6);
  packet[8] = ttl;
  packet[9] = IPPROTO_ICMP;
  packet.set(ipv4Bytes(from), 12);
  packet.set(ipv4Bytes(to), 16);
  packet.writeUInt16BE(checksum(packet.subarray(0, IPV4_HEADER)), 10);
  packet.set(icmp, IPV4_HEADER);
  return packet;
}

/** Whether a raw socket takes an ICMP packet from `from` to `to` of ICMP type `type` (raw_v4_match, then ICMP_FILTER). */
function takes(s: SocketState, from: string, to: string, type: number): boolean {
  if (!isRawSocket(s) || s.protocol !== IPPROTO_ICMP || s.shutRead) return false;
  if (s.address !== undefined && !isAnyAddress(parseInet(s.address).ip) && parseInet(s.address).ip !== to) return false;
  if (s.peerAddress !== undefined && parseInet(s.peerAddress).ip !== from) return false;
  const filter = optionOf(s, SOL_RAW, ICMP_FILTER) ?? 0;
  return type >= 32 || ((filter >>> type) & 1) === 0;
}

/** The loopback delivers an ICMP packet to the raw sockets that take it (one whose queue is full loses it). */
function deliver(ctx: SyscallContext, from: string, to: string, packet: Buffer, type: number): void {
  const state = ctx.kernel.state;
  for (const s of state.sockets.values()) {
    if (!takes(s, from, to, type) || s.queued + packet.length > QUEUE_LIMIT) continue;
    ctx.emit({ type: 'SocketMessageQueued', id: s.id, bytes: packet, fileIds: [], creds: credsOf(ctx), from: formatInet({ ip: from, port: 0 }) });
    ctx.kernel.notify(`socket:${s.id}`);
  }
}

/**
 * send/sendto/sendmsg on a raw ICMP socket: the message goes out as one packet (never waits);
 * an echo request with a right checksum to a loopback address is answered by the kernel.
 */
export function sendRaw(ctx: SyscallContext, s: SocketState, message: Uint8Array, to: string | undefined): Outcome {
  const target = to ?? s.peerAddress;
  if (target === undefined) return -Errno.EDESTADDRREQ;
  const dest: InetAddress = parseInet(target);
  if (!reachable(dest)) return -Errno.ENETUNREACH;
  if (message.length > ICMP_MAX) return -Errno.EMSGSIZE;
  const dst = destinationOf(dest, AF_INET).ip;
  const bound = s.address === undefined ? undefined : parseInet(s.address).ip;
  const src = bound === undefined || isAnyAddress(bound) ? sourceFor({ ip: dst, port: 0 }) : bound;
  const ttl = optionOf(s, IPPROTO_IP, IP_TTL) ?? DEFAULT_HOP_LIMIT;
  const tos = optionOf(s, IPPROTO_IP, IP_TOS) ?? 0;
  const type = message.length > 0 ? message[0]! : -1;
  deliver(ctx, src, dst, ipv4Packet(src, dst, message, ttl, tos, IP_DF), type);
  if (type === ICMP_ECHO && message.length >= 8 && checksum(message) === 0) {
    const reply = Buffer.from(message);
    reply[0] = ICMP_ECHOREPLY;
    reply.writeUInt16BE(0, 2);
    reply.writeUInt16BE(checksum(reply), 2);
    deliver(ctx, dst, src, ipv4Packet(dst, src, reply, DEFAULT_HOP_LIMIT, tos, 0), ICMP_ECHOREPLY);
  }
  return message.length;
}
