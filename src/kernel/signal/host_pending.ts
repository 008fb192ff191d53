// Signals pending for a sandbox thread. Masks and pending sets live on the host threads
// (rt_sigprocmask runs untrapped), so the kernel reads them from the host's /proc.
import fs from 'node:fs';

/** The signals pending for a host thread, its own and its process's (bit N-1 for signal N); 0n if it is gone. */
export function hostPendingSignals(hostPid: number, hostTid: number): bigint {
  const field = statusFields(hostPid, hostTid);
  return field('SigPnd') | field('ShdPnd');
}

/** The signals a host thread blocks (bit N-1 for signal N); 0n if it is gone. */
export function hostBlockedSignals(hostPid: number, hostTid: number): bigint {
  return statusFields(hostPid, hostTid)('SigBlk');
}

/** A reader of the thread's /proc status signal sets (0n for all if it is gone). */
function statusFields(hostPid: number, hostTid: number): (name: string) => bigint {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${hostPid}/task/${hostTid}/status`, 'utf8');
  } catch {
    // gone: every set is empty
  }
  return (name) => BigInt('0x' + (new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1] ?? '0'));
}
