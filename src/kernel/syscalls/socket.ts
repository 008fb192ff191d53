// Sockets: creation, names and connections. AF_UNIX sockets (stream, datagram, seqpacket;
// filesystem and abstract names in kernel state), the loopback network's AF_INET and AF_INET6
// sockets (TCP as streams, UDP as datagrams; loopback.ts has their ports) and AF_NETLINK's
// route sockets (netlink.ts). Data moves through the same queues for every family
// (socket_transfer.ts); options: socket_options.ts.
import { Errno } from '../errno.js';
import { closeFd, lookupOpenFd, lowestFreeFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { SocketCreds, SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { createSocketFile, socketFileAt } from './socket_files.js';
import { O_NONBLOCK, O_RDWR } from '../abi/open_flags.js';
import { AF_INET, AF_INET6, anyAddress, formatInet, isAnyAddress, parseInet } from './inet_address.js';
import {
  IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, SOCK_STREAM, autobindAddress, bindAddress, destinationOf, portKey, reachable, sentFrom, socketAt, sourceFor,
} from './loopback.js';
import { AF_UNIX, encodeAddress, familyOf, isInet, readAddress, writeAddress } from './socket_address.js';
import { stdioUnixSocket } from './stdio_socket.js';
import { AF_NETLINK, bindNetlink, checkNetlinkType, connectNetlink, isNetlink } from './netlink.js';
import { CAP_NET_BIND_SERVICE, capable } from '../task/capabilities.js';
import { IPPROTO_ICMP, SOCK_RAW, bindRaw, checkIcmpType, connectRaw, isRawSocket } from './icmp_raw.js';

const SOCK_DGRAM = 2;
/** IPv6's ICMP protocol: ping6 sockets, refused as ping sockets are (icmp_raw.ts). */
const IPPROTO_ICMPV6 = 58;
const SOCK_SEQPACKET = 5;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
/** /proc/sys/net/core/somaxconn's default. */
export const SOMAXCONN = 4096;

// ---- creation --------------------------------------------------------------------------

export function credsOf(ctx: SyscallContext): SocketCreds {
  return { pid: ctx.process.pid, uid: ctx.process.creds.euid, gid: ctx.process.creds.egid };
}

function newSocket(ctx: SyscallContext, family: number, type: number, creds: SocketCreds = credsOf(ctx), protocol = 0): number {
  const id = ctx.kernel.state.nextObjectId;
  ctx.emit({ type: 'SocketCreated', id, socketType: type, creds, ...(family === AF_UNIX ? {} : { family }), ...(protocol === 0 ? {} : { protocol }) });
  return id;
}

function openSocketFile(ctx: SyscallContext, id: number, flags: number): number {
  return openNewFile(ctx, {
    kind: 'socket',
    path: `socket:[${id}]`,
    flags: O_RDWR | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0),
    cloexec: (flags & SOCK_CLOEXEC) !== 0,
    objectId: id,
  });
}

/** The base type of a socket() type argument, or -errno. */
function checkType(family: number, type: number, protocol: number): number {
  const base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -Errno.EINVAL;
  if (family === AF_NETLINK) return checkNetlinkType(base, protocol);
  if (family === AF_UNIX) {
    // Linux's unix_create: a SOCK_RAW one is a datagram socket; the protocol may be 0 or PF_UNIX.
    if (base !== SOCK_STREAM && base !== SOCK_DGRAM && base !== SOCK_SEQPACKET && base !== SOCK_RAW) return -Errno.ESOCKTNOSUPPORT;
    if (protocol !== 0 && protocol !== AF_UNIX) return -Errno.EPROTONOSUPPORT;
    return base === SOCK_RAW ? SOCK_DGRAM : base;
  }
  if (base !== SOCK_STREAM && base !== SOCK_DGRAM) return -Errno.ESOCKTNOSUPPORT;
  const own = base === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
  return protocol === 0 || protocol === own || (base === SOCK_DGRAM && protocol === IPPROTO_UDPLITE) ? base : -Errno.EPROTONOSUPPORT;
}

/** socket(): AF_UNIX, AF_INET/AF_INET6 on the loopback, AF_NETLINK's routes; other families are not offered. */
export function sysSocket(ctx: SyscallContext): Outcome {
  const family = ctx.int(0);
  if (family !== AF_UNIX && family !== AF_INET && family !== AF_INET6 && family !== AF_NETLINK) return -Errno.EAFNOSUPPORT;
  const type = ctx.int(1);
  const protocol = ctx.int(2);
  const raw = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  const icmp = (family === AF_INET || family === AF_INET6) && !(type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) &&
    (raw === SOCK_RAW || (raw === SOCK_DGRAM && protocol === (family === AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6)));
  const base = icmp ? checkIcmpType(ctx, family, raw, protocol) : checkType(family, type, protocol);
  if (base < 0) return base;
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  // Only netlink, raw and UDP-Lite sockets keep their protocol: other inet ones follow from the type, unix has none.
  const kept = family === AF_NETLINK || base === SOCK_RAW || protocol === IPPROTO_UDPLITE ? protocol : 0;
  return openSocketFile(ctx, newSocket(ctx, family, base, credsOf(ctx), kept), type);
}

export function sysSocketpair(ctx: SyscallContext): Outcome {
  const family = ctx.int(0);
  if (family === AF_INET || family === AF_INET6 || family === AF_NETLINK) return -Errno.EOPNOTSUPP;
  if (family !== AF_UNIX) return -Errno.EAFNOSUPPORT;
  const type = ctx.int(1);
  const base = checkType(family, type, ctx.int(2));
  if (base < 0) return base;
  const first = lowestFreeFd(ctx.process);
  if (first < 0 || lowestFreeFd(ctx.process, first + 1) < 0) return -Errno.EMFILE;
  const a = newSocket(ctx, family, base);
  const b = newSocket(ctx, family, base);
  ctx.emit({ type: 'SocketsConnected', a, b });
  const fa = openSocketFile(ctx, a, type);
  const fb = openSocketFile(ctx, b, type);
  const out = Buffer.alloc(8);
  out.writeInt32LE(fa, 0);
  out.writeInt32LE(fb, 4);
  if (!ctx.write(ctx.args[3]!, out)) {
    closeFd(ctx, fa);
    closeFd(ctx, fb);
    return -Errno.EFAULT;
  }
  return 0;
}

export function socketOf(ctx: SyscallContext, fd: number): { d: FdLookup; s: SocketState } | number {
  const d = lookupOpenFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'socket') return -Errno.ENOTSOCK;
  const s = ctx.kernel.state.sockets.get(d.file.objectId!);
  return s ? { d, s } : -Errno.EBADF;
}

