// How many CPUs the sandbox may use: those tsvisor itself was allowed when it started. Taken
// once, at the first call, which platform/cpu_placement.ts makes before it pins the tracer to
// one CPU (its own affinity then no longer tells). Not when this module is evaluated: the
// start-up snapshot evaluates modules at build time, on another process's affinity.
import fs from 'node:fs';
import os from 'node:os';

let cpus: number | undefined;

export function sandboxCpus(): number {
  cpus ??= os.availableParallelism();
  return cpus;
}

let possible: number | undefined;

/**
 * How many CPUs the host could ever have (/sys/devices/system/cpu/possible, "0-1"), whatever
 * tsvisor's affinity: what Linux's num_possible_cpus() sizes per-CPU things by (AIO's requests).
 */
export function possibleCpus(): number {
  if (possible !== undefined) return possible;
  let count = 0;
  try {
    for (const range of fs.readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim().split(',')) {
      const [lo, hi] = range.split('-').map(Number);
      count += hi === undefined ? 1 : hi - lo! + 1;
    }
  } catch {
    count = os.cpus().length;
  }
  possible = count > 0 ? count : 1;
  return possible;
}
