// A wait status (wait4's) as the exit code a shell reports for it.

/** The exit code, or 128+N for a signal N. */
export function exitCodeOf(waitStatus: number): number {
  const sig = waitStatus & 0x7f;
  return sig === 0 ? (waitStatus >> 8) & 0xff : 128 + sig;
}
