// What a syscall handler decides. A plain number is the common case: the return value
// (or a negative errno) the program sees at once.
import type { PreparedExec } from '../loader/exec.js';

export type Outcome =
  | number
  /**
   * Let the host run the syscall for the program (kind (b) in DESIGN.md); rewrite maps its
   * host result. noreturn: the syscall does not come back (exit_group).
   */
  | { kind: 'host'; rewrite?: (hostResult: number) => number; noreturn?: boolean }
  /** The thread is parked; whoever took over will call Kernel.complete(). */
  | { kind: 'pending' }
  /** Replace the process image: the host re-execs the stub, then the loader maps this. */
  | { kind: 'exec'; prepared: PreparedExec };

export const hostRuns: Outcome = { kind: 'host' };
export const pending: Outcome = { kind: 'pending' };
