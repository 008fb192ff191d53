// Linux native AIO: io_setup, io_submit, io_getevents, io_pgetevents, io_cancel, io_destroy.
//
// A context is, as on Linux, a ring mapped into the program (MAP_SHARED, "/[aio] (deleted)" in
// its maps; a fork's child shares the mapping but not the context): a 32-byte header (id, nr, head, tail, magic...) and nr 32-byte
// io_events. A completion is written at the kernel's tail; io_getevents takes events from the
// ring's head, which the program may also move itself (libaio's and others' user-space reaping
// read the ring when its magic is AIO_RING_MAGIC). The kernel keeps its own tail and counters
// (state.ts, AioContext), never trusting the ring's.
//
// Requests complete within io_submit, as Linux's do for buffered files: the read or write is
// made there, its result is the event's res. On a pipe, socket or terminal that would block,
// io_submit waits, as Linux's does. Nothing is ever in flight afterwards, so io_cancel finds
// nothing (EINVAL) and io_destroy has nothing to wait for. IOCB_CMD_POLL is not supported.
//
// How many requests may be unreaped follows Linux's accounting for a thread that stays on one
// CPU: a ring of max(nr_events, 4 x CPUs) x 2 slots rounded up to whole pages, less one, handed
// out in per-CPU batches of (slots - 1) / (4 x CPUs); what the program reaps comes back at the
// next completion (or when a submission finds none left).
import { Errno } from '../errno.js';
import { lookupFd, lookupOpenFd, type FdLookup } from '../fd/fd_table.js';
import { possibleCpus } from '../host_cpus.js';
import { MAP_ANONYMOUS, MAP_SHARED, PAGE, PROT_READ, PROT_WRITE } from '../abi/mmap.js';
import { O_NONBLOCK } from '../abi/open_flags.js';
import type { AioContext } from '../state.js';
import { monotonicMs, wakeAt } from '../time/wake_timer.js';
import type { SyscallContext } from './context.js';
import { syncable } from './file_data.js';
import { accessOk, checkFd, gatherFrom, importIovecs, isStream, MAX_RW, readFile, scatterInto, writeFile, type IoVec } from './io.js';
import { SYS } from './numbers.js';
import type { Outcome } from './outcome.js';
import { readSigmask, wakeKeysOf } from './poll.js';

const IOCB_CMD_PREAD = 0;
const IOCB_CMD_PWRITE = 1;
const IOCB_CMD_FSYNC = 2;
const IOCB_CMD_FDSYNC = 3;
const IOCB_CMD_PREADV = 7;
const IOCB_CMD_PWRITEV = 8;
const IOCB_FLAG_RESFD = 1;
/** RWF_HIPRI, RWF_DSYNC, RWF_SYNC, RWF_NOWAIT, RWF_APPEND, RWF_NOAPPEND. */
const RWF_SUPPORTED = 0x3f;
const RWF_NOWAIT = 0x8;
const RWF_APPEND = 0x10;
const RWF_NOAPPEND = 0x20;

const IOCB_SIZE = 64;
const EVENT_SIZE = 32;
const RING_HEADER = 32;
const RING_HEAD = 8;
const RING_TAIL = 12;
const AIO_RING_MAGIC = 0xa10a10a1;
/** /proc/sys/fs/aio-max-nr's default: the requests all the sandbox's contexts may ask for. */
export const AIO_MAX_NR = 65536;
/** How often an io_submit waiting on a host pipe or terminal looks again (those notify nothing). */
const HOST_RECHECK_MS = 10;

function contextOf(ctx: SyscallContext, id: number): AioContext | undefined {
  return ctx.process.aio?.find((c) => c.ring === id);
}

function wakeKey(ctx: SyscallContext, c: AioContext): string {
  return `aio:${ctx.process.pid}:${c.ring}`;
}

/** What every context of the sandbox asked for (/proc/sys/fs/aio-nr). */
export function aioRequests(processes: Iterable<{ aio?: AioContext[] }>): number {
  let n = 0;
  for (const p of processes) for (const c of p.aio ?? []) n += c.maxReqs;
  return n;
}

