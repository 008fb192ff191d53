// A host thread's CPU time and scheduler state, read from /proc: how the kernel tells a thread
// that runs its code (a busy loop, a spin-wait) from one that is merely not scheduled, on a
// loaded machine, and what /proc shows of a thread running on the host.
import fs from 'node:fs';

/** The fields of a host thread's stat after its command (which may hold spaces and parentheses), or null if it is gone. */
function statFields(hostPid: number, hostTid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${hostPid}/task/${hostTid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** A host thread's CPU time so far (user + system, in clock ticks, 10 ms); 0 if it is gone. */
export function cpuTicks(hostPid: number, hostTid: number): number {
  const fields = statFields(hostPid, hostTid);
  // utime and stime are the 12th and 13th.
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/**
 * What a thread the kernel has not parked is doing on the host, as /proc's state letter: R
 * when it runs (or stopped for the tracer, whose kernel is handling its call), S or D when it
 * sleeps in a call the host makes for it.
 */
export function hostRunState(hostPid: number, hostTid: number): 'R' | 'S' | 'D' {
  const letter = statFields(hostPid, hostTid)?.[0];
  return letter === 'S' || letter === 'D' ? letter : 'R';
}
