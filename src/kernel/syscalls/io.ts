// Reading and writing through fds: stdio (tsvisor's own), host files, devices.
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { lookupFd, type FdLookup } from '../fd/fd_table.js';
import { accessMode } from '../fd/stdio.js';
import { errnoOf } from '../vfs/path_walk.js';
import type { SyscallContext } from './context.js';
import { pending, type Outcome } from './outcome.js';

const O_WRONLY = 1;
const O_RDONLY = 0;
const O_PATH = 0o10000000;
const SIGPIPE = 13;
/** Linux caps one read or write at this many bytes (MAX_RW_COUNT). */
const MAX_RW = 0x7ffff000;
/** How much one read from a host stream asks for at most (the program may get less, as with pipes). */
const STREAM_CHUNK = 1 << 20;
const IOV_MAX = 1024;

function readable(d: FdLookup): boolean {
  return (d.file.flags & O_PATH) === 0 && accessMode(d.file.flags) !== O_WRONLY;
}

function writable(d: FdLookup): boolean {
  return (d.file.flags & O_PATH) === 0 && accessMode(d.file.flags) !== O_RDONLY;
}

/** Whether one of tsvisor's stdio fds is a stream that may block (pipe, terminal, socket). */
function isStream(hostFd: number): boolean {
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
function readFile(
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
    case 'dev': {
      const name = file.path.slice('/dev/'.length);
      if (name === 'null') return deliver(new Uint8Array(0));
      const n = Math.min(count, STREAM_CHUNK);
      const bytes = new Uint8Array(n);
      if (name === 'random' || name === 'urandom') randomFillSync(bytes);
      return deliver(bytes);
    }
    case 'host': {
      const hostFd = ctx.kernel.host.fd(file.id);
      if (hostFd === undefined) return -Errno.EBADF;
      const at = position ?? file.offset;
      const buf = Buffer.alloc(Math.min(count, 16 << 20));
      const n = fs.readSync(hostFd, buf, 0, buf.length, at);
      const r = deliver(buf.subarray(0, n));
      if (r >= 0 && position === null && n > 0) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: at + n });
      return r;
    }
    case 'stdio': {
      const hostFd = file.hostFd!;
      if (position !== null) {
        if (isStream(hostFd)) return -Errno.ESPIPE;
        const buf = Buffer.alloc(Math.min(count, 16 << 20));
        return deliver(buf.subarray(0, fs.readSync(hostFd, buf, 0, buf.length, position)));
      }
      const buf = Buffer.alloc(Math.min(count, STREAM_CHUNK));
      if (!isStream(hostFd)) {
        try {
          return deliver(buf.subarray(0, fs.readSync(hostFd, buf, 0, buf.length, null)));
        } catch (err) {
          return -errnoOf(err, Errno.EIO);
        }
      }
      // A pipe or terminal: park the thread, let the others run, finish when data comes.
      const tid = ctx.thread.tid;
      const kernel = ctx.kernel;
      fs.read(hostFd, buf, 0, buf.length, null, (err, n) => {
        kernel.complete(tid, err ? -errnoOf(err, Errno.EIO) : deliver(buf.subarray(0, n)));
      });
      return pending;
    }
  }
}

/** Writes bytes to an open file; returns the count written or -errno. */
function writeFile(ctx: SyscallContext, d: FdLookup, bytes: Uint8Array, position: number | null): number {
  const file = d.file;
  switch (file.kind) {
    case 'dir':
      return -Errno.EISDIR;
    case 'dev':
      return file.path === '/dev/full' ? -Errno.ENOSPC : bytes.length;
    case 'host':
      return -Errno.EBADF; // host files are only ever open for reading (read-only root)
    case 'stdio': {
      let done = 0;
      try {
        while (done < bytes.length) {
          done += fs.writeSync(file.hostFd!, bytes, done, bytes.length - done, position === null ? null : position + done);
        }
      } catch (err) {
        const errno = errnoOf(err, Errno.EIO);
        if (errno === Errno.EAGAIN) {
          // tsvisor's own stdout is non-blocking: wait until it drains rather than fail the program.
          return done > 0 ? done : writeFile(ctx, d, bytes, position);
        }
        if (errno === Errno.EPIPE) ctx.kernel.platform.signalThread(ctx.hostTid, SIGPIPE);
        return done > 0 ? done : -errno;
      }
      return done;
    }
  }
}