// ---- names -----------------------------------------------------------------------------

function bindInet(ctx: SyscallContext, s: SocketState, address: string): Outcome {
  const bound = bindAddress(ctx.kernel.state, s, parseInet(address), capable(ctx.process.creds, CAP_NET_BIND_SERVICE));
  if (typeof bound === 'number') return bound;
  ctx.emit({ type: 'SocketBound', id: s.id, address: formatInet(bound), key: portKey(s, bound), requested: address });
  return 0;
}

/** Gives an unbound inet socket an ephemeral port on `ip` (connect, listen and send do, as on Linux). */
function autobind(ctx: SyscallContext, s: SocketState, ip: string): number {
  if (s.address !== undefined) return 0;
  const bound = autobindAddress(ctx.kernel.state, s, ip);
  if (typeof bound === 'number') return -Errno.EAGAIN;
  ctx.emit({ type: 'SocketBound', id: s.id, address: formatInet(bound), key: portKey(s, bound) });
  return 0;
}

/** sizeof(sa_family_t): a sockaddr_un of only a family asks for an autobind. */
const FAMILY_ONLY = 2;

/**
 * bind(fd, {AF_UNIX}, 2): unix(7)'s autobind, a free abstract name of five hex digits ("\0" +
 * "%05x"); a socket that already has a name keeps it (0, as on Linux).
 */
function autobindUnix(ctx: SyscallContext, s: SocketState): Outcome {
  const raw = ctx.read(ctx.args[1]!, FAMILY_ONLY);
  if (!raw) return -Errno.EFAULT;
  if ((raw[0]! | (raw[1]! << 8)) !== AF_UNIX) return -Errno.EINVAL;
  if (s.address !== undefined) return 0;
  const names = ctx.kernel.state.socketNames;
  for (let n = 0; n <= 0xfffff; n++) {
    const address = `\0${n.toString(16).padStart(5, '0')}`;
    if (names.has(address)) continue;
    ctx.emit({ type: 'SocketBound', id: s.id, address, key: address });
    return 0;
  }
  return -Errno.ENOSPC;
}

