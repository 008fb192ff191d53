// Reading and writing through fds: stdio (tsvisor's own), host files, devices.
import { namespaceOfPath } from '../task/sandbox_namespaces.js';
import { isProcMem, readProcMem, writeProcMem } from './proc_mem.js';
import fs from 'node:fs';

import { hostRandomFill } from '../../platform/host_random.js';
import { hostFstat } from '../../platform/host_stat.js';
import { Errno } from '../errno.js';
import { mqueueStatus } from './mqueue.js';
import { lookupFd, type FdLookup } from '../fd/fd_table.js';
import { accessMode } from '../fd/stdio.js';
import { packetFits, peekPipe, pipeReadSpan } from '../ipc/reducer.js';
import { pipeTakes, usedSlots } from '../ipc/pipe_pages.js';
import { ringPiece, ringTaken } from '../ipc/pipe_ring.js';
import type { PipeState } from '../state.js';
import { readEventfd, writeEventfd } from './eventfd.js';
import { readTimerfd } from './timerfd.js';
import { receiveOn, sendOn } from './socket_transfer.js';
import { errnoOf } from '../vfs/path_walk.js';
import type { SyscallContext } from './context.js';
import { readMem, writeMem } from './mem_file.js';
import { readInotify } from './inotify.js';
import { fsNotifyPath } from './fs_notify.js';
import { IN_ACCESS } from '../abi/inotify.js';
import { readSignalfd } from './signalfd.js';
import { readPty, writePty } from './pty.js';
import type { Outcome } from './outcome.js';
import { O_DIRECT, O_NONBLOCK, O_PATH, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';
import { SIGPIPE } from '../abi/signals.js';
import { writeBound } from './bind_ops.js';
import { readHostStream } from './stdio_stream.js';
import { consoleJobControl } from './console.js';
import { HOST_ZERO_MIN, readZeroOnHost } from './dev_zero_host.js';
import { writeProcFile } from './proc_write.js';
import { signalSelf } from './signal.js';

/** Linux caps one read or write at this many bytes (MAX_RW_COUNT). */
export const MAX_RW = 0x7ffff000;
/** How much one read from a host stream asks for at most (the program may get less, as with pipes). */
const STREAM_CHUNK = 1 << 20;
const IOV_MAX = 1024;
const TASK_SIZE = 0x7ffffffff000;
/**
 * What /dev/zero reads give (never written to). Made at first use: a module-level MiB would be
 * in the start-up snapshot, read and copied at every start (~1-3 ms of CPU).
 */
let zerosChunk: Uint8Array | undefined;
function zeros(): Uint8Array {
  return (zerosChunk ??= new Uint8Array(STREAM_CHUNK));
}
/** Writes of at most this many bytes to a pipe are atomic. */
const PIPE_BUF = 4096;

/** Reads from a pipe: what is there, EOF once no writer is left, else waits for data. */
function readPipe(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  const pipeId = d.file.pipeId!;
  const kernel = ctx.kernel;
  const nonblock = (d.file.flags & O_NONBLOCK) !== 0;
  const key = `pipe:${pipeId}`;
  const attempt = (): number | null => {
    const pipe = kernel.state.pipes.get(pipeId);
    if (!pipe) return 0;
    if (pipe.length === 0) {
      if (pipe.writers === 0) return 0;
      return nonblock ? -Errno.EAGAIN : null;
    }
    // A read ends with the packet it reaches (O_DIRECT), and what it leaves of that packet is
    // lost; without packets (O_DIRECT never used on the pipe) it takes what it asks for, or all
    // there is, with no span worked out.
    const span = pipe.packets ? pipeReadSpan(pipe, count) : undefined;
    const take = span ? span.take : count;
    const r = deliver(peekPipe(pipe, take));
    if (r > 0) {
      const discard = span?.packetEnd !== undefined && r === take ? span.packetEnd - r : 0;
      const slotsBefore = usedSlots(pipe);
      ctx.emit(discard > 0 ? { type: 'PipeRead', pipeId, count: r, discard } : { type: 'PipeRead', pipeId, count: r });
      // Only a freed page slot is news to anyone (writers, POLLOUT, edge-triggered epoll):
      // Linux's pipe_read wakes nobody after a read that leaves every page in place.
      if (usedSlots(pipe) < slotsBefore || pipe.length === 0) kernel.notify(key);
    }
    return r;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([key], attempt);
}

/**
 * What a write puts into a pipe: `length` bytes, of which take(from, n, pipe) gives bytes
 * [from, from+n) as the pipe's own (unchanged while the pipe holds them), or null when they
 * cannot be read (EFAULT).
 */
interface PipeSource {
  readonly length: number;
  take(from: number, n: number, pipe: PipeState): Uint8Array | null;
}

/** bytes as a pipe source; they must be the caller's own (read from the program for this write). */
function ownBytes(bytes: Uint8Array): PipeSource {
  return { length: bytes.length, take: (from, n) => bytes.subarray(from, from + n) };
}

/**
 * The program's buffer as a pipe source, read piece by piece as the pipe has room, as Linux
 * copies a large write: a 1 MiB write into a 64 KiB pipe never holds more than the pipe's
 * capacity in tsvisor's memory, and a buffer that faults part way ends the write with the
 * count written before it. The pieces of a write larger than PIPE_BUF go into the pipe's ring
 * (ipc/pipe_ring.ts); while something observes the kernel's events (a bus subscriber, or the
 * recorder, which encodes them in batches: either may keep the bytes of a PipeWritten), into
 * slabs of up to STREAM_CHUNK bytes handed out as views (never written again), one allocation
 * per MiB.
 */
function programBytes(ctx: SyscallContext, addr: number, length: number): PipeSource {
  let slab: Uint8Array | undefined;
  let used = 0;
  const read = (into: Uint8Array, from: number): boolean =>
    ctx.kernel.platform.readInto(ctx.hostTid, addr + from, into, 0, into.length) === into.length;
  return {
    length,
    take: (from, n, pipe) => {
      if (length > PIPE_BUF && !ctx.kernel.observed) {
        const piece = ringPiece(pipe, n);
        if (!read(piece, from)) return null;
        ringTaken(pipe, piece);
        return piece;
      }
      if (!slab || used + n > slab.length) {
        slab = Buffer.allocUnsafeSlow(Math.max(n, Math.min(STREAM_CHUNK, length - from)));
        used = 0;
      }
      const piece = slab.subarray(used, used + n);
      if (!read(piece, from)) return null;
      used += n;
      return piece;
    },
  };
}

/** Writes to a pipe: EPIPE and SIGPIPE without readers; waits for room unless O_NONBLOCK. */
function writePipe(ctx: SyscallContext, d: FdLookup, source: PipeSource): Outcome {
  const pipeId = d.file.pipeId!;
  const kernel = ctx.kernel;
  const nonblock = (d.file.flags & O_NONBLOCK) !== 0;
  // Packet mode (O_DIRECT): each write, or each PIPE_BUF of a larger one, is a packet of its own.
  const packet = (d.file.flags & O_DIRECT) !== 0;
  const key = `pipe:${pipeId}`;
  let written = 0;
  let firstAttempt = true;
  const attempt = (): number | null => {
    const pipe = kernel.state.pipes.get(pipeId);
    if (!pipe || pipe.readers === 0) {
      signalSelf(ctx, SIGPIPE);
      return written > 0 ? written : -Errno.EPIPE;
    }
    // A packet at a time, as long as they fit.
    if (packet) return writePackets(pipe);
    const left = source.length - written;
    // What the pipe's pages take now (ipc/pipe_pages.ts): a write of at most a page
    // (PIPE_BUF) goes in whole or not at all; only the first attempt may top up the last page.
    const n = pipeTakes(pipe, left, firstAttempt);
    const later = !firstAttempt;
    firstAttempt = false;
    if (n === 0) {
      if (nonblock) return written > 0 ? written : -Errno.EAGAIN;
      return null;
    }
    const bytes = source.take(written, n, pipe);
    if (!bytes) return written > 0 ? written : -Errno.EFAULT;
    ctx.emit({ type: 'PipeWritten', pipeId, bytes, ...(later ? { later } : {}) });
    written += n;
    kernel.notify(key);
    if (written < source.length && !nonblock) return null;
    return written;
  };
  const writePackets = (pipe: PipeState): number | null => {
    while (written < source.length) {
      const n = Math.min(source.length - written, PIPE_BUF);
      if (!packetFits(pipe)) {
        if (nonblock) return written > 0 ? written : -Errno.EAGAIN;
        return null;
      }
      const bytes = source.take(written, n, pipe);
      if (!bytes) return written > 0 ? written : -Errno.EFAULT;
      ctx.emit({ type: 'PipeWritten', pipeId, bytes, packet: true });
      written += n;
      kernel.notify(key);
    }
    return written;
  };
  const first = attempt();
  // A signal after some bytes went in ends the write with their count (no restart writes them again).
  return first !== null ? first : ctx.block([key], attempt, undefined, () => (written > 0 ? written : undefined));
}

function readable(d: FdLookup): boolean {
  return (d.file.flags & O_PATH) === 0 && accessMode(d.file.flags) !== O_WRONLY;
}

function writable(d: FdLookup): boolean {
  return (d.file.flags & O_PATH) === 0 && accessMode(d.file.flags) !== O_RDONLY;
}

/** Whether one of tsvisor's stdio fds is a stream that may block (pipe, terminal, socket). */
export function isStream(hostFd: number): boolean {
  try {
    const st = fs.fstatSync(hostFd);
    return !st.isFile() && !st.isBlockDevice();
  } catch {
    return false;
  }
}

/**
 * Reads up to `count` bytes from an open file at `position` (null: the file offset, which
 * advances). Calls deliver(bytes) synchronously, or later for a stream that would block.
 */
export function readFile(
  ctx: SyscallContext,
  d: FdLookup,
  count: number,
  position: number | null,
  deliver: (bytes: Uint8Array) => number,
): Outcome {
  const file = d.file;
  switch (file.kind) {
    case 'dir':
      return -Errno.EISDIR;
    case 'pipe':
      return position === null ? readPipe(ctx, d, count, deliver) : -Errno.ESPIPE;
    case 'socket':
      return position === null ? receiveOn(ctx, d, count, 0, (m) => deliver(m.bytes)) : -Errno.ESPIPE;
    case 'pty-master':
    case 'pty-slave':
      return position === null ? readPty(ctx, d, count, deliver) : -Errno.ESPIPE;
    case 'eventfd':
      return readEventfd(ctx, d, count, deliver);
    case 'timerfd':
      return readTimerfd(ctx, d, count, deliver);
    case 'signalfd':
      return readSignalfd(ctx, d, count, deliver);
    case 'inotify':
      return readInotify(ctx, d, count, deliver);
    case 'epoll':
    case 'pidfd':
      return -Errno.EINVAL;
    case 'mqueue': {
      // Its status line, as reading a /dev/mqueue file gives it.
      const content = new TextEncoder().encode(mqueueStatus(ctx, file.objectId!));
      const at = position ?? file.offset;
      const r = deliver(content.subarray(at, at + count));
      if (r > 0 && position === null) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: at + r });
      return r;
    }
    case 'synthetic': {
      if (isProcMem(file)) return readProcMem(ctx, file, count, position, deliver);
      // A namespace's nsfs file has nothing to read (Linux: EINVAL).
      if (namespaceOfPath(file.path)) return -Errno.EINVAL;
      const content = ctx.kernel.host.content(file.id);
      const at = position ?? file.offset;
      const r = deliver(content.subarray(at, at + count));
      if (r > 0 && position === null) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: at + r });
      return r;
    }
    case 'dev': {
      const name = file.path.slice('/dev/'.length);
      if (name === 'null') return deliver(new Uint8Array(0));
      const n = Math.min(count, STREAM_CHUNK);
      if (name !== 'random' && name !== 'urandom') return deliver(zeros().subarray(0, n));
      const bytes = new Uint8Array(n);
      hostRandomFill(bytes);
      return deliver(bytes);
    }
    case 'mem':
      return readMem(ctx, d, count, position, deliver);
    case 'host': {
      const hostFd = ctx.kernel.host.fd(file.id);
      if (hostFd === undefined) return -Errno.EBADF;
      const at = position ?? file.offset;
      // Lower files do not change: never allocate more than what is left of the file.
      const st = hostFstat(hostFd);
      if (typeof st === 'number') return st;
      const left = Math.max(0, Number(st.size) - at);
      const buf = Buffer.allocUnsafe(Math.min(count, 16 << 20, left));
      const n = buf.length === 0 ? 0 : fs.readSync(hostFd, buf, 0, buf.length, at);
      const r = deliver(buf.subarray(0, n));
      if (r >= 0 && position === null && n > 0) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: at + n });
      if (r > 0) fsNotifyPath(ctx, IN_ACCESS, file.path, st);
      return r;
    }
    case 'stdio': {
      const hostFd = file.hostFd!;
      if (position !== null) {
        if (isStream(hostFd)) return -Errno.ESPIPE;
        const buf = Buffer.alloc(Math.min(count, 16 << 20));
        return deliver(buf.subarray(0, fs.readSync(hostFd, buf, 0, buf.length, position)));
      }
      if (!isStream(hostFd)) {
        const buf = Buffer.alloc(Math.min(count, STREAM_CHUNK));
        try {
          return deliver(buf.subarray(0, fs.readSync(hostFd, buf, 0, buf.length, null)));
        } catch (err) {
          return -errnoOf(err, Errno.EIO);
        }
      }
      const refused = consoleJobControl(ctx, hostFd, 'read');
      if (refused !== undefined) return refused;
      // A pipe or terminal: park the thread, let the others run, finish when data comes.
      return readHostStream(ctx, hostFd, count, (file.flags & O_NONBLOCK) !== 0, deliver);
    }
  }
}

