// replay --exec: what a call let go out of its recorded turn (a stall relaxed, see
// ExecReplaySource.unstall) changes. Threads that wait on each other outside the kernel (a lock
// one holds while it waits for its turn, a flag it spins on) can make the recorded order
// impossible: the replay then lets a held call go first, and the call it was waiting for comes
// after it, the reverse of the recording. Two writes to the same file in the reverse order
// write the file (the terminal) in another order than recorded, which no result check sees:
// that is reported as a divergence. Other reversed pairs go on, counted as the order relaxed.
import type { KernelState } from '../kernel/state.js';
import { SYS } from '../kernel/syscalls/numbers.js';

const WRITES: ReadonlySet<number> = new Set([SYS.write, SYS.writev, SYS.pwrite64, SYS.pwritev, SYS.pwritev2, SYS.sendto, SYS.sendmsg]);

/** A write that went out of its turn: its recorded trap, and the open file it wrote to. */
export interface OutOfTurnWrite {
  trap: number;
  seq: number;
  fileId: number;
}

/** The open file a call writes to (its fd argument's), undefined for other calls or a bad fd. */
export function writtenFile(state: KernelState, pid: number, nr: number, args: readonly number[]): number | undefined {
  if (!WRITES.has(nr)) return undefined;
  return state.processes.get(pid)?.fds.get(args[0]!)?.fileId;
}

/** The write gone out of its turn that a write recorded with this trap to this file should have come before. */
export function reversedWrite(wentFirst: readonly OutOfTurnWrite[], trap: number, fileId: number | undefined): OutOfTurnWrite | undefined {
  return fileId === undefined ? undefined : wentFirst.find((w) => w.fileId === fileId && w.trap > trap);
}
