// replay --exec: clock reads are not held to their count. A thread in a timed wait the kernel
// does not see (a futex with a timeout, which the host runs: pthread_cond_timedwait, Python's
// GIL) reads the clock each time the wait times out, and how often it does depends on the host's
// timing, not on anything recorded. So a replayed thread may read the clock more often than it
// did (a read when the thread's next recorded call is not a read of that clock is given the
// value of the thread's last read of that clock again: the clock stands still, it never goes
// back) or less often (recorded reads it has not made when its next other call comes are
// dropped). Every other call must come as recorded. A read may come from another place in the
// program than the recorded one it takes the value of, so what it wrote goes to the buffers
// the program passes now (writeAgain), not to the recorded addresses.
import { Errno } from '../kernel/errno.js';
import type { SyscallContext } from '../kernel/syscalls/context.js';
import { SYS } from '../kernel/syscalls/numbers.js';
import type { SyscallRecord } from '../trace/trace_schema.js';

const CLOCK_READS: ReadonlySet<number> = new Set([SYS.clock_gettime, SYS.gettimeofday, SYS.time]);
const SLEEPS: ReadonlySet<number> = new Set([SYS.nanosleep, SYS.clock_nanosleep]);

export function isClockRead(nr: number): boolean {
  return CLOCK_READS.has(nr);
}

/** Which clock a read reads (for clock_gettime, its clock id). */
export function clockOf(nr: number, args: readonly number[]): string {
  return nr === SYS.clock_gettime ? `${nr}:${args[0] ?? 0}` : `${nr}`;
}

/** Whether a clock read reads the clock a recorded call read. */
export function sameClock(nr: number, args: readonly number[], recorded: SyscallRecord): boolean {
  return isClockRead(nr) && recorded.nr === nr && clockOf(nr, args) === clockOf(recorded.nr, recorded.args);
}

/**
 * Gives a clock read what a recorded one of the same clock wrote, at the pointers the program
 * passed now (the same argument as then).
 */
export function writeAgain(ctx: SyscallContext, earlier: SyscallRecord): void {
  for (const w of earlier.writes) {
    const arg = earlier.args.indexOf(w.addr);
    if (arg >= 0 && ctx.args[arg]) ctx.write(ctx.args[arg]!, w.bytes);
  }
}

/**
 * A sleep a signal interrupted. Whether a signal came before a sleep's end is the host's timing,
 * so the replay does as recorded: such a sleep ends only by the signal (ExecReplaySource.answer),
 * and a sleep that ran to its end is not interrupted (no call recorded as completing is, see
 * ExecReplaySource.mayInterrupt). The time it left (written to its rem argument) is the clock's,
 * not the program's: the replay gives back the recorded one (the program may sleep it next).
 */
export function isInterruptedSleep(record: SyscallRecord): boolean {
  return SLEEPS.has(record.nr) && record.result === -Errno.EINTR;
}