/**
 * Writes bytes to an open file; returns the count written or -errno (or waits, for a pipe).
 * append overrides the file's O_APPEND for this write (pwritev2's RWF_APPEND, RWF_NOAPPEND).
 */
export function writeFile(ctx: SyscallContext, d: FdLookup, bytes: Uint8Array, position: number | null, append?: boolean): Outcome {
  const file = d.file;
  switch (file.kind) {
    case 'pipe':
      return position === null ? writePipe(ctx, d, ownBytes(bytes)) : -Errno.ESPIPE;
    case 'socket':
      return position === null ? sendOn(ctx, d, { bytes, fileIds: [] }, 0) : -Errno.ESPIPE;
    case 'pty-master':
    case 'pty-slave':
      return position === null ? writePty(ctx, d, bytes) : -Errno.ESPIPE;
    case 'eventfd':
      return writeEventfd(ctx, d, bytes);
    case 'timerfd':
    case 'epoll':
    case 'signalfd':
    case 'inotify':
    case 'pidfd':
    case 'mqueue':
      return -Errno.EINVAL;
    case 'dir':
      return -Errno.EISDIR;
    case 'dev':
      return file.path === '/dev/full' ? -Errno.ENOSPC : bytes.length;
    case 'host':
      return writeBound(ctx, file, bytes, position, append); // a file of an :rw mount (a write-open of any other host file opens its copy: 'mem')
    case 'synthetic':
      return isProcMem(file) ? writeProcMem(ctx, file, bytes, position) : writeProcFile(ctx, file.path, bytes);
    case 'mem':
      return writeMem(ctx, d, bytes, position, append);
    case 'stdio': {
      const refused = consoleJobControl(ctx, file.hostFd!, 'write');
      if (refused !== undefined) return refused;
      if (append === true) position = hostFileEnd(file.hostFd!) ?? position;
      let done = 0;
      while (done < bytes.length) {
        try {
          done += fs.writeSync(file.hostFd!, bytes, done, bytes.length - done, position === null ? null : position + done);
        } catch (err) {
          const errno = errnoOf(err, Errno.EIO);
          // tsvisor's own stdout may be non-blocking: retry until it drains rather than fail the program.
          if (errno === Errno.EAGAIN) continue;
          if (errno === Errno.EPIPE) signalSelf(ctx, SIGPIPE);
          return done > 0 ? done : -errno;
        }
      }
      return done;
    }
  }
}

