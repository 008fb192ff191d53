// rdtsc/rdtscp fault (PR_SET_TSC) into a SIGSEGV stop; the kernel answers them from its
// clock (through `answer`: --record notes the value, replay --exec gives the recorded one), so
// that a recorded run can be replayed exactly.
import type { Platform } from '../../platform/platform.js';
import type { Stop } from '../../platform/stops.js';
import { monotonicNs } from '../syscalls/time.js';

const SI_KERNEL = 0x80;
/** A nominal 1 GHz counter: nanoseconds of the monotonic clock. */
export function tscNow(): bigint {
  return monotonicNs();
}

function instructionLength(bytes: Uint8Array | null): number {
  if (!bytes) return 0;
  if (bytes[0] === 0x0f && bytes[1] === 0x31) return 2; // rdtsc
  if (bytes[0] === 0x0f && bytes[1] === 0x01 && bytes[2] === 0xf9) return 3; // rdtscp
  return 0;
}

/** The length of the rdtsc/rdtscp whose fault stopped the thread (SIGSEGV, SI_KERNEL), or 0 for any other fault. */
export function rdtscFaultLength(platform: Platform, hostTid: number, stop: Stop): number {
  return stop.extra === SI_KERNEL ? instructionLength(platform.read(hostTid, stop.rip, 3)) : 0;
}

/** Answers the counter read of `length` bytes at the thread's rip and moves past it. */
export function emulateRdtsc(platform: Platform, hostTid: number, length: number, answer: (fresh: bigint) => bigint): void {
  const tsc = answer(tscNow());
  platform.emulateRdtsc(hostTid, Number(tsc & 0xffffffffn), Number(tsc >> 32n), length);
}
