// Sending and receiving on sockets of every family: stream bytes to the connected peer, or a
// datagram to its destination (a unix name, or a loopback port: UDP that nobody receives is
// dropped, as on a network); what arrives is delivered with its sender's address, passed fds
// (unix only) and credentials. Receive and send timeouts (SO_RCVTIMEO/SO_SNDTIMEO) apply.
import { Errno } from '../errno.js';
import { lookupFd, lowestFreeFd, type FdLookup } from '../fd/fd_table.js';
import type { DatagramHeader, SocketCreds, SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { O_NONBLOCK } from '../abi/open_flags.js';
import { SIGPIPE } from '../abi/signals.js';
import { monotonicMs, wakeAt } from '../time/wake_timer.js';
import { AF_INET6, formatInet, isIpv4, parseInet } from './inet_address.js';
import { datagramHeader, receiveControls, takeSendControl, validSource, type Control, type SendControls } from './inet_ancillary.js';
import { destinationOf, sentFrom } from './loopback.js';
import { addressedSocket, credsOf, prepareInetSender, socketOf } from './socket.js';
import { stampFor, timestampControl } from './socket_timestamps.js';
import { AF_UNIX, encodeAddress, familyOf, isInet, readAddress, writeAddress } from './socket_address.js';
import { QUEUE_LIMIT, SOL_SOCKET, SO_RCVTIMEO, SO_SNDTIMEO, int32, streamQueueLimit, timeoutOf } from './socket_options.js';
import { isNetlink, sendNetlink, takeOverrun } from './netlink.js';
import { isRawSocket, sendRaw } from './icmp_raw.js';
import { carriesUrgent, readableBefore, receiveUrgent, skipsUrgentByte, urgentArrived } from './urgent_data.js';
import { signalSelf } from './signal.js';

const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_SEQPACKET = 5;
const MSG_OOB = 0x1;
const MSG_PEEK = 0x2;
const MSG_CTRUNC = 0x8;
const MSG_TRUNC = 0x20;
const MSG_DONTWAIT = 0x40;
const MSG_EOR = 0x80;
const MSG_WAITALL = 0x100;
const MSG_NOSIGNAL = 0x4000;
const MSG_ERRQUEUE = 0x2000;
const MSG_CMSG_CLOEXEC = 0x40000000;
const SCM_RIGHTS = 1;
const SCM_CREDENTIALS = 2;
const SCM_MAX_FD = 253;
/** The largest UDP payload (65535 less the IPv4 and UDP headers). */
const UDP_MAX = 65507;

/**
 * Waits for retry() to give a result, up to the socket's timeout option (0: for ever):
 * then EAGAIN, or what was transferred so far (partial()).
 */
function waitWithTimeout(ctx: SyscallContext, keys: string[], s: SocketState, option: number, retry: () => number | null, partial: () => number): Outcome {
  const ms = timeoutOf(s, option);
  // A signal after some bytes moved ends the call with their count.
  const interrupted = (): number | undefined => (partial() > 0 ? partial() : undefined);
  if (ms === 0) return ctx.block(keys, retry, undefined, interrupted);
  const kernel = ctx.kernel;
  const key = `timer:${ctx.thread.tid}`;
  const deadline = monotonicMs() + ms;
  const timer = wakeAt(deadline, () => kernel.notify(key));
  const check = (): number | null => {
    const r = retry();
    if (r !== null || monotonicMs() < deadline) return r;
    const done = partial();
    return done > 0 ? done : -Errno.EAGAIN;
  };
  return ctx.block([...keys, key], check, () => timer.cancel(), interrupted);
}

interface Outgoing {
  bytes: Uint8Array;
  fileIds: number[];
  /** Explicit destination (sendto/sendmsg with a name), for datagram sockets. */
  to?: string;
  /** IP-level control messages of sendmsg (a datagram's source, TTL/hop limit, TOS/class). */
  controls?: SendControls;
  /** MSG_OOB on TCP: the last byte sent is urgent. */
  urgent?: boolean;
}

/** A non-blocking connect's failure, reported (once) by the first read, write, SO_ERROR or connect to look. */
function connectFailure(ctx: SyscallContext, s: SocketState): number {
  const error = s.connectResult!;
  ctx.emit({ type: 'SocketConnectResult', id: s.id });
  return -error;
}

/** Sends on a socket: stream bytes to the peer, or one datagram to its destination. */
export function sendOn(ctx: SyscallContext, d: FdLookup, out: Outgoing, flags: number): Outcome {
  const state = ctx.kernel.state;
  const id = d.file.objectId!;
  const nonblock = (d.file.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;
  const socket = state.sockets.get(id)!;
  // Unix datagram and seqpacket sockets send through Linux's unix_dgram_sendmsg, whose EPIPE raises no SIGPIPE.
  const unixMessages = socket.family === undefined && (socket.type === SOCK_DGRAM || socket.type === SOCK_SEQPACKET);
  const epipe = (): number => {
    if (!(flags & MSG_NOSIGNAL) && !unixMessages) signalSelf(ctx, SIGPIPE);
    return -Errno.EPIPE;
  };
  if (isNetlink(socket)) return socket.shutWrite ? epipe() : sendNetlink(ctx, socket, out.bytes, out.to);
  if (isRawSocket(socket)) return socket.shutWrite ? epipe() : sendRaw(ctx, socket, out.bytes, out.to);
  const inet = isInet(socket);
  let sent = 0;
  let header: DatagramHeader | undefined;
  let source: string | undefined;
  const attempt = (): number | null => {
    const s = state.sockets.get(id);
    if (!s) return -Errno.EBADF;
    if (s.error !== undefined) {
      if (sent > 0) return sent;
      const error = s.error;
      ctx.emit({ type: 'SocketErrorReported', id });
      return error === Errno.EPIPE ? epipe() : -error;
    }
    if (s.shutWrite) return sent > 0 ? sent : epipe();
    if (s.connectResult) return sent > 0 ? sent : connectFailure(ctx, s);
    let receiver: SocketState | undefined;
    if (s.type === SOCK_DGRAM && out.to === undefined && s.peerAddress === undefined && s.peer !== undefined) {
      // One of a socketpair's datagram sockets: its datagrams go to the other, ECONNREFUSED once it is closed.
      receiver = state.sockets.get(s.peer);
    } else if (s.type === SOCK_DGRAM) {
      const to = out.to ?? s.peerAddress;
      if (to === undefined) return inet ? -Errno.EDESTADDRREQ : -Errno.ENOTCONN;
      if (inet) {
        if (out.bytes.length > UDP_MAX) return -Errno.EMSGSIZE;
        const r = prepareInetSender(ctx, s, to);
        if (r < 0) return r;
        const destination = destinationOf(parseInet(to), familyOf(s)).ip;
        const controls = out.controls ?? {};
        if (controls.source !== undefined && !validSource(controls.source, isIpv4(destination))) return -Errno.EINVAL;
        header = datagramHeader(s, destination, controls);
        source = controls.source === undefined ? datagramSource(s, to) : formatInet({ ip: controls.source, port: parseInet(s.address!).port });
      }
      const found = addressedSocket(ctx, s, to);
      if (typeof found === 'number') return found;
      // A UDP datagram nobody receives is lost, as is one to a socket connected to someone
      // else or with a full queue: UDP never waits for its receiver.
      const unreachable = !found || (found.peerAddress !== undefined && found.peerAddress !== source);
      if (inet && (unreachable || QUEUE_LIMIT - found.queued < out.bytes.length)) {
        // No socket takes it: the loopback answers with an ICMP port unreachable, which a
        // socket connected to that address gets as ECONNREFUSED on its next call (Linux's
        // __udp4_lib_err; an unconnected socket is not told).
        if (unreachable && s.peerAddress !== undefined && to === s.peerAddress) {
          ctx.emit({ type: 'SocketErrorSet', id: s.id, error: Errno.ECONNREFUSED });
          ctx.kernel.notify(`socket:${s.id}`);
        }
        return out.bytes.length;
      }
      receiver = found;
    } else {
      // A connected TCP socket ignores a destination; an unconnected one has nowhere to write.
      if (!inet && out.to !== undefined && s.peer === undefined) return -Errno.EOPNOTSUPP;
      // Nothing to send on a connected TCP socket is 0 even when the peer is gone: TCP looks at
      // the connection only for each chunk it sends (a unix socket checks its peer first: EPIPE).
      if (inet && out.bytes.length === 0 && (s.peer !== undefined || s.peerGone)) return 0;
      if (s.peerGone && inet && sent === 0) {
        // The first send after the peer closed is taken; the peer answers it with a reset, which
        // shuts the connection down both ways: the next send fails with EPIPE.
        ctx.emit({ type: 'SocketReset', id: s.id, error: Errno.EPIPE });
        return Math.min(out.bytes.length, streamQueueLimit(s));
      }
      if (s.peerGone) return sent > 0 ? sent : epipe();
      if (s.peer === undefined) return inet ? epipe() : -Errno.ENOTCONN;
      receiver = state.sockets.get(s.peer);
      // A unix peer that shut its reading side refuses bytes; TCP's still takes them (and reads them).
      if (!receiver || (receiver.shutRead && !inet)) return sent > 0 ? sent : epipe();
    }
    if (!receiver) return -Errno.ECONNREFUSED;
    // A unix receiver that shut its reading side refuses datagrams too.
    if (!inet && receiver.shutRead) return epipe();
    const whole = s.type !== SOCK_STREAM;
    const space = streamQueueLimit(s) - receiver.queued;
    const left = out.bytes.length - sent;
    if (whole && out.bytes.length > QUEUE_LIMIT) return -Errno.EMSGSIZE;
    if (space <= 0 || (whole && space < left)) return nonblock ? (sent > 0 ? sent : -Errno.EAGAIN) : null;
    const n = whole ? left : Math.min(space, left);
    // The urgent byte is the last this send queues (all of it, or what a non-blocking one could).
    const urgent = out.urgent === true && (sent + n === out.bytes.length || nonblock);
    const stampNs = stampFor(ctx.kernel, receiver);
    ctx.emit({
      type: 'SocketMessageQueued',
      id: receiver.id,
      bytes: out.bytes.subarray(sent, sent + n),
      fileIds: sent === 0 ? out.fileIds : [],
      creds: credsOf(ctx),
      ...(s.address === undefined ? {} : { from: source ?? s.address }),
      ...(header === undefined ? {} : { header }),
      ...(stampNs === undefined ? {} : { stampNs }),
      ...(urgent ? { urgent } : {}),
    });
    sent += n;
    ctx.kernel.notify(`socket:${receiver.id}`);
    if (urgent) urgentArrived(ctx, state, receiver.id);
    if (sent < out.bytes.length && !nonblock) return null;
    return sent;
  };
  const first = attempt();
  if (first !== null) return first;
  const peer = state.sockets.get(id)!.peer;
  return waitWithTimeout(ctx, [`socket:${id}`, ...(peer !== undefined ? [`socket:${peer}`] : [])], state.sockets.get(id)!, SO_SNDTIMEO, attempt, () => sent);
}

interface Incoming {
  bytes: Uint8Array;
  fileIds: number[];
  creds?: SocketCreds;
  from?: string;
  header?: DatagramHeader;
  stampNs?: bigint;
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
  // An inet socket's error queue (IP_RECVERR, timestamping) is never filled in the sandbox: empty at once.
  if (flags & MSG_ERRQUEUE) {
    const s = state.sockets.get(id);
    if (s && isInet(s)) return -Errno.EAGAIN;
  }
  const nonblock = (d.file.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;
  const attempt = (): number | null => {
    const s = state.sockets.get(id);
    if (!s) return -Errno.EBADF;
    if (s.listening) return -Errno.EINVAL;
    const overrun = takeOverrun(ctx, s);
    if (overrun !== undefined) return overrun;
    const whole = s.type !== SOCK_STREAM;
    // TCP: a read at the mark steps over the urgent byte (unless SO_OOBINLINE); a peek looks past it.
    if (!whole && skipsUrgentByte(s) && !(flags & MSG_PEEK)) {
      ctx.emit({ type: 'SocketMessageTaken', id, count: 1, wholeMessage: false });
      if (s.peer !== undefined) ctx.kernel.notify(`socket:${s.peer}`);
    }
    const skip = !whole && skipsUrgentByte(s) ? 1 : 0;
    if (s.queue.length === 0 || (skip > 0 && s.queued === skip)) {
      // A reset is reported once all that arrived before it was read; after an orderly close
      // (the peer's FIN came first) receives see EOF, as on Linux.
      if (s.error !== undefined && !s.peerGone) {
        const error = s.error;
        ctx.emit({ type: 'SocketErrorReported', id });
        return -error;
      }
      if (s.connectResult) return connectFailure(ctx, s);
      if (s.connectFailed) return deliver({ bytes: new Uint8Array(0), fileIds: [], truncated: false, fullLength: 0 });
      // A datagram socket's own SHUT_RD ends only a read that waits: one that may not wait is EAGAIN.
      const ended = s.shutRead || s.peerGone;
      if (ended && !(s.type === SOCK_DGRAM && nonblock && !s.peerGone)) return deliver({ bytes: new Uint8Array(0), fileIds: [], truncated: false, fullLength: 0 });
      const connectionOriented = s.type === SOCK_STREAM || s.type === SOCK_SEQPACKET;
      if (connectionOriented && s.peer === undefined) return -Errno.ENOTCONN;
      return nonblock ? -Errno.EAGAIN : null;
    }
    const first = s.queue[0]!;
    let bytes: Uint8Array;
    if (whole) {
      bytes = first.bytes.subarray(0, length);
    } else {
      if (flags & MSG_WAITALL && s.queued < length && !s.peerGone && !s.shutRead && !nonblock) return null;
      // Stream: read across messages, but not past one that carries files, nor past TCP's urgent mark.
      const want = Math.min(length, readableBefore(s));
      const parts: Uint8Array[] = [];
      let got = 0;
      let toSkip = skip;
      for (let i = 0; i < s.queue.length && got < want; i++) {
        const m = s.queue[i]!;
        if (i > 0 && m.fileIds.length > 0) break;
        const rest = m.bytes.subarray(i === 0 ? s.head : 0);
        const part = rest.subarray(Math.min(toSkip, rest.length)).subarray(0, want - got);
        toSkip -= Math.min(toSkip, rest.length);
        parts.push(part);
        got += part.length;
      }
      bytes = Buffer.concat(parts);
    }
    const r = deliver({
      bytes,
      fileIds: first.fileIds,
      creds: first.creds,
      // TCP gives no sender's name (recvfrom and recvmsg store a length of 0).
      ...(first.from === undefined || (s.type === SOCK_STREAM && isInet(s)) ? {} : { from: first.from }),
      ...(first.header === undefined ? {} : { header: first.header }),
      ...(first.stampNs === undefined ? {} : { stampNs: first.stampNs }),
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
  return first !== null ? first : waitWithTimeout(ctx, [`socket:${id}`], state.sockets.get(id)!, SO_RCVTIMEO, attempt, () => 0);
}

/** The sender's address a UDP datagram carries: its own, with the source address for a wildcard. */
function datagramSource(s: SocketState, to: string): string {
  return formatInet(sentFrom(parseInet(s.address!), parseInet(to)));
}

/** MSG_OOB on a send: 1 for TCP and unix stream (its last byte is urgent), 0 without the flag, EOPNOTSUPP on other sockets. */
function urgentSend(ctx: SyscallContext, d: FdLookup, flags: number): number {
  if (!(flags & MSG_OOB)) return 0;
  const s = ctx.kernel.state.sockets.get(d.file.objectId!);
  return s && carriesUrgent(s) ? 1 : -Errno.EOPNOTSUPP;
}

/**
 * MSG_OOB on a receive: the urgent byte of a TCP or unix stream socket (receiveUrgent),
 * EOPNOTSUPP on other sockets; undefined when the flag is absent or means nothing (UDP ignores it).
 */
function urgentReceive(ctx: SyscallContext, d: FdLookup, flags: number, length: number, deliver: (bytes: Uint8Array) => number): number | undefined {
  if (!(flags & MSG_OOB)) return undefined;
  const s = ctx.kernel.state.sockets.get(d.file.objectId!);
  if (!s) return -Errno.EBADF;
  if (carriesUrgent(s)) return receiveUrgent(ctx, s, length, flags, deliver);
  return isInet(s) && s.type === SOCK_DGRAM ? undefined : -Errno.EOPNOTSUPP;
}

function familyOfFd(ctx: SyscallContext, d: FdLookup): number {
  const s = ctx.kernel.state.sockets.get(d.file.objectId!);
  return s ? familyOf(s) : 0;
}

export function sockFd(ctx: SyscallContext): FdLookup | number {
  const sock = socketOf(ctx, ctx.int(0));
  return typeof sock === 'number' ? sock : sock.d;
}

/** sizeof(struct sockaddr_storage): the longest address a call copies in. */
const SOCKADDR_STORAGE_SIZE = 128;

/** A unix stream socket takes no address, whatever it is: EISCONN once connected, else EOPNOTSUPP. */
function unixStreamAddressRefused(s: SocketState | undefined): number | undefined {
  if (!s || familyOf(s) !== AF_UNIX || s.type !== SOCK_STREAM) return undefined;
  return s.peer !== undefined ? -Errno.EISCONN : -Errno.EOPNOTSUPP;
}

export function sysSendto(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const flags = ctx.uint(3);
  const urgent = urgentSend(ctx, d, flags);
  if (urgent < 0) return urgent;
  const bytes = ctx.read(ctx.args[1]!, Math.min(ctx.args[2]!, 16 << 20));
  if (!bytes) return -Errno.EFAULT;
  let to: string | undefined;
  if (ctx.args[4]! !== 0) {
    const refused = unixStreamAddressRefused(ctx.kernel.state.sockets.get(d.file.objectId!));
    if (refused !== undefined) return ctx.int(5) < 0 || ctx.int(5) > SOCKADDR_STORAGE_SIZE ? -Errno.EINVAL : refused;
    const a = readAddress(ctx, familyOfFd(ctx, d), ctx.args[4]!, ctx.int(5));
    if (typeof a === 'number') return a;
    to = a;
  }
  return sendOn(ctx, d, { bytes, fileIds: [], ...(to === undefined ? {} : { to }), ...(urgent ? { urgent: true } : {}) }, flags);
}

/** move_addr_to_user of an empty name: *lenAddr must be readable and not negative, and becomes 0. */
function writeNoAddress(ctx: SyscallContext, addr: number, lenAddr: number): number {
  if (addr === 0) return 0;
  const lenRaw = ctx.read(lenAddr, 4);
  if (!lenRaw) return -Errno.EFAULT;
  if (Buffer.from(lenRaw).readInt32LE() < 0) return -Errno.EINVAL;
  return ctx.write(lenAddr, int32(0)) ? 0 : -Errno.EFAULT;
}

export function sysRecvfrom(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const flags = ctx.uint(3);
  const buf = ctx.args[1]!;
  const oob = urgentReceive(ctx, d, flags, Math.min(ctx.args[2]!, 16 << 20), (bytes) => (bytes.length === 0 || ctx.write(buf, bytes) ? bytes.length : -Errno.EFAULT));
  if (oob !== undefined) return oob;
  return receiveOn(ctx, d, Math.min(ctx.args[2]!, 16 << 20), flags, (msg) => {
    if (!ctx.write(buf, msg.bytes)) return -Errno.EFAULT;
    // No sender's name (TCP's, an unbound unix peer's): only the length, 0, is stored.
    const r = msg.from === undefined ? writeNoAddress(ctx, ctx.args[4]!, ctx.args[5]!) : writeAddress(ctx, familyOfFd(ctx, d), ctx.args[4]!, ctx.args[5]!, msg.from);
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
  return sendMsgAt(ctx, d, ctx.args[1]!, ctx.uint(2));
}

/** sendmsg of the msghdr at hdrAddr (sendmmsg sends each of its messages so). */
export function sendMsgAt(ctx: SyscallContext, d: FdLookup, hdrAddr: number, flags: number): Outcome {
  const urgent = urgentSend(ctx, d, flags);
  if (urgent < 0) return urgent;
  const hdr = readMsgHdr(ctx, hdrAddr);
  if (typeof hdr === 'number') return hdr;
  const parts: Uint8Array[] = [];
  for (const v of hdr.iov) {
    const b = ctx.read(v.base, Math.min(v.len, 16 << 20));
    if (!b) return -Errno.EFAULT;
    parts.push(b);
  }
  // Control messages: SCM_RIGHTS (fds to pass) and SCM_CREDENTIALS (checked, then ignored:
  // the kernel attaches the true credentials anyway); a datagram's IP-level ones; other
  // levels are ignored, as Linux ignores the levels a protocol does not know.
  const fileIds: number[] = [];
  const controls: SendControls = {};
  const sender = ctx.kernel.state.sockets.get(d.file.objectId!);
  let to: string | undefined;
  const refused = hdr.namelen > 0 ? unixStreamAddressRefused(sender) : undefined;
  if (refused !== undefined) return refused;
  if (hdr.name !== 0 && hdr.namelen > 0) {
    const a = readAddress(ctx, familyOfFd(ctx, d), hdr.name, hdr.namelen);
    if (typeof a === 'number') return a;
    to = a;
  }
  const destination = to ?? sender?.peerAddress;
  const toIpv4 = destination === undefined ? sender?.family !== AF_INET6 : isIpv4(parseInet(destination).ip);
  if (hdr.control !== 0 && hdr.controllen > 0) {
    const ctl = ctx.read(hdr.control, Math.min(hdr.controllen, 4096));
    if (!ctl) return -Errno.EFAULT;
    const cv = new DataView(ctl.buffer, ctl.byteOffset, ctl.byteLength);
    for (let at = 0; at + 16 <= ctl.length; ) {
      const len = Number(cv.getBigUint64(at, true));
      const level = cv.getInt32(at + 8, true);
      const type = cv.getInt32(at + 12, true);
      if (len < 16 || at + len > ctl.length) return -Errno.EINVAL;
      // An inet socket takes SCM_RIGHTS and SCM_CREDENTIALS and ignores them (__sock_cmsg_send).
      if (level === SOL_SOCKET && type === SCM_RIGHTS && !(sender && isInet(sender))) {
        const n = (len - 16) / 4;
        if (n > SCM_MAX_FD) return -Errno.EINVAL;
        for (let i = 0; i < Math.floor(n); i++) {
          const fd = cv.getInt32(at + 16 + i * 4, true);
          const target = lookupFd(ctx, fd);
          if (!target) return -Errno.EBADF;
          fileIds.push(target.file.id);
        }
      } else if (level === SOL_SOCKET && type !== SCM_CREDENTIALS && type !== SCM_RIGHTS) {
        return -Errno.EINVAL;
      } else if (level !== SOL_SOCKET && sender && isInet(sender) && sender.type === SOCK_DGRAM) {
        const r = takeSendControl(controls, toIpv4, level, type, ctl.subarray(at + 16, at + len));
        if (r < 0) return r;
      }
      at += (len + 7) & ~7;
    }
  }
  return sendOn(ctx, d, { bytes: Buffer.concat(parts), fileIds, controls, ...(to === undefined ? {} : { to }), ...(urgent ? { urgent: true } : {}) }, flags);
}

export function sysRecvmsg(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  return recvMsgAt(ctx, d, ctx.args[1]!, ctx.uint(2));
}

/** recvmsg into the msghdr at hdrAddr (recvmmsg receives each of its messages so). */
export function recvMsgAt(ctx: SyscallContext, d: FdLookup, hdrAddr: number, flags: number): Outcome {
  const hdr = readMsgHdr(ctx, hdrAddr);
  if (typeof hdr === 'number') return hdr;
  const total = hdr.iov.reduce((n, v) => n + v.len, 0);
  const oob = urgentReceive(ctx, d, flags, total, (bytes) => {
    const iov = hdr.iov.find((v) => v.len > 0);
    if (bytes.length > 0 && (!iov || !ctx.write(iov.base, bytes))) return -Errno.EFAULT;
    const cl = Buffer.alloc(8);
    ctx.write(hdrAddr + 40, cl);
    ctx.write(hdrAddr + 48, int32(MSG_OOB | (bytes.length === 0 ? MSG_TRUNC : 0)));
    return bytes.length;
  });
  if (oob !== undefined) return oob;
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
    const more: Control[] = [];
    // Linux puts the timestamp before credentials and IP-level controls.
    const stamp = s ? timestampControl(s, msg.stampNs) : undefined;
    if (stamp) more.push(stamp);
    if (s?.passcred && msg.creds) {
      const c = Buffer.alloc(12);
      c.writeInt32LE(msg.creds.pid, 0);
      c.writeUInt32LE(msg.creds.uid >>> 0, 4);
      c.writeUInt32LE(msg.creds.gid >>> 0, 8);
      more.push({ level: SOL_SOCKET, type: SCM_CREDENTIALS, data: c });
    }
    if (s && msg.header) more.push(...receiveControls(s, msg.header));
    let control = Buffer.concat(controls);
    if (control.length > hdr.controllen) {
      control = control.subarray(0, 0);
      msgFlags |= MSG_CTRUNC;
    }
    const filled = fillControl(more, Math.max(0, hdr.controllen - control.length));
    if (filled.truncated) msgFlags |= MSG_CTRUNC;
    control = Buffer.concat([control, filled.bytes]);
    if (control.length > 0 && !ctx.write(hdr.control, control)) return -Errno.EFAULT;
    // Write back msg_namelen, msg_controllen and msg_flags.
    // A sender without an address (an unnamed unix socket, TCP) gives a name of length 0: nothing is copied.
    if (hdr.name !== 0 && msg.from === undefined) ctx.write(hdrAddr + 8, int32(0));
    else if (hdr.name !== 0) {
      const name = encodeAddress(familyOfFd(ctx, d), msg.from);
      // The message is taken even when its sender's address cannot be stored (EFAULT), as on Linux.
      if (!ctx.write(hdr.name, name.subarray(0, Math.min(hdr.namelen, name.length)))) return -Errno.EFAULT;
      ctx.write(hdrAddr + 8, int32(msg.from === undefined ? 0 : name.length));
    }
    const cl = Buffer.alloc(8);
    cl.writeBigUInt64LE(BigInt(control.length));
    ctx.write(hdrAddr + 40, cl);
    ctx.write(hdrAddr + 48, int32(msgFlags | (msg.truncated ? 0 : flags & MSG_EOR)));
    return flags & MSG_TRUNC ? msg.fullLength : msg.bytes.length;
  });
}

/**
 * Control messages laid out in `room` bytes as Linux's put_cmsg does: one that does not fit is
 * cut (its cmsg_len says how much is there) and MSG_CTRUNC set; none once not even a header fits.
 */
function fillControl(controls: readonly Control[], room: number): { bytes: Buffer; truncated: boolean } {
  const parts: Buffer[] = [];
  let left = room;
  let truncated = false;
  for (const c of controls) {
    const full = 16 + c.data.length;
    if (left < 16) {
      truncated = true;
      break;
    }
    const len = Math.min(full, left);
    if (len < full) truncated = true;
    const space = Math.min((full + 7) & ~7, left);
    const out = Buffer.alloc(space);
    out.writeBigUInt64LE(BigInt(len), 0);
    out.writeInt32LE(c.level, 8);
    out.writeInt32LE(c.type, 12);
    c.data.copy(out, 16, 0, len - 16);
    parts.push(out);
    left -= space;
  }
  return { bytes: Buffer.concat(parts), truncated };
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
