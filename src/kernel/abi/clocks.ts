// Linux clock ids (clock_gettime, clock_nanosleep, timerfd_create).
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4;
export const CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6;
export const CLOCK_BOOTTIME = 7;
export const CLOCK_REALTIME_ALARM = 8;
export const CLOCK_BOOTTIME_ALARM = 9;
export const CLOCK_TAI = 11;

/** Nanoseconds in a second, for timespec arithmetic. */
export const NS_PER_SECOND = 1_000_000_000n;

/** A time's timespec seconds, rounded down as Linux holds them (1969-12-31 23:59:59.5 is -1 s + 0.5 s). */
export function timespecSec(ns: bigint): bigint {
  const sec = ns / NS_PER_SECOND;
  return ns < 0n && sec * NS_PER_SECOND !== ns ? sec - 1n : sec;
}

/** Its timespec nanoseconds, 0 to 999999999. */
export function timespecNsec(ns: bigint): bigint {
  const nsec = ns % NS_PER_SECOND;
  return nsec < 0n ? nsec + NS_PER_SECOND : nsec;
}