export function sysBind(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  if (familyOf(sock.s) === AF_UNIX && ctx.int(2) === FAMILY_ONLY) return autobindUnix(ctx, sock.s);
  const address = readAddress(ctx, familyOf(sock.s), ctx.args[1]!, ctx.int(2));
  if (typeof address === 'number') return address;
  if (isNetlink(sock.s)) return bindNetlink(ctx, sock.s, address);
  if (sock.s.address !== undefined) return -Errno.EINVAL;
  if (isRawSocket(sock.s)) return bindRaw(ctx, sock.s, address);
  if (isInet(sock.s)) return bindInet(ctx, sock.s, address);
  let key = address;
  if (address.startsWith('\0')) {
    if (ctx.kernel.state.socketNames.has(address)) return -Errno.EADDRINUSE;
  } else {
    // A filesystem name is a socket file (EADDRINUSE if anything is there), found by its file.
    const name = createSocketFile(ctx, address);
    if (typeof name === 'number') return name;
    key = name;
  }
  ctx.emit({ type: 'SocketBound', id: sock.s.id, address, key });
  return 0;
}

/**
 * The socket an address reaches, for a socket like `from`: a unix name or socket file, or the
 * loopback socket with the destination's port (undefined: nobody has it); or -errno.
 */
export function addressedSocket(ctx: SyscallContext, from: SocketState, address: string): SocketState | undefined | number {
  const state = ctx.kernel.state;
  if (isInet(from)) {
    const to = parseInet(address);
    if (!reachable(to)) return -Errno.ENETUNREACH;
    return socketAt(state, from, destinationOf(to, familyOf(from)));
  }
  let key = address;
  if (!address.startsWith('\0')) {
    const name = socketFileAt(ctx, address);
    if (typeof name === 'number') return name;
    key = name;
  }
  const id = state.socketNames.get(key);
  const target = id === undefined ? undefined : state.sockets.get(id);
  return target ?? -Errno.ECONNREFUSED;
}

/** Before an unbound inet socket sends to `address`: an ephemeral port on the wildcard address, or -errno. */
export function prepareInetSender(ctx: SyscallContext, s: SocketState, address: string): number {
  if (!reachable(parseInet(address))) return -Errno.ENETUNREACH;
  return autobind(ctx, s, anyAddress(familyOf(s)));
}

/** A connecting inet socket's local address: its port (ephemeral if unbound) on the source address of the route. */
function connectLocal(ctx: SyscallContext, s: SocketState, address: string): number {
  const to = parseInet(address);
  if (!reachable(to)) return -Errno.ENETUNREACH;
  const source = sourceFor(destinationOf(to, familyOf(s)));
  if (s.address === undefined) return autobind(ctx, s, source);
  const local = sentFrom(parseInet(s.address), to);
  if (local.ip !== parseInet(s.address).ip) ctx.emit({ type: 'SocketBound', id: s.id, address: formatInet(local), key: portKey(s, local) });
  return 0;
}

export function sysListen(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  if (sock.s.type === SOCK_DGRAM || isRawSocket(sock.s) || isNetlink(sock.s)) return -Errno.EOPNOTSUPP;
  if (sock.s.peer !== undefined) return -Errno.EINVAL;
  if (isInet(sock.s)) {
    const r = autobind(ctx, sock.s, anyAddress(familyOf(sock.s)));
    if (r < 0) return r;
  } else if (sock.s.address === undefined) {
    return -Errno.EINVAL; // Linux autobinds a unix socket to an abstract name; tsvisor asks for one
  }
  // A negative backlog is a large unsigned one: either way somaxconn caps it.
  const requested = ctx.int(1);
  const limit = requested < 0 || requested > SOMAXCONN ? SOMAXCONN : requested;
  if (!sock.s.listening || sock.s.backlogLimit !== limit) ctx.emit({ type: 'SocketListening', id: sock.s.id, limit });
  return 0;
}

// ---- connections -----------------------------------------------------------------------

/** A non-blocking connect reports EINPROGRESS; its outcome waits for SO_ERROR or the next connect. */
function connectOutcome(ctx: SyscallContext, sock: { d: FdLookup; s: SocketState }, result: number): number {
  if (!isInet(sock.s) || sock.s.type !== SOCK_STREAM || (sock.d.file.flags & O_NONBLOCK) === 0) return result;
  ctx.emit({ type: 'SocketConnectResult', id: sock.s.id, result: -result });
  return -Errno.EINPROGRESS;
}

