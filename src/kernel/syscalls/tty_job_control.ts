// Job control at a terminal (POSIX; Linux's __tty_check_change). A process whose controlling
// terminal this is, but whose group is not the terminal's foreground group, is sent SIGTTIN
// when it reads the terminal and SIGTTOU when it changes its settings or, with TOSTOP set,
// writes to it: its whole group stops (a shell's background job waits for `fg`), and the call
// is made again once the group is continued, or ends with EINTR under a handler without
// SA_RESTART. With the signal blocked or ignored a read fails with EIO and anything else goes
// ahead; in an orphaned group, whose stop nobody could undo, the call fails with EIO.
import fs from 'node:fs';

import { SIGTTIN } from '../abi/signals.js';
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { processGroup, signalFromKernel } from './signal.js';

const SIG_IGN = 1;

/**
 * Whether the caller may use its controlling terminal, whose foreground group is foreground
 * (0: none), for what sig stands for (SIGTTIN: reading; SIGTTOU: the rest): undefined when it
 * may, else the call's outcome (EIO, or parked until the signal sent to its group interrupts it).
 */
export function checkTerminalAccess(ctx: SyscallContext, foreground: number, sig: number): Outcome | undefined {
  const p = ctx.process;
  if (foreground === 0 || p.pgid === foreground) return undefined;
  if (p.sigactions.get(sig)?.handler === SIG_IGN || threadBlocks(p.hostPid, ctx.hostTid, sig)) {
    return sig === SIGTTIN ? -Errno.EIO : undefined;
  }
  const kernel = ctx.kernel;
  if (kernel.orphanedGroup(p.pgid, p.sid)) return -Errno.EIO;
  const pids = signalFromKernel(kernel, processGroup(kernel, p.pgid), sig, false);
  // Parked on nothing: the signal ends the wait as soon as the thread is parked.
  const parked = ctx.block([], () => null);
  queueMicrotask(() => kernel.interruptSignalled(pids));
  return parked;
}

/** Whether a host thread blocks sig (its mask is the host's: sigprocmask runs there). */
function threadBlocks(hostPid: number, hostTid: number, sig: number): boolean {
  try {
    const status = fs.readFileSync(`/proc/${hostPid}/task/${hostTid}/status`, 'utf8');
    const mask = BigInt('0x' + (/^SigBlk:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'));
    return (mask & (1n << BigInt(sig - 1))) !== 0n;
  } catch {
    return false;
  }
}
