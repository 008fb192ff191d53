// Where a ptrace-attached thread is in its stop (syscalls/ptrace.ts). Runtime only, like a
// parked call: the host thread is held by tsvisor itself, which is the host's tracer of every
// sandbox thread; the attachment (ThreadState.tracer) is state.
import type { Stop } from '../../platform/stops.js';
import { SIGSTOP } from '../abi/signals.js';

export type TraceStop =
  /** Attached; the host was asked to interrupt it and it has not stopped yet. */
  | { readonly at: 'stopping' }
  /** Held at a syscall trap not handled yet: handled when it is let go. */
  | { readonly at: 'trap'; readonly stop: Stop; reported: boolean }
  /** Held at the host's interrupt stop (it was running its code). */
  | { readonly at: 'interrupt'; reported: boolean }
  /** Parked in a blocking call: it stays parked; a completion meanwhile waits for the let-go. */
  | { readonly at: 'parked'; reported: boolean; completion?: number };

/** What the tracer's wait reports for the attach stop: stopped by SIGSTOP. */
export const ATTACH_STOP_STATUS = (SIGSTOP << 8) | 0x7f;
