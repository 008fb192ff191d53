// process_vm_readv and process_vm_writev: copies between the caller's memory and another
// sandbox process's, through tsvisor (each side is a stub process it traces). The target is
// named by a sandbox pid or tid; the caller needs the access ptrace's attach would need.
import { Errno } from '../errno.js';
import type { ProcessState } from '../state.js';
import { mayAttach } from '../task/ptrace_access.js';
import type { SyscallContext } from './context.js';
import { readIovecs, type IoVec } from './io.js';
import type { Outcome } from './outcome.js';
import { processOfTid } from '../task/task_lookup.js';

/** The largest piece copied at once (bounds tsvisor's buffer, not the call). */
const CHUNK = 1 << 20;

export function sysProcessVmReadv(ctx: SyscallContext): Outcome {
  return transfer(ctx, 'read');
}

export function sysProcessVmWritev(ctx: SyscallContext): Outcome {
  return transfer(ctx, 'write');
}

/**
 * Copies along the remote iovecs in order, filling the local ones in order. A fault on either
 * side ends the copy: the count so far, or EFAULT when nothing was copied (Linux's rule; the
 * copy stops at the first page that cannot be reached).
 */
function transfer(ctx: SyscallContext, direction: 'read' | 'write'): Outcome {
  if (ctx.args[5]! !== 0) return -Errno.EINVAL; // flags
  const local = readIovecs(ctx, ctx.args[1]!, ctx.args[2]!);
  if (typeof local === 'number') return local;
  const remote = readIovecs(ctx, ctx.args[3]!, ctx.args[4]!);
  if (typeof remote === 'number') return remote;
  const target = targetOf(ctx, ctx.int(0));
  if (typeof target === 'number') return target;
  const targetTid = ctx.kernel.state.threads.get(target.threads[0]!)?.hostTid;
  if (targetTid === undefined) return -Errno.ESRCH;
  const platform = ctx.kernel.platform;
  const localCursor = new IovCursor(local);
  let done = 0;
  for (const r of remote) {
    for (let at = 0; at < r.len; ) {
      const piece = localCursor.next(Math.min(r.len - at, CHUNK));
      if (!piece) return done;
      let moved: number;
      if (direction === 'read') {
        const buf = new Uint8Array(piece.len);
        const got = platform.readInto(targetTid, r.base + at, buf, 0, piece.len);
        moved = got > 0 ? ctx.writeSome(piece.base, buf.subarray(0, got)) : 0;
      } else {
        const bytes = readSome(ctx, piece.base, piece.len);
        moved = bytes.length > 0 ? platform.writeSome(targetTid, r.base + at, bytes) : 0;
      }
      done += moved;
      if (moved < piece.len) return done > 0 ? done : -Errno.EFAULT;
      at += moved;
    }
  }
  return done;
}

/** The process a pid or tid names, if the caller may reach into its memory. */
function targetOf(ctx: SyscallContext, id: number): ProcessState | number {
  const target = id > 0 ? processOfTid(ctx.kernel.state, id) : undefined;
  if (!target || target.status !== 'running') return -Errno.ESRCH;
  return mayAttach(ctx.process, target) ? target : -Errno.EPERM;
}

/** The caller's bytes at addr, up to the first page that cannot be read. */
function readSome(ctx: SyscallContext, addr: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  const got = ctx.kernel.platform.readInto(ctx.hostTid, addr, buf, 0, length);
  return buf.subarray(0, Math.max(0, got));
}

/** Walks a list of iovecs, handing out pieces of at most a given length. */
class IovCursor {
  private index = 0;
  private offset = 0;

  constructor(private readonly iovs: readonly IoVec[]) {}

  next(max: number): IoVec | null {
    while (this.index < this.iovs.length && this.offset === this.iovs[this.index]!.len) {
      this.index++;
      this.offset = 0;
    }
    const v = this.iovs[this.index];
    if (!v) return null;
    const len = Math.min(max, v.len - this.offset);
    const piece = { base: v.base + this.offset, len };
    this.offset += len;
    return piece;
  }
}