export function checkFd(ctx: SyscallContext, fd: number, want: 'read' | 'write'): FdLookup | number {
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (want === 'read' ? !readable(d) : !writable(d)) return -Errno.EBADF;
  return d;
}

/**
 * Linux's access_ok: the whole buffer lies in the user address space. A length that is
 * negative as a signed 64-bit value is an enormous size_t, which never fits.
 */
export function accessOk(addr: number, length: number): boolean {
  return length >= 0 && addr >= 0 && addr + length <= TASK_SIZE;
}

/** Stores what a read got; a buffer that faults part way keeps what fit, as copy_to_user does. */
function storeRead(ctx: SyscallContext, buf: number, bytes: Uint8Array): number {
  if (ctx.write(buf, bytes)) return bytes.length;
  const n = ctx.writeSome(buf, bytes);
  return n > 0 ? n : -Errno.EFAULT;
}

/**
 * read(2) of /dev/zero: the whole count, as on Linux (large reads by the host, see
 * dev_zero_host.ts; else zeros() written piece by piece). While recording or replaying, one
 * piece at most: a recorded read keeps every byte it wrote.
 */
function readZeros(ctx: SyscallContext, buf: number, count: number): Outcome {
  if (count >= HOST_ZERO_MIN) {
    const onHost = readZeroOnHost(ctx);
    if (onHost) return onHost;
  }
  const recorded = ctx.kernel.captureWrites || ctx.kernel.syscallSource !== undefined;
  const chunk = zeros();
  const total = recorded ? Math.min(count, chunk.length) : count;
  let done = 0;
  while (done < total) {
    const piece = chunk.subarray(0, Math.min(total - done, chunk.length));
    const n = storeRead(ctx, buf + done, piece);
    if (n < 0) return done > 0 ? done : n;
    done += n;
    if (n < piece.length) break;
  }
  return done;
}

