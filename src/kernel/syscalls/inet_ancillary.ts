// The ancillary data of the loopback network's datagrams: what a sender sets per message with
// a control message of IPPROTO_IP / IPPROTO_IPV6 (source address, TTL or hop limit, TOS or
// traffic class), and what a receiver asks to get back with each datagram (IP_PKTINFO,
// IP_RECVTTL, IP_RECVTOS; RFC 3542's IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS), in
// the order Linux puts them. Every datagram comes in on lo (ifindex 1).
import { Errno } from '../errno.js';
import type { DatagramHeader, SocketState } from '../state.js';
import { AF_INET6, addressBytes, ipv6FromBytes, isIpv4, isLoopback } from './inet_address.js';
import { IPPROTO_IPV6, optionOf } from './loopback.js';

export const IPPROTO_IP = 0;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_PKTINFO = 8;
export const IP_RECVTTL = 12;
export const IP_RECVTOS = 13;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_PKTINFO = 50;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;
export const IPV6_RECVTCLASS = 66;
export const IPV6_TCLASS = 67;
/** Linux's default TTL and hop limit (net.ipv4.ip_default_ttl, the route's hop limit on lo). */
export const DEFAULT_HOP_LIMIT = 64;
const LOOPBACK_IFINDEX = 1;

/** What a sender's control messages asked for one datagram. */
export interface SendControls {
  source?: string;
  hopLimit?: number;
  tos?: number;
}

/** An int control message's value, or undefined when its length is not an int's. */
function intOf(data: Uint8Array): number | undefined {
  return data.length === 4 ? Buffer.from(data).readInt32LE(0) : undefined;
}

/**
 * Takes one control message of sendmsg on a datagram socket sending to `destination`'s
 * family into `into`; -EINVAL for a bad one. Messages of the other family's level are ignored,
 * as Linux ignores levels a protocol does not know.
 */
export function takeSendControl(into: SendControls, toIpv4: boolean, level: number, type: number, data: Uint8Array): number {
  if (level === IPPROTO_IP && toIpv4) {
    switch (type) {
      case IP_PKTINFO: {
        if (data.length < 12) return -Errno.EINVAL;
        // ipi_spec_dst: the source address to send from (0: the usual one).
        const spec = [...data.subarray(4, 8)];
        if (spec.some((b) => b !== 0)) into.source = spec.join('.');
        return 0;
      }
      case IP_TTL: {
        const v = intOf(data);
        if (v === undefined || v < 1 || v > 255) return -Errno.EINVAL;
        into.hopLimit = v;
        return 0;
      }
      case IP_TOS: {
        const v = data.length === 1 ? data[0]! : intOf(data);
        if (v === undefined || v < 0 || v > 255) return -Errno.EINVAL;
        into.tos = v;
        return 0;
      }
      default:
        return -Errno.EINVAL;
    }
  }
  if (level === IPPROTO_IPV6 && !toIpv4) {
    switch (type) {
      case IPV6_PKTINFO: {
        if (data.length < 20) return -Errno.EINVAL;
        const ip = ipv6FromBytes(data.subarray(0, 16));
        if (ip !== '::') into.source = ip;
        return 0;
      }
      case IPV6_HOPLIMIT: {
        const v = intOf(data);
        if (v === undefined || v < -1 || v > 255) return -Errno.EINVAL;
        if (v >= 0) into.hopLimit = v;
        return 0;
      }
      case IPV6_TCLASS: {
        const v = intOf(data);
        if (v === undefined || v < -1 || v > 255) return -Errno.EINVAL;
        if (v >= 0) into.tos = v;
        return 0;
      }
      default:
        return -Errno.EINVAL;
    }
  }
  return 0;
}

/** A source address a sender may pick: one of lo's, of the destination's family. */
export function validSource(source: string, toIpv4: boolean): boolean {
  return isIpv4(source) === toIpv4 && isLoopback(source);
}

/** The IP header fields of a datagram `s` sends to `to` with these per-message controls. */
export function datagramHeader(s: SocketState, to: string, controls: SendControls): DatagramHeader {
  const v4 = isIpv4(to);
  const hops = v4 ? optionOf(s, IPPROTO_IP, IP_TTL) : optionOf(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
  const tos = v4 ? optionOf(s, IPPROTO_IP, IP_TOS) : optionOf(s, IPPROTO_IPV6, IPV6_TCLASS);
  return {
    to,
    hopLimit: controls.hopLimit ?? (hops === undefined || hops < 0 ? DEFAULT_HOP_LIMIT : hops),
    tos: controls.tos ?? (tos === undefined || tos < 0 ? 0 : tos),
  };
}

export interface Control {
  level: number;
  type: number;
  data: Buffer;
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

function on(s: SocketState, level: number, name: number): boolean {
  return (optionOf(s, level, name) ?? 0) !== 0;
}

/** The control messages a receiver asked for, for a datagram with this header. */
export function receiveControls(s: SocketState, header: DatagramHeader): Control[] {
  const out: Control[] = [];
  const v4 = isIpv4(header.to);
  if (s.family === AF_INET6 && on(s, IPPROTO_IPV6, IPV6_RECVPKTINFO)) {
    const info = Buffer.alloc(20);
    Buffer.from(addressBytes(AF_INET6, header.to)).copy(info, 0);
    info.writeInt32LE(LOOPBACK_IFINDEX, 16);
    out.push({ level: IPPROTO_IPV6, type: IPV6_PKTINFO, data: info });
  }
  if (v4) {
    // An IPv4 datagram: IPv4's own controls (an IPv6 socket's too, for a mapped sender).
    if (on(s, IPPROTO_IP, IP_PKTINFO)) {
      const info = Buffer.alloc(12);
      info.writeInt32LE(LOOPBACK_IFINDEX, 0);
      Buffer.from(addressBytes(2, header.to)).copy(info, 4);
      Buffer.from(addressBytes(2, header.to)).copy(info, 8);
      out.push({ level: IPPROTO_IP, type: IP_PKTINFO, data: info });
    }
    if (on(s, IPPROTO_IP, IP_RECVTTL)) out.push({ level: IPPROTO_IP, type: IP_TTL, data: int32(header.hopLimit) });
    if (on(s, IPPROTO_IP, IP_RECVTOS)) out.push({ level: IPPROTO_IP, type: IP_TOS, data: Buffer.from([header.tos]) });
    return out;
  }
  if (on(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT)) out.push({ level: IPPROTO_IPV6, type: IPV6_HOPLIMIT, data: int32(header.hopLimit) });
  if (on(s, IPPROTO_IPV6, IPV6_RECVTCLASS)) out.push({ level: IPPROTO_IPV6, type: IPV6_TCLASS, data: int32(header.tos) });
  return out;
}
