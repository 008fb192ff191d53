// What the native tracer reports (native/tracer.h: StopKind and ReportSlot, kept in step).
import type { ProcessUsage } from '../kernel/state.js';

export const StopKind = {
  Timeout: 1,
  Syscall: 2,
  SyscallExit: 3,
  Signal: 4,
  Clone: 5,
  Fork: 6,
  Vfork: 7,
  Exec: 8,
  Exited: 9,
  Killed: 10,
  Attached: 11,
  GroupStop: 12,
  NoTracees: 13,
} as const;
export type StopKind = (typeof StopKind)[keyof typeof StopKind];

export const ReportSlot = {
  Kind: 0,
  Tid: 1,
  Value: 2,
  Arg0: 3,
  Rip: 9,
  Rsp: 10,
  Extra: 11,
  Addr: 12,
  UtimeUs: 13,
  StimeUs: 14,
  MaxRssKb: 15,
  ArgLow0: 16,
  Count: 22,
} as const;

/** One stop, decoded from the report buffer. Fields are meaningful per kind. */
export interface Stop {
  kind: StopKind;
  /** Host tid of the thread that stopped. */
  tid: number;
  /** Syscall number, exit status, signal number or new host tid, by kind. */
  value: number;
  /**
   * Syscall arguments (signed 64-bit values as numbers). Signal: args[0] is the syscall the
   * thread is returning from, -1 when the signal interrupted its code (or an answered call).
   */
  args: number[];
  /**
   * The exact low 32 bits of each argument (as an int), given only when an argument lies beyond
   * 2^53, where its double has lost them (an int parameter with garbage in its upper half).
   */
  argsLow32?: number[];
  rip: number;
  rsp: number;
  /** Syscall-exit: the host result. Signal: si_code. Killed: 1 when a core was dumped. */
  extra: number;
  /** Signal: the fault address. */
  addr: number;
  /** Exited, killed: what the thread's process used, as the host's wait4 reported it. */
  usage?: ProcessUsage;
}
