// Clocks and sleeping. A time read traps here when the program has no vDSO (a recorded run) or
// reads a clock the sandbox's vDSO leaves to the kernel (loader/vdso.ts); sleeps park the
// thread on a Node timer instead of blocking the kernel.
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { hostMonotonicBigNs } from '../../platform/host_clock.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { wakeAt } from '../time/wake_timer.js';
import { CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, CLOCK_REALTIME_COARSE, CLOCK_TAI, CLOCK_THREAD_CPUTIME_ID, NS_PER_SECOND } from '../abi/clocks.js';

const TIMER_ABSTIME = 1;

/**
 * Realtime = the host's monotonic clock + this offset, fixed at the first read so the two clocks
 * move together (at first use, not when the module is evaluated: the start-up snapshot
 * evaluates it at build time).
 */
let realtimeOffset: bigint | undefined;
/**
 * The sandbox's CLOCK_MONOTONIC is the host's plus this shift: 0 for a fresh sandbox, and for a
 * restored one whatever makes it go on from the value it had at the checkpoint (no jump).
 * One kernel runs per tsvisor process, so the clock is the process's.
 */
let monotonicShift = 0n;

export function monotonicNs(): bigint {
  return hostMonotonicBigNs() + monotonicShift;
}

/** Makes CLOCK_MONOTONIC read `ns` now (restore). */
export function continueMonotonicFrom(ns: bigint): void {
  monotonicShift = ns - hostMonotonicBigNs();
}

/** What the sandbox adds to the host's CLOCK_MONOTONIC for its realtime and monotonic clocks (the vDSO's data). */
export function clockOffsets(): { realtime: bigint; monotonic: bigint } {
  realtimeNs();
  return { realtime: realtimeOffset!, monotonic: monotonicShift };
}

export function realtimeNs(): bigint {
  realtimeOffset ??= BigInt(Date.now()) * 1_000_000n - hostMonotonicBigNs();
  return hostMonotonicBigNs() + realtimeOffset;
}

/** CPU time of a host stub process or thread, from its scheduler statistics. */
function cpuTimeNs(hostPath: string): bigint {
  try {
    return BigInt(fs.readFileSync(hostPath, 'utf8').split(' ')[0]!);
  } catch {
    return 0n;
  }
}

function clockNs(ctx: SyscallContext, clock: number): bigint | number {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
      return realtimeNs();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
      return monotonicNs();
    case CLOCK_PROCESS_CPUTIME_ID:
      return cpuTimeNs(`/proc/${ctx.process.hostPid}/schedstat`);
    case CLOCK_THREAD_CPUTIME_ID:
      return cpuTimeNs(`/proc/${ctx.process.hostPid}/task/${ctx.hostTid}/schedstat`);
    default:
      return clock < 0 ? cpuClockNs(ctx, clock) : -Errno.EINVAL;
  }
}

/** A CPU clock id names a thread (Linux's CPUCLOCK_PERTHREAD_MASK bit) rather than a process. */
function isThreadCpuClock(clock: number): boolean {
  return clock < 0 && (clock & 4) !== 0;
}

/**
 * The CPU-time clock of another process or thread, as clock_getcpuclockid and
 * pthread_getcpuclockid make them: ~id << 3, bit 2 for a thread, and in the low two bits which
 * time (profiling, virtual, scheduler; 3 names a clock fd, which the sandbox has none of). All three
 * read the host's scheduler time of the stub. A thread must be of the caller's process (EINVAL).
 */
function cpuClockNs(ctx: SyscallContext, clock: number): bigint | number {
  if ((clock & 3) === 3) return -Errno.EINVAL;
  const id = ~(clock >> 3);
  const state = ctx.kernel.state;
  if (isThreadCpuClock(clock)) {
    const thread = id === 0 ? ctx.thread : state.threads.get(id);
    if (!thread || thread.pid !== ctx.process.pid) return -Errno.EINVAL;
    return cpuTimeNs(`/proc/${ctx.process.hostPid}/task/${thread.hostTid}/schedstat`);
  }
  const process = id === 0 ? ctx.process : state.processes.get(id);
  if (!process) return -Errno.EINVAL;
  return cpuTimeNs(`/proc/${process.hostPid}/schedstat`);
}