function checkFd(ctx: SyscallContext, fd: number, want: 'read' | 'write'): FdLookup | number {
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (want === 'read' ? !readable(d) : !writable(d)) return -Errno.EBADF;
  return d;
}

export function sysRead(ctx: SyscallContext): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'read');
  if (typeof d === 'number') return d;
  const buf = ctx.args[1]!;
  const count = Math.min(ctx.args[2]!, MAX_RW);
  if (count < 0) return -Errno.EINVAL;
  if (count === 0) return 0;
  return readFile(ctx, d, count, null, (bytes) => (ctx.write(buf, bytes) ? bytes.length : -Errno.EFAULT));
}

export function sysPread64(ctx: SyscallContext): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'read');
  if (typeof d === 'number') return d;
  const offset = ctx.args[3]!;
  if (offset < 0) return -Errno.EINVAL;
  const buf = ctx.args[1]!;
  const count = Math.min(ctx.args[2]!, MAX_RW);
  if (count === 0) return 0;
  return readFile(ctx, d, count, offset, (bytes) => (ctx.write(buf, bytes) ? bytes.length : -Errno.EFAULT));
}

export function sysWrite(ctx: SyscallContext): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'write');
  if (typeof d === 'number') return d;
  const count = Math.min(ctx.args[2]!, MAX_RW);
  if (count < 0) return -Errno.EINVAL;
  if (count === 0) return 0;
  const bytes = ctx.read(ctx.args[1]!, count);
  if (!bytes) return -Errno.EFAULT;
  return writeFile(ctx, d, bytes, null);
}

export function sysPwrite64(ctx: SyscallContext): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'write');
  if (typeof d === 'number') return d;
  const offset = ctx.args[3]!;
  if (offset < 0) return -Errno.EINVAL;
  const bytes = ctx.read(ctx.args[1]!, Math.min(ctx.args[2]!, MAX_RW));
  if (!bytes) return -Errno.EFAULT;
  return writeFile(ctx, d, bytes, offset);
}

interface IoVec {
  base: number;
  len: number;
}

function readIovecs(ctx: SyscallContext, addr: number, count: number): IoVec[] | number {
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

function vectoredRead(ctx: SyscallContext, position: number | null): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'read');
  if (typeof d === 'number') return d;
  const iov = readIovecs(ctx, ctx.args[1]!, ctx.int(2));
  if (typeof iov === 'number') return iov;
  const total = Math.min(iov.reduce((s, v) => s + v.len, 0), MAX_RW);
  if (total === 0) return 0;
  return readFile(ctx, d, total, position, (bytes) => {
    let at = 0;
    for (const v of iov) {
      if (at >= bytes.length) break;
      const part = bytes.subarray(at, at + v.len);
      if (!ctx.write(v.base, part)) return at > 0 ? at : -Errno.EFAULT;
      at += part.length;
    }
    return bytes.length;
  });
}

function vectoredWrite(ctx: SyscallContext, position: number | null): Outcome {
  const d = checkFd(ctx, ctx.int(0), 'write');
  if (typeof d === 'number') return d;
  const iov = readIovecs(ctx, ctx.args[1]!, ctx.int(2));
  if (typeof iov === 'number') return iov;
  const parts: Uint8Array[] = [];
  for (const v of iov) {
    const bytes = ctx.read(v.base, v.len);
    if (!bytes) {
      if (parts.length === 0) return -Errno.EFAULT;
      break;
    }
    parts.push(bytes);
  }
  const all = Buffer.concat(parts);
  if (all.length === 0) return 0;
  return writeFile(ctx, d, all, position);
}

export function sysReadv(ctx: SyscallContext): Outcome {
  return vectoredRead(ctx, null);
}

export function sysWritev(ctx: SyscallContext): Outcome {
  return vectoredWrite(ctx, null);
}

/** preadv/pwritev(2): the offset is args[3]; -1 (preadv2) means the file offset. */
function vectoredOffset(ctx: SyscallContext): number | null {
  const offset = ctx.args[3]!;
  return offset === -1 ? null : offset;
}

export function sysPreadv(ctx: SyscallContext): Outcome {
  const offset = vectoredOffset(ctx);
  if (offset !== null && offset < 0) return -Errno.EINVAL;
  return vectoredRead(ctx, offset);
}

export function sysPwritev(ctx: SyscallContext): Outcome {
  const offset = vectoredOffset(ctx);
  if (offset !== null && offset < 0) return -Errno.EINVAL;
  return vectoredWrite(ctx, offset);
}