export function sysRead(ctx: SyscallContext): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'read');
  if (typeof d === 'number') return d;
  const buf = ctx.args[1]!;
  if (!accessOk(buf, ctx.args[2]!)) return -Errno.EFAULT;
  const count = Math.min(ctx.args[2]!, MAX_RW);
  // A directory has no read at all: EISDIR even for 0 bytes.
  if (count === 0) return d.file.kind === 'dir' ? -Errno.EISDIR : 0;
  if (d.file.kind === 'dev' && d.file.path === '/dev/zero') return readZeros(ctx, buf, count);
  return readFile(ctx, d, count, null, (bytes) => storeRead(ctx, buf, bytes));
}

/**
 * pread64, pwrite64 and the vectored calls with a position check in Linux's order: the offset
 * (EINVAL; args[3] for all of them), that the fd is open
 * (EBADF), that the file has positions (ESPIPE for a pipe, socket, terminal or host stream),
 * then that it is open for this access (EBADF); the buffer comes after all of these.
 */
function positionedFd(ctx: SyscallContext, want: 'read' | 'write'): FdLookup | number {
  if (ctx.args[3]! < 0) return -Errno.EINVAL;
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  const kind = d.file.kind;
  const stream =
    kind === 'pipe' || kind === 'socket' || kind === 'pty-master' || kind === 'pty-slave' || (kind === 'stdio' && isStream(d.file.hostFd!));
  if (stream) return -Errno.ESPIPE;
  return checkFd(ctx, ctx.int(0), want);
}

