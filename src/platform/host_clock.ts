// The host's CLOCK_MONOTONIC as tsvisor reads it for its own needs (the sandbox's clocks, the
// trace's timestamps). Node reads it through the vDSO, whose rdtsc faults while tsvisor's own
// thread traps rdtsc (recording, replay: native/own_rdtsc.h) and then costs a signal and two
// prctl calls; the platform switches this clock to the syscall (~0.25 us) for that time.
let bySyscall: (() => number) | undefined;

/** Nanoseconds of the host's CLOCK_MONOTONIC (exact as a double for 104 days of uptime). */
export function hostMonotonicNs(): number {
  return bySyscall !== undefined ? bySyscall() : Number(process.hrtime.bigint());
}

/** The same, as a bigint. */
export function hostMonotonicBigNs(): bigint {
  return bySyscall !== undefined ? BigInt(bySyscall()) : process.hrtime.bigint();
}

/** Reads the clock with `read` (the syscall) from now on, or through node again (undefined). */
export function readHostClockWith(read: (() => number) | undefined): void {
  bySyscall = read;
}