/** struct timespec. A typed array's stores, not Buffer.writeBigInt64LE: these run cold in most runs, and Buffer's BigInt writes are slow uncompiled. */
function timespec(ns: bigint): Uint8Array {
  const out = new BigInt64Array(2);
  out[0] = ns / NS_PER_SECOND;
  out[1] = ns % NS_PER_SECOND;
  return new Uint8Array(out.buffer);
}

export function sysClockGettime(ctx: SyscallContext): Outcome {
  const ns = clockNs(ctx, ctx.int(0));
  if (typeof ns === 'number') return ns;
  return ctx.write(ctx.args[1]!, timespec(ns)) ? 0 : -Errno.EFAULT;
}

export function sysClockGetres(ctx: SyscallContext): Outcome {
  const ns = clockNs(ctx, ctx.int(0));
  if (typeof ns === 'number') return ns;
  if (ctx.args[1]! === 0) return 0;
  const clock = ctx.int(0);
  const coarse = clock === CLOCK_REALTIME_COARSE || clock === CLOCK_MONOTONIC_COARSE;
  return ctx.write(ctx.args[1]!, timespec(coarse ? 4_000_000n : 1n)) ? 0 : -Errno.EFAULT;
}

/**
 * clock_settime: the sandbox may not set the host's clock, as a container without CAP_SYS_TIME
 * in the initial user namespace may not (EPERM for the settable CLOCK_REALTIME, after the
 * argument checks); the other clocks cannot be set at all (EINVAL).
 */
export function sysClockSettime(ctx: SyscallContext): Outcome {
  const clock = ctx.int(0);
  const now = clockNs(ctx, clock);
  if (typeof now === 'number') return now;
  // Linux looks for the clock's set method before it reads the time: only the realtime clock and
  // the CPU-time clocks of another process or thread (negative ids) have one, and the latter
  // refuse with EPERM whatever the time.
  const cpuClock = clock < 0;
  if (clock !== CLOCK_REALTIME && !cpuClock) return -Errno.EINVAL;
  if (cpuClock) return ctx.read(ctx.args[1]!, 16) ? -Errno.EPERM : -Errno.EFAULT;
  const ns = readTimespec(ctx, ctx.args[1]!);
  if (typeof ns === 'number') return ns;
  return -Errno.EPERM;
}

/** settimeofday: the checks of Linux, then EPERM (see clock_settime). */
export function sysSettimeofday(ctx: SyscallContext): Outcome {
  const tv = ctx.args[0]!;
  if (tv !== 0) {
    const raw = ctx.read(tv, 16);
    if (!raw) return -Errno.EFAULT;
    const usec = new DataView(raw.buffer, raw.byteOffset).getBigInt64(8, true);
    if (usec < 0n || usec >= 1_000_000n) return -Errno.EINVAL;
  }
  if (ctx.args[1]! !== 0 && !ctx.read(ctx.args[1]!, 8)) return -Errno.EFAULT;
  return -Errno.EPERM;
}

export function sysGettimeofday(ctx: SyscallContext): Outcome {
  const tv = ctx.args[0]!;
  if (tv !== 0) {
    const ns = realtimeNs();
    const out = Buffer.alloc(16);
    out.writeBigInt64LE(ns / NS_PER_SECOND, 0);
    out.writeBigInt64LE((ns % NS_PER_SECOND) / 1000n, 8);
    if (!ctx.write(tv, out)) return -Errno.EFAULT;
  }
  const tz = ctx.args[1]!;
  if (tz !== 0 && !ctx.write(tz, Buffer.alloc(8))) return -Errno.EFAULT;
  return 0;
}

export function sysTime(ctx: SyscallContext): Outcome {
  const seconds = Number(realtimeNs() / NS_PER_SECOND);
  const at = ctx.args[0]!;
  if (at !== 0) {
    const out = Buffer.alloc(8);
    out.writeBigInt64LE(BigInt(seconds));
    if (!ctx.write(at, out)) return -Errno.EFAULT;
  }
  return seconds;
}

function readTimespec(ctx: SyscallContext, addr: number): bigint | number {
  const raw = ctx.read(addr, 16);
  if (!raw) return -Errno.EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= NS_PER_SECOND) return -Errno.EINVAL;
  return sec * NS_PER_SECOND + nsec;
}

/**
 * Parks the thread until the clock passes deadline (in that clock's nanoseconds). A signal
 * ends the sleep with EINTR, and the time left goes to remAddr (when given).
 */