/**
 * Whether a transfer of count bytes at pos would run past the largest file offset (2^63 - 1):
 * EINVAL, once the buffer has been checked, as Linux's rw_verify_area does. Offsets arrive as
 * doubles, exact to within 1024 bytes up there.
 */
function endsPastMaxOffset(pos: number | null, count: number): boolean {
  return pos !== null && count > 0 && pos + count >= 2 ** 63;
}

export function sysPread64(ctx: SyscallContext): Outcome {
  const d = positionedFd(ctx, 'read');
  if (typeof d === 'number') return d;
  const offset = ctx.args[3]!;
  const buf = ctx.args[1]!;
  if (!accessOk(buf, ctx.args[2]!)) return -Errno.EFAULT;
  if (endsPastMaxOffset(offset, ctx.args[2]!)) return -Errno.EINVAL;
  const count = Math.min(ctx.args[2]!, MAX_RW);
  if (count === 0) return d.file.kind === 'dir' ? -Errno.EISDIR : 0;
  return readFile(ctx, d, count, offset, (bytes) => storeRead(ctx, buf, bytes));
}

export function sysWrite(ctx: SyscallContext): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'write');
  if (typeof d === 'number') return d;
  if (!accessOk(ctx.args[1]!, ctx.args[2]!)) return -Errno.EFAULT;
  const count = Math.min(ctx.args[2]!, MAX_RW);
  // A /proc file sees even an empty write (oom_score_adj refuses it, comm takes the empty name).
  if (count === 0 && d.file.kind !== 'synthetic') return 0;
  // /dev/null and /dev/zero take any write without reading the buffer.
  if (d.file.kind === 'dev' && (d.file.path === '/dev/null' || d.file.path === '/dev/zero')) return count;
  if (d.file.kind === 'pipe') return writePipe(ctx, d, programBytes(ctx, ctx.args[1]!, count));
  // A buffer that faults part way writes what came before the fault (a short count).
  const bytes = ctx.readSome(ctx.args[1]!, count);
  if (!bytes) return -Errno.EFAULT;
  return writeFile(ctx, d, bytes, null);
}

