// Signals pending for a sandbox thread. Masks and pending sets live on the host threads
// (rt_sigprocmask runs untrapped), so the kernel reads them from the host's /proc.
import fs from 'node:fs';

/** The signals pending for a host thread, its own and its process's (bit N-1 for signal N); 0n if it is gone. */
export function hostPendingSignals(hostPid: number, hostTid: number): bigint {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${hostPid}/task/${hostTid}/status`, 'utf8');
  } catch {
    return 0n;
  }
  const field = (name: string): bigint => BigInt('0x' + (new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1] ?? '0'));
  return field('SigPnd') | field('ShdPnd');
}
