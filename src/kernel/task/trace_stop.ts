// Where a ptrace'd thread is in its stop (syscalls/ptrace.ts), and how it is traced. Runtime
// only, like a parked call: the host thread is held by tsvisor itself, which is the host's
// tracer of every sandbox thread; the attachment (ThreadState.tracer) is state.
import type { Stop } from '../../platform/stops.js';
import { SIGSTOP } from '../abi/signals.js';

const SIGTRAP = 5;

/** ptrace's options (PTRACE_SETOPTIONS, PTRACE_SEIZE's data). */
export const PTRACE_O_TRACESYSGOOD = 0x1;
export const PTRACE_O_TRACEFORK = 0x2;
export const PTRACE_O_TRACEVFORK = 0x4;
export const PTRACE_O_TRACECLONE = 0x8;
export const PTRACE_O_TRACEEXEC = 0x10;
export const PTRACE_O_TRACEVFORKDONE = 0x20;
export const PTRACE_O_TRACEEXIT = 0x40;
export const PTRACE_O_TRACESECCOMP = 0x80;
export const PTRACE_O_EXITKILL = 0x100000;
export const PTRACE_O_SUSPEND_SECCOMP = 0x200000;

/** ptrace's event stops (status >> 16). */
export const PTRACE_EVENT_FORK = 1;
export const PTRACE_EVENT_VFORK = 2;
export const PTRACE_EVENT_CLONE = 3;
export const PTRACE_EVENT_EXEC = 4;
export const PTRACE_EVENT_VFORK_DONE = 5;
export const PTRACE_EVENT_EXIT = 6;
export const PTRACE_EVENT_STOP = 128;

/** How a thread is traced besides by whom: the options, and whether it stops at its syscalls (PTRACE_SYSCALL). */
export interface Tracing {
  options: number;
  syscalls: boolean;
  /** Attached by PTRACE_SEIZE (its children inherit it). */
  seized: boolean;
}

/** The syscall a syscall stop is at (PTRACE_GET_SYSCALL_INFO). */
export interface SyscallAt {
  readonly op: 'entry' | 'exit';
  readonly nr: number;
  readonly args: readonly number[];
  /** Exit: the return value (-errno for an error). */
  readonly rval: number;
  readonly rip: number;
  readonly sp: number;
}

/** A stop the kernel holds a thread at for its tracer, and how it goes on from there. */
export interface TraceHold {
  readonly at: 'held';
  readonly why: 'syscall-entry' | 'syscall-exit' | 'event' | 'signal' | 'group';
  /** What the tracer's wait reports. */
  readonly status: number;
  reported: boolean;
  /** PTRACE_GETEVENTMSG. */
  readonly eventMsg: number;
  readonly syscall?: SyscallAt;
  /** A signal-delivery stop: the signal's siginfo (PTRACE_GETSIGINFO, SETSIGINFO). */
  siginfo?: Uint8Array;
  /** A parked call's entry stop (after an attach): the call's result, if it came meanwhile. */
  completion?: number;
  /** A group-stop: the host thread waits in the host's PTRACE_LISTEN (it must be interrupted to go on). */
  hostListens?: boolean;
  /** A group-stop its tracer let go with PTRACE_LISTEN: stopped, but not for ptrace requests, until a SIGCONT. */
  listening?: boolean;
  /** A group-stop whose process a SIGCONT continued while its tracer held it (a LISTEN then traps at once). */
  continued?: boolean;
  /** Registers the tracer set (PTRACE_SETREGS), applied as it goes on. */
  regs?: Uint8Array;
  /** Goes on; sig: the signal the tracer's CONT/SYSCALL/DETACH gave (at a signal stop, the one delivered). */
  readonly go: (sig: number) => void;
}

export type TraceStop =
  /** Attached; the host was asked to interrupt it and it has not stopped yet. */
  | { readonly at: 'stopping'; readonly status: number }
  /** Held at a syscall trap not handled yet: handled when it is let go. */
  | { readonly at: 'trap'; readonly stop: Stop; reported: boolean; readonly status: number }
  /** Held at the host's interrupt stop (it was running its code, or is a new child). */
  | { readonly at: 'interrupt'; reported: boolean; readonly status: number }
  /** Parked in a blocking call: it stays parked; a completion meanwhile waits for the let-go. */
  | { readonly at: 'parked'; reported: boolean; completion?: number; readonly status: number }
  | TraceHold;

