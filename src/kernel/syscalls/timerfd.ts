// timerfd: a timer as a file; read returns how many times it expired since the last read.
import { Errno } from '../errno.js';
import { lookupFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import type { Kernel } from '../kernel.js';
import { monotonicNs, realtimeNs } from './time.js';
import { O_RDWR } from '../abi/open_flags.js';
import { CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, NS_PER_SECOND } from '../abi/clocks.js';

const TFD_NONBLOCK = 0o4000;
const TFD_CLOEXEC = 0o2000000;
const TFD_TIMER_ABSTIME = 1;
const TFD_TIMER_CANCEL_ON_SET = 2;

function now(clock: number): bigint {
  return clock === CLOCK_REALTIME || clock === CLOCK_REALTIME_ALARM ? realtimeNs() : monotonicNs();
}

export function sysTimerfdCreate(ctx: SyscallContext): Outcome {
  const clock = ctx.int(0);
  const flags = ctx.uint(1);
  if (![CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM].includes(clock)) return -Errno.EINVAL;
  if (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC)) return -Errno.EINVAL;
  const id = ctx.kernel.state.nextObjectId;
  ctx.emit({ type: 'TimerfdCreated', id, clock });
  return openNewFile(ctx, { kind: 'timerfd', path: 'anon_inode:[timerfd]', flags: O_RDWR | (flags & TFD_NONBLOCK), cloexec: (flags & TFD_CLOEXEC) !== 0, objectId: id });
}

function timerOf(ctx: SyscallContext, fd: number) {
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'timerfd') return -Errno.EINVAL;
  return ctx.kernel.state.timerfds.get(d.file.objectId!) ?? -Errno.EBADF;
}

function encodeItimerspec(intervalNs: bigint, valueNs: bigint): Buffer {
  const out = Buffer.alloc(32);
  out.writeBigInt64LE(intervalNs / NS_PER_SECOND, 0);
  out.writeBigInt64LE(intervalNs % NS_PER_SECOND, 8);
  out.writeBigInt64LE(valueNs / NS_PER_SECOND, 16);
  out.writeBigInt64LE(valueNs % NS_PER_SECOND, 24);
  return out;
}

function current(ctx: SyscallContext, t: { clock: number; intervalNs: bigint; deadlineNs: bigint | null }): Buffer {
  const left = t.deadlineNs === null ? 0n : t.deadlineNs - now(t.clock);
  return encodeItimerspec(t.intervalNs, left > 0n ? left : t.deadlineNs === null ? 0n : 1n);
}

export function sysTimerfdSettime(ctx: SyscallContext): Outcome {
  const t = timerOf(ctx, ctx.int(0));
  if (typeof t === 'number') return t;
  const flags = ctx.uint(1);
  if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) return -Errno.EINVAL;
  const raw = ctx.read(ctx.args[2]!, 32);
  if (!raw) return -Errno.EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset);
  const fields = [0, 8, 16, 24].map((o) => v.getBigInt64(o, true));
  if (fields.some((f, i) => f < 0n || (i % 2 === 1 && f >= NS_PER_SECOND))) return -Errno.EINVAL;
  const intervalNs = fields[0]! * NS_PER_SECOND + fields[1]!;
  const valueNs = fields[2]! * NS_PER_SECOND + fields[3]!;
  const oldAddr = ctx.args[3]!;
  if (oldAddr !== 0 && !ctx.write(oldAddr, current(ctx, t))) return -Errno.EFAULT;
  const deadlineNs = valueNs === 0n ? null : flags & TFD_TIMER_ABSTIME ? valueNs : now(t.clock) + valueNs;
  ctx.emit({ type: 'TimerfdSet', id: t.id, intervalNs, deadlineNs });
  armTimerfdWake(ctx.kernel, t.id, t.clock, deadlineNs);
  return 0;
}

/** Wakes the timerfd's waiters at its deadline (on the timer's own clock); restore re-arms with it. */
export function armTimerfdWake(kernel: Kernel, id: number, clock: number, deadlineNs: bigint | null): void {
  const toMs = (ns: bigint) => Number(ns / 1_000_000n);
  kernel.host.armTimer(id, deadlineNs === null ? null : toMs(deadlineNs) + 1, () => kernel.notify(`timerfd:${id}`), () => toMs(now(clock)));
}

export function sysTimerfdGettime(ctx: SyscallContext): Outcome {
  const t = timerOf(ctx, ctx.int(0));
  if (typeof t === 'number') return t;
  return ctx.write(ctx.args[1]!, current(ctx, t)) ? 0 : -Errno.EFAULT;
}

/** Expirations since the last read, and the next deadline, as of now. */
export function expirations(t: { clock: number; intervalNs: bigint; deadlineNs: bigint | null }): { count: bigint; next: bigint | null } {
  if (t.deadlineNs === null) return { count: 0n, next: null };
  const at = now(t.clock);
  if (at < t.deadlineNs) return { count: 0n, next: t.deadlineNs };
  if (t.intervalNs === 0n) return { count: 1n, next: null };
  const count = 1n + (at - t.deadlineNs) / t.intervalNs;
  return { count, next: t.deadlineNs + count * t.intervalNs };
}

/** read(2) of a timerfd: 8 bytes of expiration count, waiting for the first one. */
export function readTimerfd(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  if (count < 8) return -Errno.EINVAL;
  const id = d.file.objectId!;
  const attempt = (): number | null => {
    const t = ctx.kernel.state.timerfds.get(id);
    if (!t) return -Errno.EBADF;
    const { count: n, next } = expirations(t);
    if (n === 0n) return d.file.flags & TFD_NONBLOCK ? -Errno.EAGAIN : null;
    const out = Buffer.alloc(8);
    out.writeBigUInt64LE(n);
    const r = deliver(out);
    if (r < 0) return r;
    ctx.emit({ type: 'TimerfdSet', id, intervalNs: t.intervalNs, deadlineNs: next });
    if (next !== null) armTimerfdWake(ctx.kernel, id, t.clock, next);
    return 8;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`timerfd:${id}`], attempt);
}
