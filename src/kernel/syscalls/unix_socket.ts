// AF_UNIX sockets: stream, datagram and seqpacket, socketpair, the filesystem and abstract
// namespaces (names live in kernel state), SCM_RIGHTS and SCM_CREDENTIALS.
import { Errno } from '../errno.js';
import { closeFd, lookupFd, lowestFreeFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { SocketCreds, SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { createSocketFile, socketFileAt } from './fs_write.js';
import { O_NONBLOCK, O_RDWR } from '../abi/open_flags.js';
import { SIGPIPE } from '../abi/signals.js';

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_SEQPACKET = 5;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_OOB = 0x1;
const MSG_PEEK = 0x2;
const MSG_CTRUNC = 0x8;
const MSG_TRUNC = 0x20;
const MSG_DONTWAIT = 0x40;
const MSG_EOR = 0x80;
const MSG_WAITALL = 0x100;
const MSG_NOSIGNAL = 0x4000;
const MSG_CMSG_CLOEXEC = 0x40000000;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
const SCM_CREDENTIALS = 2;
/** How many bytes a socket's receive queue takes before senders wait (Linux's default). */
const QUEUE_LIMIT = 212992;
const SUN_PATH_MAX = 108;
const SCM_MAX_FD = 253;

// ---- creation, names ---------------------------------------------------------------------

function credsOf(ctx: SyscallContext): SocketCreds {
  return { pid: ctx.process.pid, uid: ctx.process.creds.euid, gid: ctx.process.creds.egid };
}

function newSocket(ctx: SyscallContext, type: number): number {
  const id = ctx.kernel.state.nextObjectId;
  ctx.emit({ type: 'SocketCreated', id, socketType: type, creds: credsOf(ctx) });
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

function checkType(type: number): number | null {
  const base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) return null;
  return base === SOCK_STREAM || base === SOCK_DGRAM || base === SOCK_SEQPACKET ? base : null;
}

/** socket(AF_UNIX, ...); other families are not offered (no network yet). */
export function createUnixSocket(ctx: SyscallContext, type: number, protocol: number): Outcome {
  const base = checkType(type);
  if (base === null) return -Errno.EINVAL;
  if (protocol !== 0) return -Errno.EPROTONOSUPPORT;
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  return openSocketFile(ctx, newSocket(ctx, base), type);
}

export function sysSocketpair(ctx: SyscallContext): Outcome {
  if (ctx.int(0) !== AF_UNIX) return -Errno.EAFNOSUPPORT;
  const type = ctx.int(1);
  const base = checkType(type);
  if (base === null) return -Errno.EINVAL;
  if (ctx.int(2) !== 0) return -Errno.EPROTONOSUPPORT;
  const first = lowestFreeFd(ctx.process);
  if (first < 0 || lowestFreeFd(ctx.process, first + 1) < 0) return -Errno.EMFILE;
  const a = newSocket(ctx, base);
  const b = newSocket(ctx, base);
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

function socketOf(ctx: SyscallContext, fd: number): { d: FdLookup; s: SocketState } | number {
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'socket') return -Errno.ENOTSOCK;
  const s = ctx.kernel.state.sockets.get(d.file.objectId!);
  return s ? { d, s } : -Errno.EBADF;
}

/** Reads a sockaddr_un: the address (a path as given, or "\0name"), or -errno. */
function readAddress(ctx: SyscallContext, addr: number, len: number): string | number {
  if (len < 2 || len > 2 + SUN_PATH_MAX) return -Errno.EINVAL;
  const raw = ctx.read(addr, len);
  if (!raw) return -Errno.EFAULT;
  if ((raw[0]! | (raw[1]! << 8)) !== AF_UNIX) return -Errno.EINVAL;
  const path = raw.subarray(2);
  if (path.length === 0) return -Errno.EINVAL;
  if (path[0] === 0) return '\0' + Buffer.from(path.subarray(1)).toString('latin1');
  const end = path.indexOf(0);
  // The path as given: the socket file is looked up from the cwd, and getsockname shows it so.
  return Buffer.from(end < 0 ? path : path.subarray(0, end)).toString('utf8');
}

function encodeAddress(address: string | undefined): Buffer {
  if (address === undefined) return Buffer.from([AF_UNIX, 0]);
  const name = address.startsWith('\0') ? Buffer.from(address, 'latin1') : Buffer.concat([Buffer.from(address), Buffer.from([0])]);
  return Buffer.concat([Buffer.from([AF_UNIX, 0]), name]);
}

/** Writes an address to (addr, *addrlen) as getsockname/accept/recvfrom do. */
function writeAddress(ctx: SyscallContext, addr: number, lenAddr: number, address: string | undefined): number {
  if (addr === 0) return 0;
  const lenRaw = ctx.read(lenAddr, 4);
  if (!lenRaw) return -Errno.EFAULT;
  const room = Buffer.from(lenRaw).readInt32LE();
  if (room < 0) return -Errno.EINVAL;
  const bytes = encodeAddress(address);
  if (!ctx.write(addr, bytes.subarray(0, Math.min(room, bytes.length)))) return -Errno.EFAULT;
  const out = Buffer.alloc(4);
  out.writeInt32LE(bytes.length);
  return ctx.write(lenAddr, out) ? 0 : -Errno.EFAULT;
}

/** How connect finds a bound socket: its abstract name, or the overlay node of its socket file. */
function nameKey(node: { id: number }): string {
  return `node:${node.id}`;
}

export function sysBind(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  const address = readAddress(ctx, ctx.args[1]!, ctx.int(2));
  if (typeof address === 'number') return address;
  if (sock.s.address !== undefined) return -Errno.EINVAL;
  let key = address;
  if (address.startsWith('\0')) {
    if (ctx.kernel.state.socketNames.has(address)) return -Errno.EADDRINUSE;
  } else {
    // A filesystem name is a socket file in the overlay (EADDRINUSE if anything is there).
    const node = createSocketFile(ctx, address);
    if (typeof node === 'number') return node;
    key = nameKey(node);
  }
  ctx.emit({ type: 'SocketBound', id: sock.s.id, address, key });
  return 0;
}

/** The socket bound to an address: by abstract name, or through the socket file at a path. */
function boundSocket(ctx: SyscallContext, address: string): SocketState | number {
  const state = ctx.kernel.state;
  let key = address;
  if (!address.startsWith('\0')) {
    const node = socketFileAt(ctx, address);
    if (typeof node === 'number') return node;
    key = nameKey(node);
  }
  const id = state.socketNames.get(key);
  const target = id === undefined ? undefined : state.sockets.get(id);
  return target ?? -Errno.ECONNREFUSED;
}

export function sysListen(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  if (sock.s.type === SOCK_DGRAM) return -Errno.EOPNOTSUPP;
  if (sock.s.peer !== undefined) return -Errno.EINVAL;
  if (sock.s.address === undefined) return -Errno.EINVAL; // Linux autobinds; tsvisor asks for a name
  if (!sock.s.listening) ctx.emit({ type: 'SocketListening', id: sock.s.id });
  return 0;
}

export function sysConnect(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  const address = readAddress(ctx, ctx.args[1]!, ctx.int(2));
  if (typeof address === 'number') return address;
  const target = boundSocket(ctx, address);
  if (typeof target === 'number') return target;
  if (target.type !== sock.s.type) return -Errno.EPROTOTYPE;
  if (sock.s.type === SOCK_DGRAM) {
    ctx.emit({ type: 'SocketDatagramPeerSet', id: sock.s.id, address });
    return 0;
  }
  if (sock.s.peer !== undefined) return -Errno.EISCONN;
  if (!target.listening) return -Errno.ECONNREFUSED;
  // The server's end of the new connection waits in the listener's backlog for accept().
  const serverEnd = ctx.kernel.state.nextObjectId;
  ctx.emit({ type: 'SocketCreated', id: serverEnd, socketType: sock.s.type, creds: target.creds });
  ctx.emit({ type: 'SocketsConnected', a: sock.s.id, b: serverEnd });
  ctx.emit({ type: 'SocketConnectionQueued', listener: target.id, id: serverEnd });
  // The accepted end reports the listener's name (getsockname), without being findable by it.
  if (target.address !== undefined) ctx.emit({ type: 'SocketBound', id: serverEnd, address: target.address, key: `accepted:${serverEnd}` });
  ctx.kernel.notify(`socket:${target.id}`);
  return 0;
}

function accept(ctx: SyscallContext, flags: number): Outcome {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return -Errno.EINVAL;
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  if (!sock.s.listening) return -Errno.EINVAL;
  const listener = sock.s.id;
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
    const r = writeAddress(ctx, ctx.args[1]!, ctx.args[2]!, peer?.address);
    return r < 0 ? r : fd;
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
  if (typeof sock === 'number') return sock;
  return writeAddress(ctx, ctx.args[1]!, ctx.args[2]!, sock.s.address);
}

export function sysGetpeername(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  const peer = sock.s.peer === undefined ? undefined : ctx.kernel.state.sockets.get(sock.s.peer);
  if (!peer && sock.s.peerAddress === undefined) return -Errno.ENOTCONN;
  return writeAddress(ctx, ctx.args[1]!, ctx.args[2]!, peer ? peer.address : sock.s.peerAddress);
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
  // Shutting the write side is the peer's EOF.
  if (write && sock.s.peer !== undefined) ctx.emit({ type: 'SocketShutdown', id: sock.s.peer, read: true, write: false });
  ctx.kernel.notify(`socket:${sock.s.id}`);
  if (sock.s.peer !== undefined) ctx.kernel.notify(`socket:${sock.s.peer}`);
  return 0;
}

// ---- options ---------------------------------------------------------------------------

const SO_TYPE = 3;
const SO_ERROR = 4;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;
const SO_PASSCRED = 16;
const SO_PEERCRED = 17;
const SO_ACCEPTCONN = 30;
const SO_DOMAIN = 39;

export function sysGetsockopt(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  if (ctx.int(1) !== SOL_SOCKET) return -Errno.ENOPROTOOPT;
  let value: Buffer;
  switch (ctx.int(2)) {
    case SO_TYPE:
      value = int32(sock.s.type);
      break;
    case SO_ERROR:
      value = int32(0);
      break;
    case SO_SNDBUF:
    case SO_RCVBUF:
      value = int32(QUEUE_LIMIT);
      break;
    case SO_PASSCRED:
      value = int32(sock.s.passcred ? 1 : 0);
      break;
    case SO_ACCEPTCONN:
      value = int32(sock.s.listening ? 1 : 0);
      break;
    case SO_DOMAIN:
      value = int32(AF_UNIX);
      break;
    case SO_PEERCRED: {
      const peer = sock.s.peer === undefined ? undefined : ctx.kernel.state.sockets.get(sock.s.peer);
      const c = peer?.creds ?? { pid: 0, uid: -1, gid: -1 };
      value = Buffer.alloc(12);
      value.writeInt32LE(c.pid, 0);
      value.writeInt32LE(c.uid, 4);
      value.writeInt32LE(c.gid, 8);
      break;
    }
    default:
      return -Errno.ENOPROTOOPT;
  }
  const lenRaw = ctx.read(ctx.args[4]!, 4);
  if (!lenRaw) return -Errno.EFAULT;
  const room = Buffer.from(lenRaw).readInt32LE();
  if (room < 0) return -Errno.EINVAL;
  const n = Math.min(room, value.length);
  if (!ctx.write(ctx.args[3]!, value.subarray(0, n)) || !ctx.write(ctx.args[4]!, int32(n))) return -Errno.EFAULT;
  return 0;
}

export function sysSetsockopt(ctx: SyscallContext): Outcome {
  const sock = socketOf(ctx, ctx.int(0));
  if (typeof sock === 'number') return sock;
  if (ctx.int(1) !== SOL_SOCKET) return -Errno.ENOPROTOOPT;
  const len = ctx.int(4);
  if (len < 0) return -Errno.EINVAL;
  const raw = ctx.read(ctx.args[3]!, Math.min(len, 64));
  if (!raw) return -Errno.EFAULT;
  if (ctx.int(2) === SO_PASSCRED) {
    if (len < 4) return -Errno.EINVAL;
    ctx.emit({ type: 'SocketPasscredSet', id: sock.s.id, on: Buffer.from(raw).readInt32LE() !== 0 });
  }
  // Buffer sizes, timeouts and the like are accepted: queues have fixed limits.
  return 0;
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

// ---- sending and receiving ---------------------------------------------------------------

interface Outgoing {
  bytes: Uint8Array;
  fileIds: number[];
  /** Explicit destination (sendto/sendmsg with a name), for datagram sockets. */
  to?: string;
}

/** Sends on a socket: stream bytes to the peer, or one datagram to its destination. */
export function sendOn(ctx: SyscallContext, d: FdLookup, out: Outgoing, flags: number): Outcome {
  const state = ctx.kernel.state;
  const id = d.file.objectId!;
  const nonblock = (d.file.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;
  const epipe = (): number => {
    if (!(flags & MSG_NOSIGNAL)) ctx.kernel.platform.signalThread(ctx.hostTid, SIGPIPE);
    return -Errno.EPIPE;
  };
  let sent = 0;
  const attempt = (): number | null => {
    const s = state.sockets.get(id);
    if (!s) return -Errno.EBADF;
    if (s.shutWrite) return sent > 0 ? sent : epipe();
    let receiver: SocketState | undefined;
    if (s.type === SOCK_DGRAM) {
      const to = out.to ?? s.peerAddress;
      if (to === undefined) return -Errno.ENOTCONN;
      const found = boundSocket(ctx, to);
      if (typeof found === 'number') return found;
      receiver = found;
    } else {
      if (out.to !== undefined && s.peer === undefined) return -Errno.EOPNOTSUPP;
      if (s.peerGone) return sent > 0 ? sent : epipe();
      if (s.peer === undefined) return -Errno.ENOTCONN;
      receiver = state.sockets.get(s.peer);
      if (!receiver || receiver.shutRead) return sent > 0 ? sent : epipe();
    }
    const whole = s.type !== SOCK_STREAM;
    const space = QUEUE_LIMIT - receiver.queued;
    const left = out.bytes.length - sent;
    if (whole && out.bytes.length > QUEUE_LIMIT) return -Errno.EMSGSIZE;
    if (space <= 0 || (whole && space < left)) return nonblock ? (sent > 0 ? sent : -Errno.EAGAIN) : null;
    const n = whole ? left : Math.min(space, left);
    ctx.emit({
      type: 'SocketMessageQueued',
      id: receiver.id,
      bytes: out.bytes.subarray(sent, sent + n),
      fileIds: sent === 0 ? out.fileIds : [],
      creds: credsOf(ctx),
      ...(s.address === undefined ? {} : { from: s.address }),
    });
    sent += n;
    ctx.kernel.notify(`socket:${receiver.id}`);
    if (sent < out.bytes.length && !nonblock) return null;
    return sent;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`socket:${id}`, ...(state.sockets.get(id)?.peer !== undefined ? [`socket:${state.sockets.get(id)!.peer}`] : [])], attempt);
}

interface Incoming {
  bytes: Uint8Array;
  fileIds: number[];
  creds?: SocketCreds;
  from?: string;
  /** The datagram was longer than asked for. */
  truncated: boolean;
  fullLength: number;
}

/**
 * Receives from a socket. deliver() stores what arrived (data, fds, address) in the
 * program and returns the syscall result; it is called once, when something is there.
 */
export function receiveOn(ctx: SyscallContext, d: FdLookup, length: number, flags: number, deliver: (msg: Incoming) => number): Outcome {
  const state = ctx.kernel.state;
  const id = d.file.objectId!;
  const nonblock = (d.file.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;
  const attempt = (): number | null => {
    const s = state.sockets.get(id);
    if (!s) return -Errno.EBADF;
    if (s.listening) return -Errno.EINVAL;
    if (s.queue.length === 0) {
      if (s.shutRead || s.peerGone) return deliver({ bytes: new Uint8Array(0), fileIds: [], truncated: false, fullLength: 0 });
      if (s.type !== SOCK_DGRAM && s.peer === undefined) return -Errno.ENOTCONN;
      return nonblock ? -Errno.EAGAIN : null;
    }
    const whole = s.type !== SOCK_STREAM;
    const first = s.queue[0]!;
    let bytes: Uint8Array;
    if (whole) {
      bytes = first.bytes.subarray(0, length);
    } else {
      if (flags & MSG_WAITALL && s.queued < length && !s.peerGone && !s.shutRead && !nonblock) return null;
      // Stream: read across messages, but not past one that carries files.
      const parts: Uint8Array[] = [];
      let got = 0;
      for (let i = 0; i < s.queue.length && got < length; i++) {
        const m = s.queue[i]!;
        if (i > 0 && m.fileIds.length > 0) break;
        const part = m.bytes.subarray(i === 0 ? s.head : 0).subarray(0, length - got);
        parts.push(part);
        got += part.length;
      }
      bytes = Buffer.concat(parts);
    }
    const r = deliver({
      bytes,
      fileIds: first.fileIds,
      creds: first.creds,
      ...(first.from === undefined ? {} : { from: first.from }),
      truncated: whole && first.bytes.length > length,
      fullLength: whole ? first.bytes.length : bytes.length,
    });
    if (r < 0) return r;
    if (!(flags & MSG_PEEK)) {
      ctx.emit({ type: 'SocketMessageTaken', id, count: bytes.length, wholeMessage: whole });
      if (s.peer !== undefined) ctx.kernel.notify(`socket:${s.peer}`);
      ctx.kernel.notify(`socket:${id}`);
    }
    return r;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`socket:${id}`], attempt);
}

function sockFd(ctx: SyscallContext): FdLookup | number {
  const sock = socketOf(ctx, ctx.int(0));
  return typeof sock === 'number' ? sock : sock.d;
}

export function sysSendto(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const flags = ctx.uint(3);
  if (flags & MSG_OOB) return -Errno.EOPNOTSUPP;
  const bytes = ctx.read(ctx.args[1]!, Math.min(ctx.args[2]!, 16 << 20));
  if (!bytes) return -Errno.EFAULT;
  let to: string | undefined;
  if (ctx.args[4]! !== 0) {
    const a = readAddress(ctx, ctx.args[4]!, ctx.int(5));
    if (typeof a === 'number') return a;
    to = a;
  }
  return sendOn(ctx, d, { bytes, fileIds: [], ...(to === undefined ? {} : { to }) }, flags);
}

export function sysRecvfrom(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const flags = ctx.uint(3);
  if (flags & MSG_OOB) return -Errno.EINVAL;
  const buf = ctx.args[1]!;
  return receiveOn(ctx, d, Math.min(ctx.args[2]!, 16 << 20), flags, (msg) => {
    if (!ctx.write(buf, msg.bytes)) return -Errno.EFAULT;
    const r = writeAddress(ctx, ctx.args[4]!, ctx.args[5]!, msg.from);
    if (r < 0) return r;
    return flags & MSG_TRUNC ? msg.fullLength : msg.bytes.length;
  });
}

interface MsgHdr {
  name: number;
  namelen: number;
  iov: Array<{ base: number; len: number }>;
  control: number;
  controllen: number;
}

function readMsgHdr(ctx: SyscallContext, addr: number): MsgHdr | number {
  const raw = ctx.read(addr, 56);
  if (!raw) return -Errno.EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset, 56);
  const iovAddr = Number(v.getBigUint64(16, true));
  const iovlen = Number(v.getBigUint64(24, true));
  if (iovlen > 1024) return -Errno.EMSGSIZE;
  const iovRaw = iovlen === 0 ? new Uint8Array(0) : ctx.read(iovAddr, iovlen * 16);
  if (!iovRaw) return -Errno.EFAULT;
  const iv = new DataView(iovRaw.buffer, iovRaw.byteOffset, iovRaw.byteLength);
  const iov = [...Array(iovlen).keys()].map((i) => ({ base: Number(iv.getBigUint64(i * 16, true)), len: Number(iv.getBigUint64(i * 16 + 8, true)) }));
  return {
    name: Number(v.getBigUint64(0, true)),
    namelen: v.getUint32(8, true),
    iov,
    control: Number(v.getBigUint64(32, true)),
    controllen: Number(v.getBigUint64(40, true)),
  };
}

export function sysSendmsg(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const flags = ctx.uint(2);
  if (flags & MSG_OOB) return -Errno.EOPNOTSUPP;
  const hdr = readMsgHdr(ctx, ctx.args[1]!);
  if (typeof hdr === 'number') return hdr;
  const parts: Uint8Array[] = [];
  for (const v of hdr.iov) {
    const b = ctx.read(v.base, Math.min(v.len, 16 << 20));
    if (!b) return -Errno.EFAULT;
    parts.push(b);
  }
  // Control messages: SCM_RIGHTS (fds to pass) and SCM_CREDENTIALS (checked, then ignored:
  // the kernel attaches the true credentials anyway).
  const fileIds: number[] = [];
  if (hdr.control !== 0 && hdr.controllen > 0) {
    const ctl = ctx.read(hdr.control, Math.min(hdr.controllen, 4096));
    if (!ctl) return -Errno.EFAULT;
    const cv = new DataView(ctl.buffer, ctl.byteOffset, ctl.byteLength);
    for (let at = 0; at + 16 <= ctl.length; ) {
      const len = Number(cv.getBigUint64(at, true));
      const level = cv.getInt32(at + 8, true);
      const type = cv.getInt32(at + 12, true);
      if (len < 16 || at + len > ctl.length) return -Errno.EINVAL;
      if (level === SOL_SOCKET && type === SCM_RIGHTS) {
        const n = (len - 16) / 4;
        if (n > SCM_MAX_FD) return -Errno.EINVAL;
        for (let i = 0; i < Math.floor(n); i++) {
          const fd = cv.getInt32(at + 16 + i * 4, true);
          const target = lookupFd(ctx, fd);
          if (!target) return -Errno.EBADF;
          fileIds.push(target.file.id);
        }
      } else if (!(level === SOL_SOCKET && type === SCM_CREDENTIALS)) {
        return -Errno.EINVAL;
      }
      at += (len + 7) & ~7;
    }
  }
  let to: string | undefined;
  if (hdr.name !== 0 && hdr.namelen > 0) {
    const a = readAddress(ctx, hdr.name, hdr.namelen);
    if (typeof a === 'number') return a;
    to = a;
  }
  return sendOn(ctx, d, { bytes: Buffer.concat(parts), fileIds, ...(to === undefined ? {} : { to }) }, flags);
}

export function sysRecvmsg(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const flags = ctx.uint(2);
  if (flags & MSG_OOB) return -Errno.EINVAL;
  const hdrAddr = ctx.args[1]!;
  const hdr = readMsgHdr(ctx, hdrAddr);
  if (typeof hdr === 'number') return hdr;
  const total = hdr.iov.reduce((n, v) => n + v.len, 0);
  return receiveOn(ctx, d, Math.min(total, 16 << 20), flags, (msg) => {
    let at = 0;
    for (const v of hdr.iov) {
      if (at >= msg.bytes.length) break;
      const part = msg.bytes.subarray(at, at + v.len);
      if (!ctx.write(v.base, part)) return -Errno.EFAULT;
      at += part.length;
    }
    let msgFlags = msg.truncated ? MSG_TRUNC : 0;
    // Control data: the passed fds (installed now), and credentials if SO_PASSCRED.
    const controls: Buffer[] = [];
    const s = ctx.kernel.state.sockets.get(d.file.objectId!);
    if (msg.fileIds.length > 0 && !(flags & MSG_PEEK)) {
      const room = Math.floor((hdr.controllen - 16) / 4);
      const fds: number[] = [];
      for (const fileId of msg.fileIds.slice(0, Math.max(0, room))) {
        const fd = lowestFreeFd(ctx.process);
        if (fd < 0) break;
        ctx.emit({ type: 'FdInstalled', pid: ctx.process.pid, fd, fileId, cloexec: (flags & MSG_CMSG_CLOEXEC) !== 0 });
        fds.push(fd);
      }
      if (fds.length < msg.fileIds.length) msgFlags |= MSG_CTRUNC;
      if (fds.length > 0) controls.push(cmsg(SCM_RIGHTS, Buffer.from(Int32Array.from(fds).buffer)));
    }
    if (s?.passcred && msg.creds) {
      const c = Buffer.alloc(12);
      c.writeInt32LE(msg.creds.pid, 0);
      c.writeUInt32LE(msg.creds.uid >>> 0, 4);
      c.writeUInt32LE(msg.creds.gid >>> 0, 8);
      controls.push(cmsg(SCM_CREDENTIALS, c));
    }
    let control = Buffer.concat(controls);
    if (control.length > hdr.controllen) {
      control = control.subarray(0, 0);
      msgFlags |= MSG_CTRUNC;
    }
    if (control.length > 0 && !ctx.write(hdr.control, control)) return -Errno.EFAULT;
    // Write back msg_namelen, msg_controllen and msg_flags.
    if (hdr.name !== 0) {
      const name = encodeAddress(msg.from);
      ctx.write(hdr.name, name.subarray(0, Math.min(hdr.namelen, name.length)));
      ctx.write(hdrAddr + 8, int32(msg.from === undefined ? 0 : name.length));
    }
    const cl = Buffer.alloc(8);
    cl.writeBigUInt64LE(BigInt(control.length));
    ctx.write(hdrAddr + 40, cl);
    ctx.write(hdrAddr + 48, int32(msgFlags | (msg.truncated ? 0 : flags & MSG_EOR)));
    return flags & MSG_TRUNC ? msg.fullLength : msg.bytes.length;
  });
}

function cmsg(type: number, data: Buffer): Buffer {
  const len = 16 + data.length;
  const out = Buffer.alloc((len + 7) & ~7);
  out.writeBigUInt64LE(BigInt(len), 0);
  out.writeInt32LE(SOL_SOCKET, 8);
  out.writeInt32LE(type, 12);
  data.copy(out, 16);
  return out;
}