/** A traced thread that ended, its end not yet taken by its tracer's wait. */
export interface TracedExit {
  readonly tracer: number;
  readonly status: number;
  /** Its process's parent hears of the end once the tracer has (Linux's wait_task_zombie order). */
  readonly thenParent?: () => void;
}

/** A wait status for a stop of signal sig (with an event in the bits above). */
export function stoppedStatus(sig: number, event = 0): number {
  return (((event << 8) | sig) << 8) | 0x7f;
}

/** What the tracer's wait reports for the attach stop: stopped by SIGSTOP. */
export const ATTACH_STOP_STATUS = stoppedStatus(SIGSTOP);

/** What it reports for PTRACE_INTERRUPT's stop: PTRACE_EVENT_STOP with SIGTRAP. */
export const INTERRUPT_STOP_STATUS = stoppedStatus(SIGTRAP, PTRACE_EVENT_STOP);

/** A new child auto-attached: stopped by SIGSTOP, or PTRACE_EVENT_STOP for a seized tracer. */
export function newChildStatus(seized: boolean): number {
  return seized ? stoppedStatus(SIGTRAP, PTRACE_EVENT_STOP) : ATTACH_STOP_STATUS;
}

/** A syscall stop's status: SIGTRAP, | 0x80 with PTRACE_O_TRACESYSGOOD. */
export function syscallStopStatus(tracing: Tracing): number {
  return stoppedStatus(tracing.options & PTRACE_O_TRACESYSGOOD ? SIGTRAP | 0x80 : SIGTRAP);
}

/** An event stop's status: SIGTRAP | event << 8. */
export function eventStopStatus(event: number): number {
  return stoppedStatus(SIGTRAP, event);
}

/** The event a clone reports to a tracer with these options (0: none), as Linux's kernel_clone picks it. */
export function cloneEvent(flags: number, options: number): number {
  const CLONE_VFORK = 0x4000;
  const CLONE_UNTRACED = 0x800000;
  const CSIGNAL = 0xff;
  const SIGCHLD = 17;
  if (flags & CLONE_UNTRACED) return 0;
  if (flags & CLONE_VFORK) return options & PTRACE_O_TRACEVFORK ? PTRACE_EVENT_VFORK : 0;
  if ((flags & CSIGNAL) !== SIGCHLD) return options & PTRACE_O_TRACECLONE ? PTRACE_EVENT_CLONE : 0;
  return options & PTRACE_O_TRACEFORK ? PTRACE_EVENT_FORK : 0;
}

/** struct ptrace_syscall_info for a stop (null: not at a syscall stop, op NONE) and the size Linux says it is. */
export function syscallInfo(at: SyscallAt | undefined, rip: number, sp: number): Buffer {
  const AUDIT_ARCH_X86_64 = 0xc000003e;
  const info = Buffer.alloc(88);
  info.writeUInt32LE(AUDIT_ARCH_X86_64, 4);
  info.writeBigUInt64LE(BigInt.asUintN(64, BigInt(at?.rip ?? rip)), 8);
  info.writeBigUInt64LE(BigInt.asUintN(64, BigInt(at?.sp ?? sp)), 16);
  if (!at) return info.subarray(0, 24);
  if (at.op === 'entry') {
    info[0] = 1; // PTRACE_SYSCALL_INFO_ENTRY
    info.writeBigUInt64LE(BigInt.asUintN(64, BigInt(at.nr)), 24);
    at.args.forEach((a, i) => info.writeBigUInt64LE(BigInt.asUintN(64, BigInt(a)), 32 + 8 * i));
    return info.subarray(0, 80);
  }
  info[0] = 2; // PTRACE_SYSCALL_INFO_EXIT
  info.writeBigInt64LE(BigInt(at.rval), 24);
  info[32] = at.rval < 0 && at.rval >= -4095 ? 1 : 0;
  return info.subarray(0, 33);
}