export function sysIoSetup(ctx: SyscallContext): Outcome {
  const maxReqs = ctx.uint(0);
  const idp = ctx.args[1]!;
  const old = ctx.read(idp, 8);
  if (!old) return -Errno.EFAULT;
  if (Buffer.from(old).readBigUInt64LE() !== 0n || maxReqs === 0) return -Errno.EINVAL;
  const cpus = possibleCpus();
  // Linux's arithmetic, in 32 bits: a huge request wraps.
  const doubled = (Math.max(maxReqs, cpus * 4) * 2) >>> 0;
  if (doubled > 0x10000000 / EVENT_SIZE) return -Errno.EINVAL;
  if (doubled === 0 || maxReqs > AIO_MAX_NR) return -Errno.EAGAIN;
  const size = Math.ceil((RING_HEADER + doubled * EVENT_SIZE) / PAGE) * PAGE;
  const nr = (size - RING_HEADER) / EVENT_SIZE;
  const used = aioRequests(ctx.kernel.state.processes.values());
  if (used + maxReqs > AIO_MAX_NR) return -Errno.EAGAIN;
  const platform = ctx.kernel.platform;
  const ring = platform.inject(ctx.hostTid, SYS.mmap, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (ring === null) return -Errno.ESRCH;
  if (ring < 0 && ring > -4096) return ring;
  // The lowest id no other context of the process has, as Linux's table slot.
  const ids = new Set((ctx.process.aio ?? []).map((c) => c.id));
  let id = 0;
  while (ids.has(id)) id++;
  const header = Buffer.alloc(RING_HEADER);
  header.writeUInt32LE(id, 0);
  header.writeUInt32LE(nr, 4);
  header.writeUInt32LE(AIO_RING_MAGIC, 16);
  header.writeUInt32LE(1, 20); // compat_features
  header.writeUInt32LE(RING_HEADER, 28);
  const idOut = Buffer.alloc(8);
  idOut.writeBigUInt64LE(BigInt(ring));
  if (!ctx.write(ring, header) || !ctx.write(idp, idOut)) {
    platform.inject(ctx.hostTid, SYS.munmap, ring, size);
    return -Errno.EFAULT;
  }
  const batch = Math.max(1, Math.floor((nr - 1) / (cpus * 4)));
  ctx.emit({ type: 'AioContextCreated', pid: ctx.process.pid, ring, size, nr, maxReqs, id, batch });
  ctx.emit({
    type: 'MemoryMapped', pid: ctx.process.pid,
    mapping: { start: ring, end: ring + size, prot: PROT_READ | PROT_WRITE, flags: MAP_SHARED, path: '/[aio] (deleted)', offset: 0 },
  });
  return 0;
}

export function sysIoDestroy(ctx: SyscallContext): Outcome {
  const c = contextOf(ctx, ctx.args[0]!);
  if (!c) return -Errno.EINVAL;
  ctx.kernel.platform.inject(ctx.hostTid, SYS.munmap, c.ring, c.size);
  ctx.emit({ type: 'AioContextDestroyed', pid: ctx.process.pid, ring: c.ring });
  ctx.emit({ type: 'MemoryUnmapped', pid: ctx.process.pid, start: c.ring, end: c.ring + c.size });
  // A thread waiting in io_getevents on it ends with EINVAL.
  ctx.kernel.notify(wakeKey(ctx, c));
  return 0;
}

/**
 * io_cancel: requests complete within io_submit, so there is never one to cancel: EINVAL, once
 * the iocb's key could be read (Linux reads it first: EFAULT).
 */
export function sysIoCancel(ctx: SyscallContext): Outcome {
  return ctx.read(ctx.args[1]! + 8, 4) ? -Errno.EINVAL : -Errno.EFAULT;
}

/** An iocb as the program wrote it. */
interface Iocb {
  at: number;
  data: bigint;
  rwFlags: number;
  opcode: number;
  fd: number;
  buf: number;
  nbytes: bigint;
  offset: bigint;
  reserved2: bigint;
  flags: number;
  resfd: number;
}

function readIocb(ctx: SyscallContext, at: number): Iocb | null {
  const raw = ctx.read(at, IOCB_SIZE);
  if (!raw) return null;
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return {
    at,
    data: b.readBigUInt64LE(0),
    rwFlags: b.readUInt32LE(12),
    opcode: b.readUInt16LE(16),
    fd: b.readUInt32LE(20),
    buf: Number(b.readBigUInt64LE(24)),
    nbytes: b.readBigInt64LE(32),
    offset: b.readBigInt64LE(40),
    reserved2: b.readBigUInt64LE(48),
    flags: b.readUInt32LE(56),
    resfd: b.readUInt32LE(60),
  };
}

/** The ring's head as the program left it, within the ring (Linux clamps it the same way). */
function ringHead(ctx: SyscallContext, c: AioContext): number | null {
  const raw = ctx.read(c.ring + RING_HEAD, 4);
  return raw ? Buffer.from(raw).readUInt32LE() % c.nr : null;
}

/** Linux's per-CPU request accounting (see the top of this file): one request taken, or false. */
function takeRequest(ctx: SyscallContext, c: AioContext): boolean {
  let { available, cached, completed } = c;
  const take = (): boolean => {
    if (cached === 0) {
      if (available < c.batch) return false;
      available -= c.batch;
      cached += c.batch;
    }
    cached--;
    return true;
  };
  let ok = take();
  if (!ok && completed > 0) {
    const head = ringHead(ctx, c);
    if (head !== null) ({ cached, available, completed } = refill(c, head, c.tail, cached, available, completed));
    ok = take();
  }
  if (ok || completed !== c.completed) ctx.emit({ type: 'AioCountersSet', pid: ctx.process.pid, ring: c.ring, tail: c.tail, available, cached, completed });
  return ok;
}

/** A request taken but not submitted goes back. */
function giveBack(ctx: SyscallContext, c: AioContext): void {
  const back = putBack(c, 1, c.cached, c.available);
  ctx.emit({ type: 'AioCountersSet', pid: ctx.process.pid, ring: c.ring, tail: c.tail, completed: c.completed, ...back });
}

function putBack(c: AioContext, n: number, cached: number, available: number): { cached: number; available: number } {
  cached += n;
  while (cached >= c.batch * 2) {
    cached -= c.batch;
    available += c.batch;
  }
  return { cached, available };
}

/** Completions the program has reaped since the last look free their requests. */
function refill(c: AioContext, head: number, tail: number, cached: number, available: number, completed: number) {
  const inRing = head <= tail ? tail - head : c.nr - (head - tail);
  const freed = inRing < completed ? completed - inRing : 0;
  if (freed === 0) return { cached, available, completed };
  return { ...putBack(c, freed, cached, available), completed: completed - freed };
}

/** Writes a request's completion into the ring and signals its eventfd. */
function complete(ctx: SyscallContext, c: AioContext, iocb: Iocb, res: number): void {
  const event = Buffer.alloc(EVENT_SIZE);
  event.writeBigUInt64LE(iocb.data, 0);
  event.writeBigUInt64LE(BigInt(iocb.at), 8);
  event.writeBigInt64LE(BigInt(res), 16);
  ctx.write(c.ring + RING_HEADER + c.tail * EVENT_SIZE, event);
  const tail = (c.tail + 1) % c.nr;
  const tailBytes = Buffer.alloc(4);
  tailBytes.writeUInt32LE(tail);
  ctx.write(c.ring + RING_TAIL, tailBytes);
  let { cached, available, completed } = c;
  completed++;
  if (completed > 1) {
    const head = ringHead(ctx, c);
    if (head !== null) ({ cached, available, completed } = refill(c, head, tail, cached, available, completed));
  }
  ctx.emit({ type: 'AioCountersSet', pid: ctx.process.pid, ring: c.ring, tail, available, cached, completed });
  if (iocb.flags & IOCB_FLAG_RESFD) signalEventfd(ctx, iocb.resfd);
  ctx.kernel.notify(wakeKey(ctx, c));
}

/** eventfd_signal(1): the counter grows by one, up to its maximum. */
function signalEventfd(ctx: SyscallContext, fd: number): void {
  const file = lookupFd(ctx, fd)?.file;
  const efd = file?.kind === 'eventfd' ? ctx.kernel.state.eventfds.get(file.objectId!) : undefined;
  if (!efd || efd.counter === 0xffffffffffffffffn) return;
  ctx.emit({ type: 'EventfdCounterSet', id: file!.objectId!, counter: efd.counter + 1n });
  ctx.kernel.notify(`eventfd:${file!.objectId}`);
}

/** File kinds without Linux's read_iter or write_iter: AIO refuses them (EINVAL). */
const NO_AIO_READ = new Set(['dir', 'timerfd', 'inotify', 'epoll', 'pidfd', 'mqueue']);
const NO_AIO_WRITE = new Set(['dir', 'eventfd', 'timerfd', 'signalfd', 'inotify', 'epoll', 'pidfd', 'mqueue']);
/** Kinds whose reads and writes have no position (Linux's ki_pos is ignored for them). */
const STREAMS = new Set(['pipe', 'socket', 'pty-master', 'pty-slave', 'eventfd', 'signalfd']);

/**
 * One prepared request: run() makes the transfer (a number: the event's res; null: it would
 * block, try again when one of keys changes). Errors found in preparing are io_submit's own.
 */
interface Prepared {
  run: () => number | null;
  keys: string[];
  hostStream: boolean;
}

function prepare(ctx: SyscallContext, iocb: Iocb): Prepared | number {
  const d = lookupOpenFd(ctx, iocb.fd);
  if (!d) return -Errno.EBADF;
  if (iocb.flags & IOCB_FLAG_RESFD) {
    const efd = lookupFd(ctx, iocb.resfd);
    if (!efd) return -Errno.EBADF;
    if (efd.file.kind !== 'eventfd') return -Errno.EINVAL;
  }
  // The key field is zeroed (KIOCB_KEY), as io_cancel will look for it.
  if (!ctx.write(iocb.at + 8, new Uint8Array(4))) return -Errno.EFAULT;
  switch (iocb.opcode) {
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PREADV:
    case IOCB_CMD_PWRITE:
    case IOCB_CMD_PWRITEV:
      return prepareTransfer(ctx, iocb, d);
    case IOCB_CMD_FSYNC:
    case IOCB_CMD_FDSYNC: {
      if (iocb.buf !== 0 || iocb.offset !== 0n || iocb.nbytes !== 0n || iocb.rwFlags !== 0) return -Errno.EINVAL;
      const r = syncable(ctx, iocb.fd);
      if (r < 0) return r;
      return { run: () => 0, keys: [], hostStream: false };
    }
    default:
      return -Errno.EINVAL;
  }
}

function prepareTransfer(ctx: SyscallContext, iocb: Iocb, d: FdLookup): Prepared | number {
  const reading = iocb.opcode === IOCB_CMD_PREAD || iocb.opcode === IOCB_CMD_PREADV;
  if (iocb.rwFlags & ~RWF_SUPPORTED) return -Errno.EOPNOTSUPP;
  if (typeof checkFd(ctx, iocb.fd, reading ? 'read' : 'write') === 'number') return -Errno.EBADF;
  if ((reading ? NO_AIO_READ : NO_AIO_WRITE).has(d.file.kind)) return -Errno.EINVAL;
  let iov: IoVec[] | number;
  if (iocb.opcode === IOCB_CMD_PREADV || iocb.opcode === IOCB_CMD_PWRITEV) {
    iov = importIovecs(ctx, iocb.buf, Number(iocb.nbytes));
  } else {
    iov = accessOk(iocb.buf, Number(iocb.nbytes)) ? [{ base: iocb.buf, len: Math.min(Number(iocb.nbytes), MAX_RW) }] : -Errno.EFAULT;
  }
  if (typeof iov === 'number') return iov;
  const count = Math.min(iov.reduce((s, v) => s + v.len, 0), MAX_RW);
  // rw_verify_area: the offset, even where it is not used.
  if (iocb.offset < 0n || iocb.offset + BigInt(count) > 0x7fffffffffffffffn) return -Errno.EINVAL;
  const stream = STREAMS.has(d.file.kind) || (d.file.kind === 'stdio' && isStream(d.file.hostFd!));
  const position = stream ? null : Number(iocb.offset);
  // A stream is tried without waiting; io_submit waits (as Linux's does) while it would block.
  const blocking = stream && !(d.file.flags & O_NONBLOCK) && !(iocb.rwFlags & RWF_NOWAIT);
  const attempt: FdLookup = stream ? { ...d, file: { ...d.file, flags: d.file.flags | O_NONBLOCK } } : d;
  const append = iocb.rwFlags & RWF_APPEND ? true : iocb.rwFlags & RWF_NOAPPEND ? false : undefined;
  const transfer = (): number => {
    if (count === 0) return 0;
    if (reading) {
      const r = readFile(ctx, attempt, count, position, scatterInto(ctx, iov as IoVec[]));
      return typeof r === 'number' ? r : -Errno.EAGAIN;
    }
    const bytes = gatherFrom(ctx, iov as IoVec[]);
    if (typeof bytes === 'number') return bytes;
    const r = writeFile(ctx, attempt, bytes, position, append);
    return typeof r === 'number' ? r : -Errno.EAGAIN;
  };
  return {
    run: () => {
      const r = transfer();
      return r === -Errno.EAGAIN && blocking ? null : r;
    },
    keys: wakeKeysOf(d.file),
    hostStream: d.file.kind === 'stdio' && stream,
  };
}

export function sysIoSubmit(ctx: SyscallContext): Outcome {
  const nrArg = ctx.args[1]!;
  if (nrArg < 0 || nrArg >= 2 ** 63) return -Errno.EINVAL;
  const c = contextOf(ctx, ctx.args[0]!);
  if (!c) return -Errno.EINVAL;
  const nr = Math.min(nrArg, c.nr);
  const list = ctx.args[2]!;
  let submitted = 0;
  /** The request io_submit waits for, made again when its file changes. */
  let waiting: { iocb: Iocb; prepared: Prepared } | null = null;
  const failed = (error: number): number => (submitted > 0 ? submitted : error);
  // Submits from the next iocb on. Only the first request that would block parks the call; one
  // after it ends the call with what was submitted (a short count, which io_submit may return).
  const go = (): number | null => {
    if (waiting) {
      const r = waiting.prepared.run();
      if (r === null) return null;
      complete(ctx, c, waiting.iocb, r);
      submitted++;
    }
    const mayWait = waiting === null;
    for (; submitted < nr; submitted++) {
      if (contextOf(ctx, c.ring) !== c) return failed(-Errno.EINVAL);
      const ptr = ctx.read(list + submitted * 8, 8);
      if (!ptr) return failed(-Errno.EFAULT);
      const iocb = readIocb(ctx, Number(Buffer.from(ptr).readBigUInt64LE()));
      if (iocb === null) return failed(-Errno.EFAULT);
      if (iocb.reserved2 !== 0n || iocb.nbytes < 0n) return failed(-Errno.EINVAL);
      if (!takeRequest(ctx, c)) return failed(-Errno.EAGAIN);
      const prepared = prepare(ctx, iocb);
      if (typeof prepared === 'number') {
        giveBack(ctx, c);
        return failed(prepared);
      }
      const r = prepared.run();
      if (r === null) {
        if (!mayWait) {
          giveBack(ctx, c);
          return submitted;
        }
        waiting = { iocb, prepared };
        return null;
      }
      complete(ctx, c, iocb, r);
    }
    return submitted;
  };
  const first = go();
  if (first !== null) return first;
  const kernel = ctx.kernel;
  const recheckKey = `timer:${ctx.thread.tid}`;
  const { keys, hostStream } = waiting!.prepared;
  const recheck = hostStream ? setInterval(() => kernel.notify(recheckKey), HOST_RECHECK_MS) : undefined;
  return ctx.block(
    [...keys, recheckKey, wakeKey(ctx, c)],
    go,
    () => clearInterval(recheck),
    // A signal: the waiting request was never made; what was submitted before it stands.
    () => {
      if (contextOf(ctx, c.ring) === c) giveBack(ctx, c);
      return submitted > 0 ? submitted : undefined;
    },
  );
}

/**
 * Takes up to max events from the ring into the program's array at events; the count, or
 * EFAULT (nothing taken then: the head stays).
 */
function takeEvents(ctx: SyscallContext, c: AioContext, events: number, max: number): number {
  const head = ringHead(ctx, c);
  if (head === null) return -Errno.EFAULT;
  let at = head;
  let taken = 0;
  const pieces: Uint8Array[] = [];
  while (taken < max && at !== c.tail) {
    const run = Math.min((at <= c.tail ? c.tail : c.nr) - at, max - taken);
    const bytes = ctx.read(c.ring + RING_HEADER + at * EVENT_SIZE, run * EVENT_SIZE);
    if (!bytes) return -Errno.EFAULT;
    pieces.push(bytes);
    taken += run;
    at = (at + run) % c.nr;
  }
  if (taken === 0) return 0;
  if (!ctx.write(events, Buffer.concat(pieces))) return -Errno.EFAULT;
  const headBytes = Buffer.alloc(4);
  headBytes.writeUInt32LE(at);
  ctx.write(c.ring + RING_HEAD, headBytes);
  return taken;
}

/** The timeout of io_getevents in ms (null: none); Linux takes any timespec, and one not after now does not wait. */
function readTimeout(ctx: SyscallContext, addr: number): number | null | 'fault' {
  if (addr === 0) return null;
  const raw = ctx.read(addr, 16);
  if (!raw) return 'fault';
  const b = Buffer.from(raw);
  return Math.max(0, Number(b.readBigInt64LE(0)) * 1000 + Number(b.readBigInt64LE(8)) / 1e6);
}

function getEvents(ctx: SyscallContext, sigmask: bigint | undefined): Outcome {
  const timeoutMs = readTimeout(ctx, ctx.args[4]!);
  if (timeoutMs === 'fault') return -Errno.EFAULT;
  const id = ctx.args[0]!;
  const c = contextOf(ctx, id);
  const minNr = BigInt.asIntN(64, BigInt(ctx.args[1]!));
  const nr = BigInt.asIntN(64, BigInt(ctx.args[2]!));
  if (!c || minNr > nr || minNr < 0n) return -Errno.EINVAL;
  const want = Number(minNr);
  const max = Number(nr);
  const events = ctx.args[3]!;
  let got = 0;
  const deadline = timeoutMs === null ? null : monotonicMs() + timeoutMs;
  let restoreMask: (() => void) | undefined;
  const check = (): number | null => {
    const live = contextOf(ctx, id);
    const r = live ? takeEvents(ctx, live, events + got * EVENT_SIZE, max - got) : -Errno.EINVAL;
    if (r > 0) got += r;
    const done = r < 0 || got >= want || (deadline !== null && monotonicMs() >= deadline);
    if (!done) return null;
    restoreMask?.();
    return got > 0 ? got : Math.min(r, 0);
  };
  const first = check();
  if (first !== null) return first;
  const kernel = ctx.kernel;
  if (sigmask !== undefined) restoreMask = kernel.waitMasks.hold(ctx.thread, ctx.scratchAddress(), sigmask);
  const timerKey = `timer:${ctx.thread.tid}`;
  const timer = deadline === null ? undefined : wakeAt(deadline, () => kernel.notify(timerKey));
  // A signal: the events taken so far, or EINTR (never a restart, whatever SA_RESTART says).
  return ctx.block([wakeKey(ctx, c), timerKey], check, () => timer?.cancel(), () => (got > 0 ? got : undefined));
}

export function sysIoGetevents(ctx: SyscallContext): Outcome {
  return getEvents(ctx, undefined);
}

/** io_pgetevents: io_getevents with the signal mask of struct __aio_sigset in place while it waits. */
export function sysIoPgetevents(ctx: SyscallContext): Outcome {
  const usig = ctx.args[5]!;
  if (usig === 0) return getEvents(ctx, undefined);
  const raw = ctx.read(usig, 16);
  if (!raw) return -Errno.EFAULT;
  const b = Buffer.from(raw);
  const mask = readSigmask(ctx, Number(b.readBigUInt64LE(0)), Number(b.readBigUInt64LE(8)));
  if (typeof mask === 'number') return mask;
  return getEvents(ctx, mask);
}
