// The sandbox's network: one loopback interface (127.0.0.0/8 and ::1) and nothing else, as
// in runsc --network=none. TCP and UDP ports live in the kernel's socket names
// (state.socketNames, key "tcp 127.0.0.1:80" or "udp [::]:53"): binding takes one, connect and
// sendto find the socket that has the destination's. Addresses elsewhere are unreachable.
// Sockets that may share a port (SO_REUSEPORT set before bind, for TCP and UDP; SO_REUSEADDR
// for UDP) are named with their id after it ("tcp 127.0.0.1:80#12"), so that several hold it:
// a connection goes to one of the listening ones, picked by the connecting socket (Linux hashes
// the addresses), a datagram to one of a SO_REUSEPORT group the same way, and otherwise to the
// one bound last (as Linux's unicast lookup finds it).
import { Errno } from '../errno.js';
import type { KernelState, SocketState } from '../state.js';
import { AF_INET, AF_INET6, anyAddress, formatInet, isAnyAddress, isIpv4, isLoopback, parseInet, type InetAddress } from './inet_address.js';

export const SOCK_STREAM = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
/** UDP-Lite (RFC 3828): UDP whose checksum may cover only a prefix; on the loopback, nothing is corrupted, so UDP. */
export const IPPROTO_UDPLITE = 136;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;
/** /proc/sys/net/ipv4/ip_local_port_range's default. */
export const EPHEMERAL_FIRST = 32768;
export const EPHEMERAL_LAST = 60999;

type Proto = 'tcp' | 'udp' | 'udplite';

function protoOf(s: SocketState): Proto {
  // UDP-Lite has ports of its own, as on Linux (its own hash table).
  return s.type === SOCK_STREAM ? 'tcp' : s.protocol === IPPROTO_UDPLITE ? 'udplite' : 'udp';
}

export function portKey(s: SocketState, a: InetAddress): string {
  const key = `${protoOf(s)} ${formatInet(a)}`;
  return mayShare(s) ? `${key}${SHARED}${s.id}` : key;
}

/** Between a port's key and the id of a socket sharing it. */
const SHARED = '#';

/** The address and port a key names, whether its socket shares them or not. */
function keyAddress(key: string, proto: Proto): string {
  const end = key.indexOf(SHARED);
  return key.slice(proto.length + 1, end < 0 ? undefined : end);
}

/** The value a program set with setsockopt(level, name), if it did. */
export function optionOf(s: SocketState, level: number, name: number): number | undefined {
  return s.options?.[`${level}:${name}`];
}

const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_REUSEPORT = 15;

function optionOn(s: SocketState, name: number): boolean {
  return (optionOf(s, SOL_SOCKET, name) ?? 0) !== 0;
}

/** Whether the socket may hold a port with others: SO_REUSEPORT, or SO_REUSEADDR for UDP. */
function mayShare(s: SocketState): boolean {
  return optionOn(s, SO_REUSEPORT) || (protoOf(s) !== 'tcp' && optionOn(s, SO_REUSEADDR));
}

/** Whether s may bind where holder is: both SO_REUSEPORT and one owner, or (UDP) both SO_REUSEADDR. */
function sharesWith(s: SocketState, holder: SocketState): boolean {
  if (optionOn(s, SO_REUSEPORT) && optionOn(holder, SO_REUSEPORT) && s.creds.uid === holder.creds.uid) return true;
  return protoOf(s) !== 'tcp' && optionOn(s, SO_REUSEADDR) && optionOn(holder, SO_REUSEADDR);
}

function v6only(s: SocketState): boolean {
  return (optionOf(s, IPPROTO_IPV6, IPV6_V6ONLY) ?? 0) !== 0;
}

/** Whether an address bound by `holder` covers `ip`: the same, or a wildcard of its family (IPv6's covers IPv4 too unless V6ONLY). */
function covers(holderIp: string, holder: SocketState, ip: string): boolean {
  if (holderIp === ip) return true;
  if (holderIp === '0.0.0.0') return isIpv4(ip);
  if (holderIp === '::') return !isIpv4(ip) || !v6only(holder);
  return false;
}

/** The socket holding a port that binding (ip, port) would clash with (sharing: unless both may share it). */
function holderOf(state: KernelState, s: SocketState, ip: string, port: number, sharing: boolean): SocketState | undefined {
  const proto = protoOf(s);
  for (const [key, id] of state.socketNames) {
    if (!key.startsWith(`${proto} `)) continue;
    const other = parseInet(keyAddress(key, proto));
    if (other.port !== port) continue;
    const holder = state.sockets.get(id);
    if (!holder || holder.id === s.id || !(covers(other.ip, holder, ip) || covers(ip, s, other.ip))) continue;
    if (!sharing || !sharesWith(s, holder)) return holder;
  }
  return undefined;
}