function sleepUntil(ctx: SyscallContext, clock: number, requested: bigint, remAddr = 0): Outcome {
  const kernel = ctx.kernel;
  // Made again after a stop signal: the first deadline holds.
  const deadline = kernel.sleepDeadline(ctx.thread.tid) ?? requested;
  const key = `timer:${ctx.thread.tid}`;
  const left = () => {
    const now = clockNs(ctx, clock);
    return typeof now === 'number' ? 0n : deadline - now;
  };
  if (left() <= 0n) return 0;
  kernel.keepSleepDeadline(ctx.thread.tid, deadline);
  // Rounded up to the next ms: the wake-up must not come before the deadline in ns.
  const timer = wakeAt(Number((deadline + 999_999n) / 1_000_000n), () => kernel.notify(key), () => {
    const now = clockNs(ctx, clock);
    return typeof now === 'number' ? Infinity : Number(now / 1_000_000n);
  });
  return ctx.block(
    [key],
    () => (left() <= 0n ? 0 : null),
    () => timer.cancel(),
    // The time left is stored whatever ends the sleep (Linux's nanosleep_copyout): a bad address is EFAULT.
    () => (remAddr !== 0 && !ctx.write(remAddr, timespec(left() > 0n ? left() : 0n)) ? -Errno.EFAULT : undefined),
  );
}

export function sysNanosleep(ctx: SyscallContext): Outcome {
  const ns = readTimespec(ctx, ctx.args[0]!);
  if (typeof ns === 'number') return ns;
  return sleepUntil(ctx, CLOCK_MONOTONIC, monotonicNs() + ns, ctx.args[1]!);
}

export function sysClockNanosleep(ctx: SyscallContext): Outcome {
  const clock = ctx.int(0);
  // The calling thread's CPU clock has no sleep (EOPNOTSUPP; glibc makes it EINVAL); another thread's is EINVAL.
  if (clock === CLOCK_THREAD_CPUTIME_ID) return -Errno.EOPNOTSUPP;
  if (isThreadCpuClock(clock)) return -Errno.EINVAL;
  const now = clockNs(ctx, clock);
  if (typeof now === 'number') return -now === Errno.EINVAL ? -Errno.EINVAL : now;
  const ns = readTimespec(ctx, ctx.args[2]!);
  if (typeof ns === 'number') return ns;
  const absolute = (ctx.int(1) & TIMER_ABSTIME) !== 0;
  const deadline = absolute ? ns : now + ns;
  // With TIMER_ABSTIME nothing is written back (the deadline stays valid for a restart).
  return sleepUntil(ctx, clock, deadline, absolute ? 0 : ctx.args[3]!);
}

const SIGEV_THREAD_ID = 4;
const SIGEVENT_SIZE = 64;

/**
 * A thread's tid as its own process sees it on the host: the stubs live in a pid namespace of
 * their own (the innermost NSpid), where the host kernel reads a SIGEV_THREAD_ID target.
 */
function tidInStubNamespace(hostTid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${hostTid}/status`, 'utf8');
    const ids = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    return ids ? Number(ids.at(-1)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * timer_create: the host's POSIX timers serve the program (they only signal the caller),
 * but a SIGEV_THREAD_ID target is a virtual tid: the sigevent is rewritten with the target's
 * tid in the stubs' pid namespace, in scratch space on the thread's stack, and the call is
 * injected (glibc's SIGEV_THREAD timers are such, aimed at its helper thread: vim uses them).
 */
export function sysTimerCreate(ctx: SyscallContext): Outcome {
  const sevAddr = ctx.args[1]!;
  if (sevAddr === 0) return { kind: 'host' };
  const sev = ctx.read(sevAddr, SIGEVENT_SIZE);
  if (!sev) return -Errno.EFAULT;
  const view = Buffer.from(sev);
  if (view.readInt32LE(12) !== SIGEV_THREAD_ID) return { kind: 'host' };
  const target = ctx.kernel.state.threads.get(view.readInt32LE(16));
  if (!target || target.pid !== ctx.process.pid) return -Errno.EINVAL;
  const stubTid = tidInStubNamespace(target.hostTid);
  if (stubTid === undefined) return -Errno.EINVAL;
  view.writeInt32LE(stubTid, 16);
  const regs = ctx.kernel.platform;
  const scratch = ctx.scratchAddress();
  if (!regs.write(ctx.hostTid, scratch, view)) return -Errno.EFAULT;
  const r = regs.inject(ctx.hostTid, ctx.nr, ctx.args[0]!, scratch, ctx.args[2]!);
  return r === null ? -Errno.ESRCH : r;
}
