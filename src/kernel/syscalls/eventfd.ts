// eventfd: a 64-bit counter as a file. read takes it (or 1, in semaphore mode), write adds.
import { Errno } from '../errno.js';
import { openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { O_RDWR } from '../abi/open_flags.js';

const EFD_SEMAPHORE = 1;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
const MAX = 0xfffffffffffffffen;

export function sysEventfd2(ctx: SyscallContext): Outcome {
  return create(ctx, ctx.uint(0), ctx.uint(1));
}

export function sysEventfd(ctx: SyscallContext): Outcome {
  return create(ctx, ctx.uint(0), 0);
}

function create(ctx: SyscallContext, initval: number, flags: number): Outcome {
  if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return -Errno.EINVAL;
  const id = ctx.kernel.state.nextObjectId;
  ctx.emit({ type: 'EventfdCreated', id, counter: BigInt(initval), semaphore: (flags & EFD_SEMAPHORE) !== 0 });
  const fd = openNewFile(ctx, { kind: 'eventfd', path: 'anon_inode:[eventfd]', flags: O_RDWR | (flags & EFD_NONBLOCK), cloexec: (flags & EFD_CLOEXEC) !== 0, objectId: id });
  return fd;
}

/** read(2) of an eventfd: 8 bytes, waits while the counter is zero. */
export function readEventfd(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  if (count < 8) return -Errno.EINVAL;
  const id = d.file.objectId!;
  const attempt = (): number | null => {
    const efd = ctx.kernel.state.eventfds.get(id);
    if (!efd) return -Errno.EBADF;
    if (efd.counter === 0n) return d.file.flags & EFD_NONBLOCK ? -Errno.EAGAIN : null;
    const value = efd.semaphore ? 1n : efd.counter;
    const out = Buffer.alloc(8);
    out.writeBigUInt64LE(value);
    const r = deliver(out);
    if (r < 0) return r;
    ctx.emit({ type: 'EventfdCounterSet', id, counter: efd.counter - value });
    ctx.kernel.notify(`eventfd:${id}`);
    return 8;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`eventfd:${id}`], attempt);
}

/** write(2) to an eventfd: adds an 8-byte value, waits while it would overflow. */
export function writeEventfd(ctx: SyscallContext, d: FdLookup, bytes: Uint8Array): Outcome {
  if (bytes.length < 8) return -Errno.EINVAL;
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64LE();
  if (value === 0xffffffffffffffffn) return -Errno.EINVAL;
  const id = d.file.objectId!;
  const attempt = (): number | null => {
    const efd = ctx.kernel.state.eventfds.get(id);
    if (!efd) return -Errno.EBADF;
    if (efd.counter + value > MAX) return d.file.flags & EFD_NONBLOCK ? -Errno.EAGAIN : null;
    if (value > 0n) {
      ctx.emit({ type: 'EventfdCounterSet', id, counter: efd.counter + value });
      ctx.kernel.notify(`eventfd:${id}`);
    }
    return 8;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`eventfd:${id}`], attempt);
}