export function sysPwrite64(ctx: SyscallContext): Outcome {
  const d = positionedFd(ctx, 'write');
  if (typeof d === 'number') return d;
  const offset = ctx.args[3]!;
  if (!accessOk(ctx.args[1]!, ctx.args[2]!)) return -Errno.EFAULT;
  if (endsPastMaxOffset(offset, ctx.args[2]!)) return -Errno.EINVAL;
  const bytes = ctx.read(ctx.args[1]!, Math.min(ctx.args[2]!, MAX_RW));
  if (!bytes) return -Errno.EFAULT;
  return writeFile(ctx, d, bytes, offset);
}

export interface IoVec {
  base: number;
  len: number;
}

export function readIovecs(ctx: SyscallContext, addr: number, count: number): IoVec[] | number {
  if (count < 0 || count > IOV_MAX) return -Errno.EINVAL;
  if (count === 0) return [];
  const raw = ctx.read(addr, count * 16);
  if (!raw) return -Errno.EFAULT;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: IoVec[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = Number(view.getBigUint64(i * 16, true));
    const len = Number(view.getBigInt64(i * 16 + 8, true));
    if (len < 0) return -Errno.EINVAL;
    total += len;
    if (total > Number.MAX_SAFE_INTEGER) return -Errno.EINVAL;
    out.push({ base, len });
  }
  return out;
}

/**
 * The iovecs of readv, writev and their positioned forms, checked as Linux's import_iovec does:
 * every buffer lies in the user address space (else EFAULT, whatever the others), and the
 * lengths are cut to add up to at most MAX_RW. (A length of 2^47 at a valid base once made
 * writev ask Node for a buffer that large: found by the syscall fuzzer.)
 */
export function importIovecs(ctx: SyscallContext, addr: number, count: number): IoVec[] | number {
  const iov = readIovecs(ctx, addr, count);
  if (typeof iov === 'number') return iov;
  let total = 0;
  const out: IoVec[] = [];
  for (const v of iov) {
    if (!accessOk(v.base, v.len)) return -Errno.EFAULT;
    const len = Math.min(v.len, MAX_RW - total);
    total += len;
    out.push({ base: v.base, len });
  }
  return out;
}

export function vectoredRead(ctx: SyscallContext, position: number | null): Outcome {
  // With a position, a file without positions is ESPIPE before its access mode is looked at.
  const d = position === null ? checkFd(ctx, ctx.int(0), 'read') : positionedFd(ctx, 'read');
  if (typeof d === 'number') return d;
  const iov = importIovecs(ctx, ctx.args[1]!, ctx.int(2));
  if (typeof iov === 'number') return iov;
  const requested = iov.reduce((s, v) => s + v.len, 0);
  if (endsPastMaxOffset(position, requested)) return -Errno.EINVAL;
  const total = Math.min(requested, MAX_RW);
  if (total === 0) return 0;
  return readFile(ctx, d, total, position, scatterInto(ctx, iov));
}

/** A read's deliver that spreads the bytes over the buffers in turn (a fault keeps what fit). */
export function scatterInto(ctx: SyscallContext, iov: IoVec[]): (bytes: Uint8Array) => number {
  return (bytes) => {
    let at = 0;
    for (const v of iov) {
      if (at >= bytes.length) break;
      const part = bytes.subarray(at, at + v.len);
      if (!ctx.write(v.base, part)) return at > 0 ? at : -Errno.EFAULT;
      at += part.length;
    }
    return bytes.length;
  };
}

export function vectoredWrite(ctx: SyscallContext, position: number | null, append?: boolean): Outcome {
  const d = position === null ? checkFd(ctx, ctx.int(0), 'write') : positionedFd(ctx, 'write');
  if (typeof d === 'number') return d;
  const iov = importIovecs(ctx, ctx.args[1]!, ctx.int(2));
  if (typeof iov === 'number') return iov;
  if (endsPastMaxOffset(position, iov.reduce((s, v) => s + v.len, 0))) return -Errno.EINVAL;
  const all = gatherFrom(ctx, iov);
  if (typeof all === 'number') return all;
  if (all.length === 0) return 0;
  return writeFile(ctx, d, all, position, append);
}

