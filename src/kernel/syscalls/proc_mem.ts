// /proc/PID/mem: another process's (or the caller's own) memory as a file, the file offset
// being the address (what gdb reads and plants breakpoints through). As Linux's: reads and
// writes go page by page as far as the memory allows and fail with EIO only when not even the
// first byte can be reached; writes reach read-only private mappings too (FOLL_FORCE: a
// breakpoint in a program's text); lseek takes SEEK_SET and SEEK_CUR only; once the process
// is gone reads and writes give 0. The bytes move through the host's own /proc/HOSTTID/mem of
// the target's stub, which the kernel (the stub's tracer) may open; who may open the sandbox's
// file was decided by ptrace's access check at open (procfs.ts). Unlike Linux, a file opened
// before the target execs reaches the new program, not the old one (gone: Linux gives 0).
import fs from 'node:fs';

import { Errno } from '../errno.js';
import type { OpenFile } from '../state.js';
import { errnoOf } from '../vfs/path_walk.js';
import type { SyscallContext } from './context.js';

const PROC_MEM_PATH = /^\/proc\/(\d+)(?:\/task\/\d+)?\/mem$/;
/** The most one read or write moves (a short count, as for other large transfers). */
const MAX_TRANSFER = 16 << 20;
const SEEK_SET = 0;
const SEEK_CUR = 1;

export function isProcMem(file: OpenFile): boolean {
  return file.kind === 'synthetic' && PROC_MEM_PATH.test(file.path);
}

/** The host tid whose /proc/HOSTTID/mem is the target's memory; undefined once it is gone. */
function targetHostTid(ctx: SyscallContext, file: OpenFile): number | undefined {
  const pid = Number(PROC_MEM_PATH.exec(file.path)![1]);
  const process = ctx.kernel.state.processes.get(pid);
  if (!process || process.status !== 'running') return undefined;
  const tid = process.threads[0];
  return tid === undefined ? undefined : ctx.kernel.state.threads.get(tid)?.hostTid;
}

/** Runs `move` on the target's host memory file; 0 when the target (or its memory) is gone. */
function withHostMem(ctx: SyscallContext, file: OpenFile, forWrite: boolean, move: (hostFd: number) => number): number {
  const hostTid = targetHostTid(ctx, file);
  if (hostTid === undefined) return 0;
  let hostFd: number;
  try {
    hostFd = fs.openSync(`/proc/${hostTid}/mem`, forWrite ? 'r+' : 'r');
  } catch {
    return 0;
  }
  try {
    return move(hostFd);
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  } finally {
    fs.closeSync(hostFd);
  }
}

export function readProcMem(ctx: SyscallContext, file: OpenFile, count: number, position: number | null, deliver: (bytes: Uint8Array) => number): number {
  const at = position ?? file.offset;
  if (at < 0) return -Errno.EINVAL;
  if (count === 0) return deliver(new Uint8Array(0));
  const got = withHostMem(ctx, file, false, (hostFd) => {
    const buf = Buffer.allocUnsafe(Math.min(count, MAX_TRANSFER));
    const n = fs.readSync(hostFd, buf, 0, buf.length, at);
    return deliver(buf.subarray(0, n));
  });
  if (got > 0 && position === null) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: at + got });
  return got;
}

export function writeProcMem(ctx: SyscallContext, file: OpenFile, bytes: Uint8Array, position: number | null): number {
  const at = position ?? file.offset;
  if (at < 0) return -Errno.EINVAL;
  if (bytes.length === 0) return 0;
  const put = withHostMem(ctx, file, true, (hostFd) => fs.writeSync(hostFd, bytes, 0, Math.min(bytes.length, MAX_TRANSFER), at));
  if (put > 0 && position === null) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: at + put });
  return put;
}

/** lseek: the offset is an address, set or moved by any amount; there is no end to seek from. */
export function seekProcMem(ctx: SyscallContext, file: OpenFile, offset: number, whence: number): number {
  if (whence !== SEEK_SET && whence !== SEEK_CUR) return -Errno.EINVAL;
  const next = whence === SEEK_SET ? offset : file.offset + offset;
  if (next < 0) return -Errno.EINVAL;
  ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: next });
  return next;
}
