// Urgent data (send/recv with MSG_OOB, SO_OOBINLINE, SIOCATMARK) on TCP and unix stream
// sockets (Linux 5.15+ has it there too, with the same rules). The last byte of a send with
// MSG_OOB is urgent: it travels in the stream like the others, and the receiver's state
// remembers where it is (SocketState.urgent). As on Linux, a read stops at the mark when it
// has read something, skips the urgent byte there unless SO_OOBINLINE is on, and recv(MSG_OOB)
// takes the byte once; the socket's owner gets SIGURG when it arrives, and poll shows POLLPRI
// until it is read.
import { Errno } from '../errno.js';
import type { KernelState, SocketState } from '../state.js';
import type { SyscallContext } from './context.js';
import { O_ASYNC } from '../abi/open_flags.js';
import { POLL_PRI } from '../abi/signals.js';
import { isInet } from './socket_address.js';
import { optionOf } from './loopback.js';
import { SOL_SOCKET } from './socket_options.js';
import { sendSigio, sendSigurg } from './sigio.js';

const SO_OOBINLINE = 10;
const SOCK_STREAM = 1;
const MSG_PEEK = 0x2;

/** TCP and unix stream sockets: those urgent data means something on (the others refuse MSG_OOB). */
export function carriesUrgent(s: SocketState): boolean {
  return s.type === SOCK_STREAM && (isInet(s) || s.family === undefined);
}

export function oobInline(s: SocketState): boolean {
  return (optionOf(s, SOL_SOCKET, SO_OOBINLINE) ?? 0) !== 0;
}

/** SIOCATMARK: the next byte to read is the urgent one (still so after recv(MSG_OOB) took it). */
export function atMark(s: SocketState): boolean {
  return s.urgent !== undefined && s.urgent.at === 0;
}

/** An urgent byte recv(MSG_OOB) has not taken yet (POLLPRI, select's exception). */
export function urgentPending(s: SocketState): boolean {
  return s.urgent !== undefined && !s.urgent.taken;
}

/** The urgent byte a normal read must step over now (it is next, and not inline). */
export function skipsUrgentByte(s: SocketState): boolean {
  return atMark(s) && !oobInline(s);
}

/**
 * What a normal read may take of a stream socket's queue now: up to the mark when it is
 * ahead, the rest once past it (and not the urgent byte itself when it is next and not inline).
 */
export function readableBefore(s: SocketState): number {
  if (!s.urgent) return s.queued;
  if (s.urgent.at > 0) return s.urgent.at;
  return oobInline(s) ? s.queued : s.queued - 1;
}

/** FIONREAD: the bytes before the mark while one is ahead and not inline (Linux's SIOCINQ). */
export function bytesToRead(s: SocketState): number {
  if (!s.urgent || oobInline(s) || s.urgent.at === 0) return s.queued;
  return s.urgent.at;
}

/** recv(MSG_OOB): the urgent byte once, EINVAL when there is none, it was taken, or it is inline. */
export function receiveUrgent(ctx: SyscallContext, s: SocketState, length: number, flags: number, deliver: (bytes: Uint8Array) => number): number {
  if (oobInline(s) || !urgentPending(s)) return -Errno.EINVAL;
  const r = deliver(length > 0 ? Uint8Array.of(s.urgent!.byte) : new Uint8Array(0));
  if (r >= 0 && !(flags & MSG_PEEK)) ctx.emit({ type: 'SocketUrgentTaken', id: s.id });
  return r;
}

/** The urgent byte reached socket id: its owner gets SIGURG, and F_SETSIG's signal too when O_ASYNC is on. */
export function urgentArrived(ctx: SyscallContext, state: KernelState, id: number): void {
  for (const file of state.files.values()) {
    if (file.kind !== 'socket' || file.objectId !== id) continue;
    sendSigurg(ctx.kernel, file);
    const fd = state.asyncFiles?.get(file.id);
    // A plain SIGIO is not sent for urgent data: SIGURG is its signal (Linux's kill_fasync).
    if (fd !== undefined && file.flags & O_ASYNC && file.ownerSignal) sendSigio(ctx.kernel, file, fd, POLL_PRI);
  }
}