/** A free ephemeral port for (ip): spread by socket id so that a closed socket's port is not the next one handed out. */
function ephemeralPort(state: KernelState, s: SocketState, ip: string): number | undefined {
  const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
  const start = (s.id * 7919) % span;
  for (let i = 0; i < span; i++) {
    const port = EPHEMERAL_FIRST + ((start + i) % span);
    if (!holderOf(state, s, ip, port, false)) return port;
  }
  return undefined;
}

/**
 * The address bind() gives the socket (port 0 takes an ephemeral one), or -errno:
 * EADDRNOTAVAIL off the loopback, EACCES for a port below 1024 without privilege, EADDRINUSE.
 */
export function bindAddress(state: KernelState, s: SocketState, want: InetAddress, privileged: boolean): InetAddress | number {
  if (!isAnyAddress(want.ip) && !isLoopback(want.ip)) return -Errno.EADDRNOTAVAIL;
  if (want.port === 0) {
    const port = ephemeralPort(state, s, want.ip);
    return port === undefined ? -Errno.EADDRINUSE : { ip: want.ip, port };
  }
  if (want.port < 1024 && !privileged) return -Errno.EACCES;
  return holderOf(state, s, want.ip, want.port, true) ? -Errno.EADDRINUSE : want;
}

/** The local address an unbound socket takes when it connects, listens or sends: an ephemeral port. */
export function autobindAddress(state: KernelState, s: SocketState, ip: string): InetAddress | number {
  return bindAddress(state, s, { ip, port: 0 }, true);
}

/** Where a destination really is: the unspecified address means this host (Linux routes it to the loopback). */
export function destinationOf(to: InetAddress, family: number): InetAddress {
  if (!isAnyAddress(to.ip)) return to;
  return { ip: isIpv4(to.ip) || family === AF_INET ? '127.0.0.1' : '::1', port: to.port };
}

/** The socket of `proto` bound to receive at `to` (already through destinationOf), if any. */
export function socketAt(state: KernelState, like: SocketState, to: InetAddress): SocketState | undefined {
  const proto = protoOf(like);
  const exact = `${proto} ${formatInet(to)}`;
  const wildcard = `${proto} ${formatInet({ ip: anyAddress(isIpv4(to.ip) ? AF_INET : AF_INET6), port: to.port })}`;
  const dual = isIpv4(to.ip) ? `${proto} ${formatInet({ ip: '::', port: to.port })}` : undefined;
  for (const key of [exact, wildcard, dual]) {
    const id = key === undefined ? undefined : state.socketNames.get(key);
    const s = id === undefined ? undefined : state.sockets.get(id);
    if (s && (key !== dual || !v6only(s))) return s;
  }
  // Nobody holds it alone: sockets that share it, if any (a scan, only when the fast lookups miss).
  for (const key of [exact, wildcard, dual]) {
    if (key === undefined) continue;
    const group = [...state.socketNames].flatMap(([name, id]) => (name.startsWith(key + SHARED) ? [state.sockets.get(id)!] : [])).filter((s) => s && (key !== dual || !v6only(s)));
    if (group.length > 0) return pickShared(like, group);
  }
  return undefined;
}

/** The one of the sockets sharing a port that gets what like sends or its connection (group in bind order). */
function pickShared(like: SocketState, group: SocketState[]): SocketState {
  const listening = group.filter((s) => s.listening);
  const candidates = like.type === SOCK_STREAM && listening.length > 0 ? listening : group;
  if (candidates.every((s) => optionOn(s, SO_REUSEPORT))) return candidates[spread(like.id) % candidates.length]!;
  return candidates[candidates.length - 1]!;
}

/** A socket id's bits mixed (ids of sockets made one after another differ by a stride). */
function spread(id: number): number {
  let h = Math.imul(id ^ (id >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The source address of what is sent to `to`: lo's own address of that family. */
export function sourceFor(to: InetAddress): string {
  return isIpv4(to.ip) ? '127.0.0.1' : '::1';
}

/** The address a socket bound to `local` is seen to send from towards `to` (a wildcard is replaced by the source). */
export function sentFrom(local: InetAddress, to: InetAddress): InetAddress {
  return isAnyAddress(local.ip) ? { ip: sourceFor(to), port: local.port } : local;
}

/** Whether a destination is on the sandbox's network at all (else ENETUNREACH). */
export function reachable(to: InetAddress): boolean {
  return isAnyAddress(to.ip) || isLoopback(to.ip);
}
