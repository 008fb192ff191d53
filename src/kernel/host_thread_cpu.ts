// A host thread's CPU time, read from /proc: how the kernel tells a thread that runs its code
// (a busy loop, a spin-wait) from one that is merely not scheduled, on a loaded machine.
import fs from 'node:fs';

/** A host thread's CPU time so far (user + system, in clock ticks, 10 ms); 0 if it is gone. */
export function cpuTicks(hostPid: number, hostTid: number): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${hostPid}/task/${hostTid}/stat`, 'latin1');
  } catch {
    return 0;
  }
  // Fields after the command (which may hold spaces and parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