const AF_UNSPEC = 0;

/** The sa_family connect() was given (-EFAULT; undefined when the length leaves it out). */
function familyAsked(ctx: SyscallContext): number | undefined {
  if (ctx.int(2) < 2) return undefined;
  const raw = ctx.read(ctx.args[1]!, 2);
  return raw ? raw[0]! | (raw[1]! << 8) : -Errno.EFAULT;
}

/**
 * connect(AF_UNSPEC) of a datagram socket (UDP, unix, raw, netlink) dissolves its association
 * (Linux's udp_disconnect, unix_dgram_connect): no default destination any more. An inet socket
 * also gives back what connect chose for it: a port bind() did not ask for (ENOTCONN, and
 * getsockname 0.0.0.0:0, until it sends again), a source address where bind() asked for a
 * wildcard one.
 */
function disconnect(ctx: SyscallContext, s: SocketState): number {
  if (!isInet(s) || isRawSocket(s) || s.address === undefined) {
    ctx.emit({ type: 'SocketDisconnected', id: s.id });
    return 0;
  }
  const requested = s.requested === undefined ? undefined : parseInet(s.requested);
  if (!requested || requested.port === 0) {
    ctx.emit({ type: 'SocketDisconnected', id: s.id, local: 'unbound' });
    return 0;
  }
  const current = parseInet(s.address);
  const local = isAnyAddress(requested.ip) ? { ip: requested.ip, port: current.port } : current;
  ctx.emit({ type: 'SocketDisconnected', id: s.id, local: { address: formatInet(local), key: portKey(s, local) } });
  return 0;
}

export function sysConnect(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  const s = sock.s;
  if (s.connectResult !== undefined) {
    ctx.emit({ type: 'SocketConnectResult', id: s.id });
    return -s.connectResult;
  }
  if (s.type !== SOCK_STREAM && s.type !== SOCK_SEQPACKET) {
    const family = familyAsked(ctx);
    if (family === AF_UNSPEC) return disconnect(ctx, s);
    if (family === -Errno.EFAULT) return family;
  }
  const address = readAddress(ctx, familyOf(s), ctx.args[1]!, ctx.int(2));
  if (typeof address === 'number') return address;
  if (isNetlink(s)) return connectNetlink(ctx, s, address);
  if (isRawSocket(s)) return connectRaw(ctx, s, address);
  if (s.type !== SOCK_DGRAM && s.peer !== undefined) return -Errno.EISCONN;
  if (isInet(s)) {
    if (s.listening) return -Errno.EISCONN;
    const r = connectLocal(ctx, s, address);
    if (r < 0) return r;
  }
  const target = addressedSocket(ctx, s, address);
  if (typeof target === 'number') return target;
  if (s.type === SOCK_DGRAM) {
    if (target && target.type !== s.type) return -Errno.EPROTOTYPE;
    const to = isInet(s) ? formatInet(destinationOf(parseInet(address), familyOf(s))) : address;
    ctx.emit({ type: 'SocketDatagramPeerSet', id: s.id, address: to });
    return 0;
  }
  if (!target || !target.listening) return connectOutcome(ctx, sock, -Errno.ECONNREFUSED);
  if (target.type !== s.type) return -Errno.EPROTOTYPE;
  // The server's end of the new connection waits in the listener's backlog for accept().
  const serverEnd = newSocket(ctx, familyOf(target), target.type, target.creds);
  ctx.emit({ type: 'SocketsConnected', a: s.id, b: serverEnd });
  ctx.emit({ type: 'SocketConnectionQueued', listener: target.id, id: serverEnd });
  // The accepted end's own name (getsockname): the listener's, or for a loopback listener on the
  // wildcard address, the address the client connected to. It is not findable by it.
  const local = isInet(s) ? formatInet({ ...destinationOf(parseInet(address), familyOf(s)), port: parseInet(target.address!).port }) : target.address;
  if (local !== undefined) ctx.emit({ type: 'SocketBound', id: serverEnd, address: local, key: `accepted:${serverEnd}` });
  ctx.kernel.notify(`socket:${target.id}`);
  return connectOutcome(ctx, sock, 0);
}