/** A write's bytes from the buffers in turn, up to the first that faults (EFAULT if the first does). */
export function gatherFrom(ctx: SyscallContext, iov: IoVec[]): Uint8Array | number {
  const parts: Uint8Array[] = [];
  for (const v of iov) {
    const bytes = ctx.read(v.base, v.len);
    if (!bytes) {
      if (parts.length === 0) return -Errno.EFAULT;
      break;
    }
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}

export function sysReadv(ctx: SyscallContext): Outcome {
  return vectoredRead(ctx, null);
}

export function sysWritev(ctx: SyscallContext): Outcome {
  return vectoredWrite(ctx, null);
}

/** preadv2/pwritev2: the offset is args[3]; -1 means the file offset. */
function vectoredOffset(ctx: SyscallContext): number | null {
  const offset = ctx.args[3]!;
  return offset === -1 ? null : offset;
}

/** RWF_HIPRI, RWF_DSYNC, RWF_SYNC, RWF_NOWAIT, RWF_APPEND, RWF_NOAPPEND: anything else is refused. */
const RWF_SUPPORTED = 0x3f;
const RWF_APPEND = 0x10;
const RWF_NOAPPEND = 0x20;

export function sysPreadv2(ctx: SyscallContext): Outcome {
  if (ctx.uint(5) & ~RWF_SUPPORTED) return -Errno.EOPNOTSUPP;
  const offset = vectoredOffset(ctx);
  if (offset !== null && offset < 0) return -Errno.EINVAL;
  return vectoredRead(ctx, offset);
}

/** The other flags ask for durability or latency, which these writes already give (or cannot); RWF_APPEND and RWF_NOAPPEND decide where the bytes go. */
export function sysPwritev2(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(5);
  if (flags & ~RWF_SUPPORTED) return -Errno.EOPNOTSUPP;
  const offset = vectoredOffset(ctx);
  if (offset !== null && offset < 0) return -Errno.EINVAL;
  const append = flags & RWF_APPEND ? true : flags & RWF_NOAPPEND ? false : undefined;
  return vectoredWrite(ctx, offset, append);
}

/** preadv/pwritev(2): the offset is args[3], and must not be negative (-1 is only preadv2's). */
export function sysPreadv(ctx: SyscallContext): Outcome {
  return ctx.args[3]! < 0 ? -Errno.EINVAL : vectoredRead(ctx, ctx.args[3]!);
}

export function sysPwritev(ctx: SyscallContext): Outcome {
  return ctx.args[3]! < 0 ? -Errno.EINVAL : vectoredWrite(ctx, ctx.args[3]!);
}

export function readOffset(ctx: SyscallContext, addr: number): number | null | false {
  if (addr === 0) return null;
  const raw = ctx.read(addr, 8);
  if (!raw) return false;
  return Number(new DataView(raw.buffer, raw.byteOffset).getBigInt64(0, true));
}

export function writeOffset(ctx: SyscallContext, addr: number, value: number): boolean {
  const out = Buffer.alloc(8);
  out.writeBigInt64LE(BigInt(value));
  return ctx.write(addr, out);
}

const POSIX_FADV_NOREUSE = 5;

/** readahead: the page cache is none of the kernel's; a file open for reading is accepted, other kinds are EINVAL. */
export function sysReadahead(ctx: SyscallContext): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'read');
  if (typeof d === 'number') return d;
  const regular = d.file.kind === 'host' || d.file.kind === 'mem' || (d.file.kind === 'stdio' && !isStream(d.file.hostFd!));
  return regular ? 0 : -Errno.EINVAL;
}

/** fadvise64: advice about the page cache, which the kernel has none of; checked and accepted. */
export function sysFadvise64(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  // A pipe or FIFO is ESPIPE (Linux checks that before the advice).
  if (d.file.kind === 'pipe' || (d.file.kind === 'stdio' && isStream(d.file.hostFd!))) return -Errno.ESPIPE;
  const advice = ctx.int(3);
  return advice < 0 || advice > POSIX_FADV_NOREUSE || ctx.args[2]! < 0 ? -Errno.EINVAL : 0;
}

/** The size of a regular host file (where an appending write goes), or null for a stream. */
function hostFileEnd(hostFd: number): number | null {
  try {
    const st = fs.fstatSync(hostFd);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}
