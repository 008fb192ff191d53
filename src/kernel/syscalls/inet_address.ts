// IPv4 and IPv6 socket addresses: sockaddr_in / sockaddr_in6 to and from the text form the
// kernel keeps in its state ("127.0.0.1:80", "[::1]:80"). IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d) are kept as IPv4, so that one address means one thing whichever family
// of socket named it; they are mapped again when shown to an IPv6 socket.
import { Errno } from '../errno.js';

export const AF_INET = 2;
export const AF_INET6 = 10;
const SOCKADDR_IN_LEN = 16;
const SOCKADDR_IN6_LEN = 28;

export interface InetAddress {
  /** Dotted IPv4, or IPv6 in its RFC 5952 text form. */
  readonly ip: string;
  readonly port: number;
}

export function isIpv4(ip: string): boolean {
  return !ip.includes(':');
}

export function formatInet(a: InetAddress): string {
  return isIpv4(a.ip) ? `${a.ip}:${a.port}` : `[${a.ip}]:${a.port}`;
}

export function parseInet(text: string): InetAddress {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon);
  return { ip: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(text.slice(colon + 1)) };
}

/** The text of an IPv6 address's eight 16-bit words: the longest run of two or more zero words becomes "::" (RFC 5952). */
export function ipv6Text(words: number[]): string {
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/** The text form of 16 address bytes; IPv4-mapped addresses come out as IPv4. */
export function ipv6FromBytes(b: Uint8Array): string {
  const words = [...Array(8).keys()].map((i) => (b[i * 2]! << 8) | b[i * 2 + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return [...b.subarray(12, 16)].join('.');
  return ipv6Text(words);
}

/** The four bytes of a dotted IPv4 address. */
export function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

function ipv6Bytes(ip: string): number[] {
  if (isIpv4(ip)) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ipv4Bytes(ip)];
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const words = (s: string | undefined): number[] => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const front = words(head);
  const back = words(tail);
  const all = tail === undefined ? front : [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

/** An address's bytes in network order: 4 for an IPv4 socket's, 16 for an IPv6 socket's. */
export function addressBytes(family: number, ip: string): number[] {
  return family === AF_INET ? ipv4Bytes(ip) : ipv6Bytes(ip);
}

/**
 * Reads the sockaddr a program passed for a socket of `family`: the address, or -errno
 * (EINVAL for a short length; a wrong family is EAFNOSUPPORT for IPv4 and EINVAL for IPv6, as
 * Linux answers).
 */
export function decodeInet(family: number, raw: Uint8Array): InetAddress | number {
  if (raw.length < 2) return -Errno.EINVAL;
  const given = raw[0]! | (raw[1]! << 8);
  if (family === AF_INET) {
    if (raw.length < SOCKADDR_IN_LEN) return -Errno.EINVAL;
    if (given !== AF_INET) return -Errno.EAFNOSUPPORT;
    return { ip: [...raw.subarray(4, 8)].join('.'), port: (raw[2]! << 8) | raw[3]! };
  }
  if (raw.length < SOCKADDR_IN6_LEN || given !== AF_INET6) return -Errno.EINVAL;
  return { ip: ipv6FromBytes(raw.subarray(8, 24)), port: (raw[2]! << 8) | raw[3]! };
}

/** The sockaddr_in (IPv4 socket) or sockaddr_in6 (IPv6 socket) of an address. */
export function encodeInet(family: number, a: InetAddress | undefined): Buffer {
  const out = Buffer.alloc(family === AF_INET ? SOCKADDR_IN_LEN : SOCKADDR_IN6_LEN);
  out.writeUInt16LE(family, 0);
  if (!a) return out;
  out.writeUInt16BE(a.port, 2);
  if (family === AF_INET) Buffer.from(ipv4Bytes(a.ip)).copy(out, 4);
  else Buffer.from(ipv6Bytes(a.ip)).copy(out, 8);
  return out;
}

/** The unspecified ("any") address of a family. */
export function anyAddress(family: number): string {
  return family === AF_INET ? '0.0.0.0' : '::';
}

export function isAnyAddress(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

/** Addresses of the sandbox's only interface, lo: 127.0.0.0/8 and ::1. */
export function isLoopback(ip: string): boolean {
  return isIpv4(ip) ? ip.startsWith('127.') : ip === '::1';
}
