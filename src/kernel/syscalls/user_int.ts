// A C int in the program's memory: what ioctls and prctl's getters read and store.
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';

/** Stores value at addr: 0, or -EFAULT. */
export function writeInt(ctx: SyscallContext, addr: number, value: number): number {
  const out = Buffer.alloc(4);
  out.writeInt32LE(value | 0);
  return ctx.write(addr, out) ? 0 : -Errno.EFAULT;
}

/** The int at addr, or null when it cannot be read. */
export function readInt(ctx: SyscallContext, addr: number): number | null {
  const raw = ctx.read(addr, 4);
  return raw ? Buffer.from(raw.buffer, raw.byteOffset, 4).readInt32LE(0) : null;
}
