// What processes used, as the program asks for it: wait4's and waitid's struct rusage, getrusage
// for the caller's children, and times' cutime and cstime. The host counts a process's own
// usage, but its children are waited for by the kernel, not on the host: their usage is the
// kernel's (ProcessState.usage and childUsage, from the host's wait4 at each exit).
import { Errno } from '../errno.js';
import type { ProcessState, ProcessUsage } from '../state.js';
import type { SyscallContext } from './context.js';
import { hostRuns, type Outcome } from './outcome.js';

const RUSAGE_SIZE = 144;
const RUSAGE_CHILDREN = -1;
const USER_HZ = 100;

/** A struct rusage with the two times and the peak resident set (the counters stay 0). */
export function encodeRusage(u: ProcessUsage | undefined): Buffer {
  const out = Buffer.alloc(RUSAGE_SIZE);
  if (!u) return out;
  const timeval = (us: number, at: number) => {
    out.writeBigInt64LE(BigInt(Math.floor(us / 1e6)), at);
    out.writeBigInt64LE(BigInt(Math.floor(us % 1e6)), at + 8);
  };
  timeval(u.utimeUs, 0);
  timeval(u.stimeUs, 16);
  out.writeBigInt64LE(BigInt(Math.floor(u.maxRssKb)), 32);
  return out;
}

/** A waited-for child's usage, its own waited-for children's included (Linux's RUSAGE_BOTH). */
export function waitedUsage(child: ProcessState | undefined): ProcessUsage | undefined {
  const own = child?.usage;
  const theirs = child?.childUsage;
  if (!own || !theirs) return own ?? theirs;
  return { utimeUs: own.utimeUs + theirs.utimeUs, stimeUs: own.stimeUs + theirs.stimeUs, maxRssKb: Math.max(own.maxRssKb, theirs.maxRssKb) };
}

/** getrusage(who, usage): the caller's children from the kernel; itself and its thread from the host. */
export function sysGetrusage(ctx: SyscallContext): Outcome {
  if (ctx.int(0) !== RUSAGE_CHILDREN) return hostRuns;
  return ctx.write(ctx.args[1]!, encodeRusage(ctx.process.childUsage)) ? 0 : -Errno.EFAULT;
}

/** times(buf): the host's, with the children's times (in clock ticks) from the kernel. */
export function sysTimes(ctx: SyscallContext): Outcome {
  const buf = ctx.args[0]!;
  if (buf === 0) return hostRuns;
  return {
    kind: 'host',
    rewrite: (ticks) => {
      if (ticks < 0 && ticks > -4096) return ticks;
      const u = ctx.process.childUsage;
      const children = Buffer.alloc(16);
      children.writeBigInt64LE(BigInt(Math.floor(((u?.utimeUs ?? 0) * USER_HZ) / 1e6)), 0);
      children.writeBigInt64LE(BigInt(Math.floor(((u?.stimeUs ?? 0) * USER_HZ) / 1e6)), 8);
      return ctx.write(buf + 16, children) ? ticks : -Errno.EFAULT;
    },
  };
}
