// How many CPUs the sandbox may use: those tsvisor itself was allowed when it started. Read
// once, when the kernel's modules load, because the tracer then pins itself to one CPU
// (platform/cpu_placement.ts) and its own affinity no longer tells.
import os from 'node:os';

export const SANDBOX_CPUS = os.availableParallelism();
