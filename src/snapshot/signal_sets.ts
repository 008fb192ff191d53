// Masks and pending signals are the host threads' (rt_sigprocmask is not trapped): a
// checkpoint reads them from /proc, a restore sets them again.
import fs from 'node:fs';

export interface ThreadSignals {
  blocked: bigint;
  pending: bigint;
}

function field(status: string, name: string): bigint {
  const m = new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status);
  return m ? BigInt('0x' + m[1]!) : 0n;
}

export function threadSignals(hostPid: number, hostTid: number): ThreadSignals {
  const status = fs.readFileSync(`/proc/${hostPid}/task/${hostTid}/status`, 'utf8');
  return { blocked: field(status, 'SigBlk'), pending: field(status, 'SigPnd') };
}

/** Signals pending for the whole process. */
export function sharedPending(hostPid: number): bigint {
  return field(fs.readFileSync(`/proc/${hostPid}/status`, 'utf8'), 'ShdPnd');
}

/** The signal numbers in a set (bit N-1 for signal N). */
export function signalsIn(set: bigint): number[] {
  const out: number[] = [];
  for (let sig = 1; sig <= 64; sig++) if (set & (1n << BigInt(sig - 1))) out.push(sig);
  return out;
}
