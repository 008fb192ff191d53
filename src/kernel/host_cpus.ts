// How many CPUs the sandbox may use: those tsvisor itself was allowed when it started. Taken
// once, at the first call, which platform/cpu_placement.ts makes before it pins the tracer to
// one CPU (its own affinity then no longer tells). Not when this module is evaluated: the
// start-up snapshot evaluates modules at build time, on another process's affinity.
import os from 'node:os';

let cpus: number | undefined;

export function sandboxCpus(): number {
  cpus ??= os.availableParallelism();
  return cpus;
}