function accept(ctx: SyscallContext, flags: number): Outcome {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return -Errno.EINVAL;
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  // Only connection sockets accept (Linux's sock_no_accept for the others).
  if (sock.s.type === SOCK_DGRAM || isRawSocket(sock.s) || isNetlink(sock.s)) return -Errno.EOPNOTSUPP;
  if (!sock.s.listening) return -Errno.EINVAL;
  const listener = sock.s.id;
  const family = familyOf(sock.s);
  const nonblock = (sock.d.file.flags & O_NONBLOCK) !== 0;
  const attempt = (): number | null => {
    const l = ctx.kernel.state.sockets.get(listener);
    if (!l) return -Errno.EBADF;
    const next = l.backlog[0];
    if (next === undefined) return nonblock ? -Errno.EAGAIN : null;
    if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
    ctx.emit({ type: 'SocketConnectionAccepted', listener, id: next });
    const fd = openSocketFile(ctx, next, flags);
    const peer = ctx.kernel.state.sockets.get(ctx.kernel.state.sockets.get(next)?.peer ?? -1);
    const r = writeAddress(ctx, family, ctx.args[1]!, ctx.args[2]!, peer?.address);
    if (r >= 0) return fd;
    // The peer's address could not be stored: the connection is taken and dropped, the fd freed (Linux's out_fd).
    closeFd(ctx, fd);
    return r;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`socket:${listener}`], attempt);
}

export function sysAccept(ctx: SyscallContext): Outcome {
  return accept(ctx, 0);
}

export function sysAccept4(ctx: SyscallContext): Outcome {
  return accept(ctx, ctx.uint(3));
}

export function sysGetsockname(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') {
    const host = stdioUnixSocket(ctx, ctx.int(0));
    return host ? writeName(ctx, AF_UNIX, host.name) : sock;
  }
  return writeName(ctx, familyOf(sock.s), sock.s.address);
}

export function sysGetpeername(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') {
    const host = stdioUnixSocket(ctx, ctx.int(0));
    return host ? writeName(ctx, AF_UNIX, undefined) : sock;
  }
  const peer = (sock.s.peer === undefined ? undefined : ctx.kernel.state.sockets.get(sock.s.peer)) ?? sock.s.closedPeer;
  if (!peer && sock.s.peerAddress === undefined) return -Errno.ENOTCONN;
  return writeName(ctx, familyOf(sock.s), peer ? peer.address : sock.s.peerAddress);
}

/**
 * getsockname's and getpeername's (addr, *addrlen) = (args[1], args[2]): unlike accept's,
 * both are required. Linux reads *addrlen, copies that much of the name to addr (a NULL addr
 * faults unless *addrlen is 0), and writes the name's length back.
 */
function writeName(ctx: SyscallContext, family: number, address: string | undefined): number {
  const [addr, lenAddr] = [ctx.args[1]!, ctx.args[2]!];
  if (addr !== 0) return writeAddress(ctx, family, addr, lenAddr, address);
  const lenRaw = ctx.read(lenAddr, 4);
  if (!lenRaw) return -Errno.EFAULT;
  const room = Buffer.from(lenRaw).readInt32LE();
  if (room < 0) return -Errno.EINVAL;
  if (room > 0) return -Errno.EFAULT;
  const out = Buffer.alloc(4);
  out.writeInt32LE(encodeAddress(family, address).length);
  return ctx.write(lenAddr, out) ? 0 : -Errno.EFAULT;
}

export function sysShutdown(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  const how = ctx.int(1);
  if (how < 0 || how > 2) return -Errno.EINVAL;
  if (sock.s.peer === undefined && sock.s.type !== SOCK_DGRAM) return -Errno.ENOTCONN;
  const read = how !== 1;
  const write = how !== 0;
  ctx.emit({ type: 'SocketShutdown', id: sock.s.id, read, write });
  // Only a connection's peer hears of it (a datagram pair's does not: Linux's unix_shutdown):
  // shutting the write side is the peer's EOF, and a unix socket's read side the peer's writes.
  if (sock.s.peer !== undefined && sock.s.type !== SOCK_DGRAM) {
    const peerWrite = read && sock.s.family === undefined;
    if (write || peerWrite) ctx.emit({ type: 'SocketShutdown', id: sock.s.peer, read: write, write: peerWrite });
  }
  ctx.kernel.notify(`socket:${sock.s.id}`);
  if (sock.s.peer !== undefined) ctx.kernel.notify(`socket:${sock.s.peer}`);
  return 0;
}
