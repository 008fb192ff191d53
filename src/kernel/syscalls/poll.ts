// poll, ppoll, select, pselect6: readiness of the sandbox's fds, waiting when none is ready.
import { O_ACCMODE, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';
import { pidfdReadable, pidfdWakeKey } from './pidfd.js';
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { fdLimit, lookupFd } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import type { EpollInterest, KernelState, OpenFile, SocketState } from '../state.js';
import { EP_MAX_NESTS, epollWakeKey } from './epoll_wakeups.js';
import { expirations } from './timerfd.js';
import { inotifyReadable, inotifyWakeKey } from './inotify.js';
import { mqueueReadiness, mqueueWakeKey } from './mqueue.js';
import { SIGNAL_WAKE_KEY, signalfdReadable } from './signalfd.js';
import { isPty, ptyKey, ptyReadiness } from './pty.js';
import { monotonicMs, wakeAt } from '../time/wake_timer.js';
import { hostMonotonicBigNs } from '../../platform/host_clock.js';
import { freeSlots } from '../ipc/pipe_pages.js';
import { hostStreamBuffered } from './stdio_stream.js';
import { streamQueueLimit } from './socket_options.js';
import { readableBefore, urgentPending } from './urgent_data.js';

const POLLIN = 0x1;
const POLLPRI = 0x2;
const POLLOUT = 0x4;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLNVAL = 0x20;
const POLLRDNORM = 0x40;
const POLLWRNORM = 0x100;
const POLLRDHUP = 0x2000;
const EPOLLET = 1 << 31;
/** How often a wait that involves tsvisor's own stdio looks at it again. */
const HOST_RECHECK_MS = 10;

/** The poll(2) revents of one fd for the requested events (POLLERR/HUP/NVAL always). */
function readiness(ctx: SyscallContext, fd: number, events: number): number {
  const d = lookupFd(ctx, fd);
  return d ? fileReadiness(ctx, d.file, events) : POLLNVAL;
}

/** What a waiter on this open file must be woken by, besides timers. */
export function wakeKeysOf(file: OpenFile): string[] {
  if (file.pipeId !== undefined) return [`pipe:${file.pipeId}`];
  if (isPty(file)) return [ptyKey(file.objectId!)];
  if (file.kind === 'eventfd' || file.kind === 'timerfd' || file.kind === 'socket') return [`${file.kind}:${file.objectId}`];
  if (file.kind === 'signalfd') return [SIGNAL_WAKE_KEY];
  if (file.kind === 'pidfd') return [pidfdWakeKey(file.objectId!)];
  if (file.kind === 'inotify') return [inotifyWakeKey(file.objectId!)];
  if (file.kind === 'mqueue') return [mqueueWakeKey(file.objectId!)];
  // Notified by each event of a file in the set (EpollWakeups) and by epoll_ctl.
  if (file.kind === 'epoll') return [epollWakeKey(file.objectId!)];
  return [];
}

/** Every poll(2) event a socket has now. */
export function socketReadiness(state: KernelState, s: SocketState): number {
  let r = 0;
  // A failed connect shuts the socket both ways (Linux's tcp_done).
  const readShut = s.shutRead || s.peerGone || s.connectFailed === true;
  // A TCP socket whose only byte left is the urgent one (not inline) has nothing to read (a unix one has).
  const queued = s.urgent && s.family !== undefined ? readableBefore(s) > 0 : s.queue.length > 0;
  if (queued || s.backlog.length > 0 || readShut) r |= POLLIN | POLLRDNORM;
  if (readShut) r |= POLLRDHUP;
  if (urgentPending(s)) r |= POLLPRI;
  const peer = s.peer === undefined ? undefined : state.sockets.get(s.peer);
  // Once the connection is shut or its peer gone, a write fails at once: writers are woken to see it.
  // Datagram and raw sockets never wait to send.
  const connectionless = s.type === 2 || s.type === 3;
  if (connectionless || (peer && peer.queued < streamQueueLimit(s)) || s.shutWrite || s.peerGone) r |= POLLOUT | POLLWRNORM;
  if (s.error !== undefined) r |= POLLERR;
  if (s.family === undefined) {
    // A unix socket hangs up when its peer is gone, or both its directions are shut.
    if (s.peerGone || (s.shutRead && s.shutWrite)) r |= POLLHUP;
  } else if (!connectionless) {
    // TCP hangs up only when both directions are shut, or it never connected (or failed to).
    const unconnected = s.peer === undefined && !s.listening;
    if ((readShut && s.shutWrite) || unconnected) r |= POLLHUP;
    if (unconnected) r |= POLLOUT | POLLWRNORM;
    if ((s.connectResult ?? 0) > 0) r |= POLLERR;
  }
  return r;
}

/**
 * What an epoll interest has to report now: its file's readiness among the events asked, all of
 * it when level-triggered, and when edge-triggered only what is new since the last report
 * (everything once the file's wake keys were notified since). depth: how deep in nested sets.
 */
export function interestReport(ctx: SyscallContext, i: EpollInterest, file: OpenFile, depth = 0): { ready: number; report: number; generation: number } {
  const ready = fileReadiness(ctx, file, i.events & 0xffff, depth) & i.events;
  const generation = wakeKeysOf(file).reduce((n, key) => n + ctx.kernel.generation(key), 0);
  const edge = (i.events & EPOLLET) !== 0;
  return { ready, generation, report: !edge || generation !== i.lastGeneration ? ready : ready & ~i.lastReported };
}

/** Whether an epoll set has an event to report (what makes its fd readable, as Linux's ep_eventpoll_poll). */
function epollHasEvents(ctx: SyscallContext, id: number, depth: number): boolean {
  const ep = ctx.kernel.state.epolls.get(id);
  if (!ep) return false;
  return ep.interests.some((i) => {
    const file = ctx.kernel.state.files.get(i.fileId);
    return !i.disabled && file !== undefined && interestReport(ctx, i, file, depth).report !== 0;
  });
}

/** The poll(2) revents of an open file for the requested events (depth: in nested epoll sets). */
export function fileReadiness(ctx: SyscallContext, file: OpenFile, events: number, depth = 0): number {
  const want = events | POLLERR | POLLHUP;
  switch (file.kind) {
    case 'eventfd': {
      const efd = ctx.kernel.state.eventfds.get(file.objectId!);
      if (!efd) return 0;
      let r = 0;
      if (efd.counter > 0n) r |= POLLIN | POLLRDNORM;
      if (efd.counter < 0xfffffffffffffffen) r |= POLLOUT | POLLWRNORM;
      // Only the kernel's own increments (AIO completions) reach the maximum: an overflow.
      if (efd.counter === 0xffffffffffffffffn) r |= POLLERR;
      return r & want;
    }
    case 'socket': {
      const s = ctx.kernel.state.sockets.get(file.objectId!);
      return s ? socketReadiness(ctx.kernel.state, s) & want : POLLNVAL;
    }
    case 'pidfd':
      return pidfdReadable(ctx, file) ? (POLLIN | POLLRDNORM) & want : 0;
    case 'mqueue': {
      const q = mqueueReadiness(ctx, file.objectId!);
      return ((q.readable ? POLLIN | POLLRDNORM : 0) | (q.writable ? POLLOUT | POLLWRNORM : 0)) & want;
    }
    case 'signalfd':
      return signalfdReadable(ctx, file) ? (POLLIN | POLLRDNORM) & want : 0;
    case 'inotify':
      return inotifyReadable(ctx, file) ? (POLLIN | POLLRDNORM) & want : 0;
    case 'timerfd': {
      const t = ctx.kernel.state.timerfds.get(file.objectId!);
      return t && expirations(t).count > 0n ? (POLLIN | POLLRDNORM) & want : 0;
    }
    case 'epoll':
      return depth < EP_MAX_NESTS && epollHasEvents(ctx, file.objectId!, depth + 1) ? (POLLIN | POLLRDNORM) & want : 0;
    case 'pipe': {
      const pipe = ctx.kernel.state.pipes.get(file.pipeId!);
      if (!pipe) return POLLERR & want;
      // A FIFO open O_RDWR is both ends at once, and has both ends' events (Linux's pipe_poll).
      const access = file.flags & O_ACCMODE;
      let r = 0;
      if (access !== O_WRONLY) {
        if (pipe.length > 0) r |= POLLIN | POLLRDNORM;
        if (pipe.writers === 0) r |= POLLHUP;
      }
      if (access !== O_RDONLY) {
        // Writable while a page slot is free, whatever the bytes held.
        if (freeSlots(pipe) > 0) r |= POLLOUT | POLLWRNORM;
        if (pipe.readers === 0) r |= POLLERR;
      }
      return r & want;
    }
    case 'pty-master':
    case 'pty-slave':
      return ptyReadiness(ctx, file) & want;
    case 'stdio': {
      // Bytes tsvisor already took from the host for the program count as readable.
      const buffered = hostStreamBuffered(ctx.kernel, file.hostFd!) ? POLLIN | POLLRDNORM : 0;
      return (ctx.kernel.platform.hostPoll([file.hostFd!], [events])[0]! | buffered) & (want | POLLNVAL);
    }
    default:
      // Regular files, devices and directories never block.
      return (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM) & want;
  }
}

export function involvesHostStream(ctx: SyscallContext, fds: number[]): boolean {
  return fds.some((fd) => {
    const d = lookupFd(ctx, fd);
    if (d?.file.kind !== 'stdio') return false;
    try {
      return !fs.fstatSync(d.file.hostFd!).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Checks fds until one is ready or the timeout (ms; null: none) passes, then calls finish
 * with the revents of each. Parks the thread in between, woken by pipe changes and timers.
 */
function waitReady(
  ctx: SyscallContext,
  polls: Array<{ fd: number; events: number }>,
  timeoutMs: number | null,
  finish: (revents: number[], timedOut: boolean) => number,
  sigmask?: bigint,
): Outcome {
  const deadline = timeoutMs === null ? null : monotonicMs() + timeoutMs;
  let restoreMask: (() => void) | undefined;
  const check = (): number | null => {
    const revents = polls.map((p) => (p.fd < 0 ? 0 : readiness(ctx, p.fd, p.events)));
    const ready = revents.some((r) => r !== 0);
    const timedOut = deadline !== null && monotonicMs() >= deadline;
    if (!ready && !timedOut) return null;
    restoreMask?.();
    return finish(revents, !ready);
  };
  const first = check();
  if (first !== null) return first;
  // ppoll/pselect6 with a mask: it holds on the host while the thread waits, so that a signal
  // it unblocks interrupts the wait (and its handler runs with that mask, as on Linux); the
  // caller's comes back when the call completes, or after the handler (signal/wait_mask.ts).
  if (sigmask !== undefined) restoreMask = ctx.kernel.waitMasks.hold(ctx.thread, ctx.scratchAddress(), sigmask);
  const kernel = ctx.kernel;
  const key = `timer:${ctx.thread.tid}`;
  const keys = [key];
  for (const { fd } of polls) {
    const file = lookupFd(ctx, fd)?.file;
    if (file) keys.push(...wakeKeysOf(file));
  }
  const timer = deadline === null ? undefined : wakeAt(deadline, () => kernel.notify(key));
  const recheck = involvesHostStream(ctx, polls.map((p) => p.fd)) ? setInterval(() => kernel.notify(key), HOST_RECHECK_MS) : undefined;
  return ctx.block(keys, check, () => {
    timer?.cancel();
    clearInterval(recheck);
  });
}

/** The sigset a ppoll/pselect6/epoll_pwait caller passes (NULL: none), or -errno. */
export function readSigmask(ctx: SyscallContext, addr: number, size: number): bigint | undefined | number {
  if (addr === 0) return undefined;
  if (size !== 8) return -Errno.EINVAL;
  const raw = ctx.read(addr, 8);
  if (!raw) return -Errno.EFAULT;
  return Buffer.from(raw).readBigUInt64LE();
}

export function readTimespecMs(ctx: SyscallContext, addr: number): number | null | 'fault' | 'invalid' {
  if (addr === 0) return null;
  const raw = ctx.read(addr, 16);
  if (!raw) return 'fault';
  const v = new DataView(raw.buffer, raw.byteOffset);
  const sec = Number(v.getBigInt64(0, true));
  const nsec = Number(v.getBigInt64(8, true));
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return 'invalid';
  return sec * 1000 + Math.ceil(nsec / 1e6);
}

function pollCommon(
  ctx: SyscallContext,
  fdsAddr: number,
  nfds: number,
  timeoutMs: number | null,
  writeLeft?: (elapsedMs: number) => boolean,
  sigmask?: bigint,
): Outcome {
  if (nfds < 0 || nfds > fdLimit(ctx.process)) return -Errno.EINVAL;
  const raw = nfds === 0 ? new Uint8Array(0) : ctx.read(fdsAddr, nfds * 8);
  if (!raw) return -Errno.EFAULT;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const polls = [...Array(nfds).keys()].map((i) => ({ fd: view.getInt32(i * 8, true), events: view.getUint16(i * 8 + 4, true) }));
  const start = monotonicMs();
  return waitReady(ctx, polls, timeoutMs, (revents) => {
    const out = Buffer.from(raw);
    revents.forEach((r, i) => out.writeUInt16LE(r, i * 8 + 6));
    if (nfds > 0 && !ctx.write(fdsAddr, out)) return -Errno.EFAULT;
    if (writeLeft && !writeLeft(monotonicMs() - start)) return -Errno.EFAULT;
    return revents.filter((r) => r !== 0).length;
  }, sigmask);
}

export function sysPoll(ctx: SyscallContext): Outcome {
  const timeout = ctx.int(2);
  return pollCommon(ctx, ctx.args[0]!, ctx.int(1), timeout < 0 ? null : timeout);
}

export function sysPpoll(ctx: SyscallContext): Outcome {
  const timeout = readTimespecMs(ctx, ctx.args[2]!);
  if (timeout === 'fault') return -Errno.EFAULT;
  if (timeout === 'invalid') return -Errno.EINVAL;
  const mask = readSigmask(ctx, ctx.args[3]!, ctx.args[4]!);
  if (typeof mask === 'number') return mask;
  return pollCommon(ctx, ctx.args[0]!, ctx.int(1), timeout, timespecLeft(ctx, ctx.args[2]!, timeout), mask);
}

const SELECT_IN = POLLIN | POLLHUP | POLLERR | POLLRDNORM;
const SELECT_OUT = POLLOUT | POLLERR | POLLWRNORM;
const SELECT_EX = POLLPRI;

/** The size of Linux's fd table for the process: a power of two, at least 64, above its highest fd. */
function fdTableSize(ctx: SyscallContext): number {
  let highest = -1;
  for (const fd of ctx.process.fds.keys()) if (fd > highest) highest = fd;
  let size = 64;
  while (size <= highest) size *= 2;
  return size;
}

function selectCommon(ctx: SyscallContext, timeoutMs: number | null, writeTimeout?: (elapsedMs: number) => boolean, sigmask?: bigint): Outcome {
  if (ctx.int(0) < 0) return -Errno.EINVAL;
  // Linux looks at no more fds than its table has room for (fds past it cannot be open).
  const nfds = Math.min(ctx.int(0), fdTableSize(ctx));
  const bytes = Math.ceil(nfds / 64) * 8;
  const sets: Array<Uint8Array | null> = [];
  for (const addr of [ctx.args[1]!, ctx.args[2]!, ctx.args[3]!]) {
    if (addr === 0 || bytes === 0) {
      sets.push(null);
      continue;
    }
    const raw = ctx.read(addr, bytes);
    if (!raw) return -Errno.EFAULT;
    sets.push(raw);
  }
  const has = (set: Uint8Array | null, fd: number) => set !== null && (set[fd >> 3]! & (1 << (fd & 7))) !== 0;
  const polls: Array<{ fd: number; events: number }> = [];
  for (let fd = 0; fd < nfds; fd++) {
    let events = 0;
    if (has(sets[0]!, fd)) events |= POLLIN;
    if (has(sets[1]!, fd)) events |= POLLOUT;
    if (has(sets[2]!, fd)) events |= POLLPRI;
    if (events === 0) continue;
    if (!lookupFd(ctx, fd)) return -Errno.EBADF;
    polls.push({ fd, events });
  }
  const start = monotonicMs();
  return waitReady(ctx, polls, timeoutMs, (revents) => {
    const outs = sets.map((s) => (s ? new Uint8Array(s.length) : null));
    let count = 0;
    polls.forEach(({ fd, events }, i) => {
      const r = revents[i]!;
      const marks: Array<[number, number, number]> = [[0, POLLIN, SELECT_IN], [1, POLLOUT, SELECT_OUT], [2, POLLPRI, SELECT_EX]];
      for (const [set, asked, means] of marks) {
        if (events & asked && r & means) {
          outs[set]![fd >> 3]! |= 1 << (fd & 7);
          count++;
        }
      }
    });
    for (let i = 0; i < 3; i++) if (outs[i] && !ctx.write(ctx.args[1 + i]!, outs[i]!)) return -Errno.EFAULT;
    if (writeTimeout && !writeTimeout(monotonicMs() - start)) return -Errno.EFAULT;
    return count;
  }, sigmask);
}

export function sysSelect(ctx: SyscallContext): Outcome {
  const tvAddr = ctx.args[4]!;
  let timeoutMs: number | null = null;
  let timeoutNs = 0n;
  const startNs = hostMonotonicBigNs();
  if (tvAddr !== 0) {
    const raw = ctx.read(tvAddr, 16);
    if (!raw) return -Errno.EFAULT;
    const v = new DataView(raw.buffer, raw.byteOffset);
    // Linux carries whole seconds of tv_usec into tv_sec (C division), then wants a valid timespec.
    const usec = v.getBigInt64(8, true);
    const sec = v.getBigInt64(0, true) + usec / 1_000_000n;
    const nsec = (usec % 1_000_000n) * 1000n;
    if (sec < 0n || nsec < 0n) return -Errno.EINVAL;
    timeoutMs = Number(sec) * 1000 + Math.ceil(Number(nsec) / 1e6);
    timeoutNs = sec * 1_000_000_000n + nsec;
  }
  // Linux's select writes back the time left, to the microsecond.
  const writeLeft = (elapsedMs: number): boolean => {
    if (tvAddr === 0 || timeoutMs === null) return true;
    // A wait that ran out (by the timer the kernel set) leaves nothing, whatever the finer clock says.
    const elapsed = hostMonotonicBigNs() - startNs;
    const leftUs = elapsedMs >= timeoutMs || elapsed >= timeoutNs ? 0n : (timeoutNs - elapsed) / 1000n;
    const out = Buffer.alloc(16);
    out.writeBigInt64LE(leftUs / 1_000_000n, 0);
    out.writeBigInt64LE(leftUs % 1_000_000n, 8);
    return ctx.write(tvAddr, out);
  };
  return selectCommon(ctx, timeoutMs, writeLeft);
}

/** pselect6 and ppoll write the time left back into their timespec, as Linux does, to the nanosecond. */
function timespecLeft(ctx: SyscallContext, addr: number, timeoutMs: number | null): ((elapsedMs: number) => boolean) | undefined {
  if (addr === 0 || timeoutMs === null) return undefined;
  // To the nanosecond, from the timespec as given (timeoutMs is rounded up).
  const raw = ctx.read(addr, 16);
  if (!raw) return undefined;
  const given = Buffer.from(raw);
  const timeoutNs = given.readBigInt64LE(0) * 1_000_000_000n + given.readBigInt64LE(8);
  const startNs = hostMonotonicBigNs();
  return (elapsedMs) => {
    // A wait that ran out (by the timer the kernel set) leaves nothing, whatever the finer clock says.
    const elapsed = hostMonotonicBigNs() - startNs;
    const left = elapsedMs >= timeoutMs || elapsed >= timeoutNs ? 0n : timeoutNs - elapsed;
    const out = Buffer.alloc(16);
    out.writeBigInt64LE(left / 1_000_000_000n, 0);
    out.writeBigInt64LE(left % 1_000_000_000n, 8);
    return ctx.write(addr, out);
  };
}

export function sysPselect6(ctx: SyscallContext): Outcome {
  const timeout = readTimespecMs(ctx, ctx.args[4]!);
  if (timeout === 'fault') return -Errno.EFAULT;
  if (timeout === 'invalid') return -Errno.EINVAL;
  // The sixth argument points at { const sigset_t *ss; size_t ss_len }.
  let mask: bigint | undefined;
  if (ctx.args[5]! !== 0) {
    const raw = ctx.read(ctx.args[5]!, 16);
    if (!raw) return -Errno.EFAULT;
    const m = readSigmask(ctx, Number(Buffer.from(raw).readBigUInt64LE(0)), Number(Buffer.from(raw).readBigUInt64LE(8)));
    if (typeof m === 'number') return m;
    mask = m;
  }
  return selectCommon(ctx, timeout, timespecLeft(ctx, ctx.args[4]!, timeout), mask);
}
