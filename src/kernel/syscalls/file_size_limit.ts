// RLIMIT_FSIZE, the largest file a process may make, as Linux applies it to regular files:
// a write is cut short at the limit, and one that starts at or past it fails with EFBIG and
// sends the writer SIGXFSZ (whose default action kills it; generic_write_checks). Growing a
// file past the limit by truncate or fallocate is the same (inode_newsize_ok).
import { Errno } from '../errno.js';
import { SIGXFSZ } from '../abi/signals.js';
import type { SyscallContext } from './context.js';
import { signalSelf } from './signal.js';

const RLIMIT_FSIZE = 1;

/** The caller's soft RLIMIT_FSIZE, or -1 for none. */
function fileSizeLimit(ctx: SyscallContext): number {
  return ctx.process.rlimits.get(RLIMIT_FSIZE)?.[0] ?? -1;
}

/** SIGXFSZ to the caller, from itself. */
function exceeded(ctx: SyscallContext): number {
  signalSelf(ctx, SIGXFSZ);
  return -Errno.EFBIG;
}

/** How many of count bytes a write at offset `at` may write (count > 0), or -EFBIG. */
export function writableCount(ctx: SyscallContext, at: number, count: number): number {
  const limit = fileSizeLimit(ctx);
  if (limit < 0 || count === 0) return count;
  if (at >= limit) return exceeded(ctx);
  return Math.min(count, limit - at);
}

/** 0 if a file of size `from` may become `to` bytes long (shrinking always may), or -EFBIG. */
export function mayGrow(ctx: SyscallContext, from: number, to: number): number {
  const limit = fileSizeLimit(ctx);
  return to <= from || limit < 0 || to <= limit ? 0 : exceeded(ctx);
}
