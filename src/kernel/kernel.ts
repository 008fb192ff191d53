// The kernel: owns the state, turns platform stops into syscall dispatch, applies events
// through the reducers and publishes records on the bus. One instance per sandbox.
import fs from 'node:fs';

// The internal entry point: the package index would load every operator (~50 ms of start-up).
import { Subject } from 'rxjs/internal/Subject';

import { truncateBytes } from '../byte_string.js';
import type { Platform, SandboxHandle } from '../platform/platform.js';
import { StopKind, type Stop } from '../platform/stops.js';
import { Errno } from './errno.js';
import type { KernelEvent } from './events.js';
import { HostFileCache } from './host_file_cache.js';
import { cpuTicks, hostRunState } from './host_thread_cpu.js';
import { HostResources } from './host_resources.js';
import { ExecError, loadImage, readHostAux, type HostAux, type PreparedExec } from './loader/exec.js';
import { applyEvent } from './reducer.js';
import { emptyKernelState, type Credentials, type KernelState, type ProcessState, type ProcessUsage, type ThreadState } from './state.js';
import { SyscallContext } from './syscalls/context.js';
import { hostRuns, type Outcome } from './syscalls/outcome.js';
import { SYS, syscallName } from './syscalls/numbers.js';
import { SYSCALL_TABLE } from './syscalls/table.js';
import { SIGNAL_WAKE_KEY } from './syscalls/signalfd.js';
import { LOCKS_WAKE_KEY, releaseOnClose } from './syscalls/file_locks.js';
import { pidfdWakeKey } from './syscalls/pidfd.js';
import { asyncNotified } from './syscalls/sigio.js';
import { EP_MAX_NESTS, EpollWakeups, epollWakeKey } from './syscalls/epoll_wakeups.js';
import { hostFlags, stdioFiles } from './fd/stdio.js';
import { TerminalBridge } from './tty/terminal_bridge.js';
import type { HostRoot } from './vfs/path_walk.js';
import { closeOnExec, wakeKeysOnClose } from './fd/fd_table.js';
import { hangUp, leaderExiting, leaderToHangUp } from './syscalls/pty_session.js';
import { unpinUntied } from './syscalls/host_special_files.js';
import { orphansAdopted } from './task/orphans.js';
import { openPidfd } from './syscalls/pidfd.js';
import { hostRandomFill } from '../platform/host_random.js';
import { undoSemaphores } from './syscalls/sem.js';
import { detachAll } from './syscalls/shm.js';
import { mirrorToSharedPages, pullAllSharedPages } from './vfs/shared_file_pages.js';
import { SandboxVdso } from './loader/vdso.js';
import { emulateRdtsc, rdtscFaultLength } from './time/rdtsc.js';
import { nextWakeIn } from './time/wake_timer.js';
import { realtimeNs } from './syscalls/time.js';
import { hostMonotonicNs } from '../platform/host_clock.js';
import { SignalPoints, type RecordedSignals, type SignalPoint } from './signal/signal_points.js';
import { WaitMasks } from './signal/wait_mask.js';
import { MovedSignals } from './signal/moved_signals.js';
import { hostBlockedSignals } from './signal/host_pending.js';
import { CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED, CLD_TRAPPED, DEFAULT_IGNORED, SIGCHLD, SIGCONT, SIGSTOP, SI_KERNEL, SI_TKILL, SI_USER } from './abi/signals.js';
import { execCredentials } from './task/exec_credentials.js';
import { threadName } from './task/thread_name.js';
import {
  ATTACH_STOP_STATUS, INTERRUPT_STOP_STATUS, PTRACE_EVENT_EXEC, PTRACE_EVENT_STOP, PTRACE_EVENT_EXIT, PTRACE_EVENT_VFORK_DONE, PTRACE_O_EXITKILL, PTRACE_O_TRACEEXEC,
  PTRACE_O_TRACEEXIT, PTRACE_O_TRACEVFORKDONE, cloneEvent,
  eventStopStatus, newChildStatus, stoppedStatus, syscallStopStatus,
  type TraceHold, type TracedExit, type TraceStop, type Tracing,
} from './task/trace_stop.js';
import { CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_PARENT, CLONE_PARENT_SETTID, CLONE_PTRACE, CLONE_UNTRACED, CLONE_VFORK, CSIGNAL } from './abi/clone_flags.js';

/** What the bus carries: every syscall and every domain event, in order. */
export type KernelRecord =
  | {
      type: 'syscall';
      seq: number;
      pid: number;
      tid: number;
      nr: number;
      args: readonly number[];
      result: number | 'noreturn';
      /** The bytes written into the program's memory (when a recorder asked for them). */
      writes?: MemoryWrite[];
      /**
       * The C strings the kernel read from the program's memory for the call (each NUL
       * follows its bytes), when a recorder asked for writes and the kernel answered the call
       * itself: the recorder need not read them again.
       */
      strings?: MemoryWrite[];
      /**
       * When the trap arrived (process.hrtime, ns, as a number: exact below 2^53 ns, ~104 days of
       * uptime), when a recorder asked for writes.
       */
      trappedAt?: number;
      /** The seq the call got when it was trapped (its place in the order of calls begun). */
      trap: number;
    }
  | { type: 'event'; seq: number; event: KernelEvent }
  /** The sandbox has ended: pid 1's wait status. */
  | { type: 'exit'; seq: number; waitStatus: number }
  /** A signal took effect in thread tid (while recording or replaying, see signal/signal_points.ts). */
  | ({ type: 'signal'; seq: number; tid: number; sig: number } & SignalPoint);

/**
 * What the bus carries, given to the recorder by plain synchronous calls, one per kind, before
 * the bus's subscribers get it: rxjs's Subject costs ~2-3 us a record until it is compiled,
 * and an event needs no record object around it (DESIGN.md: the per-syscall path stays a plain
 * call where rxjs costs time).
 */
export interface RecordSink {
  /**
   * A syscall has completed: the fields of the bus's 'syscall' record (see KernelRecord), given
   * as they are rather than in a record object: the recorder keeps them in one of its own, and
   * a second object per call is what this path can do without.
   */
  syscall(
    seq: number,
    trap: number,
    pid: number,
    tid: number,
    nr: number,
    args: readonly number[],
    result: number | 'noreturn',
    writes: MemoryWrite[] | undefined,
    strings: MemoryWrite[] | undefined,
    trappedAt: number | undefined,
  ): void;
  /** An event has been applied (the bus's 'event' record, without the record around it). */
  event(seq: number, event: KernelEvent): void;
  /** A signal took effect at a point the trace names (the bus's 'signal' record). */
  signal(r: SignalRecord): void;
  /** The sandbox has ended: pid 1's wait status (the bus's 'exit' record). */
  end(seq: number, waitStatus: number): void;
}

export type SyscallRecord = Extract<KernelRecord, { type: 'syscall' }>;
export type SignalRecord = Extract<KernelRecord, { type: 'signal' }>;

export interface MemoryWrite {
  addr: number;
  bytes: Uint8Array;
}

/**
 * What replay --exec plugs in (src/replay/exec_source.ts): answers for trapped syscalls before
 * the table's handlers, the AT_RANDOM bytes of new images and the rdtsc counter; --record
 * uses the latter two to note them.
 */
export interface SyscallSource {
  /** An Outcome answers the syscall instead of its handler; undefined lets the handler run. */
  answer?(ctx: SyscallContext): Outcome | undefined;
  /** The AT_RANDOM bytes a new image of thread tid gets (fresh: what the kernel drew). */
  execRandom?(tid: number, fresh: Uint8Array): Uint8Array;
  /** The counter an rdtsc/rdtscp of thread tid reads (fresh: the kernel's clock). */
  rdtsc?(tid: number, fresh: bigint): bigint;
  /**
   * Whether a stop may be handled now: a new syscall's trap (not a restart's), the host's report
   * of a thread or process a clone created (it gets its pid then), or a thread's exit. False holds it (the thread stays stopped) until the kernel asks again, after the
   * next stop it handles or call it completes; replay --exec keeps the recorded order so.
   */
  mayHandle?(stop: HeldStop): boolean;
  /**
   * Every thread is held, parked or waiting in the host (on a futex: for another thread, in a
   * way the kernel cannot see): which held stop goes on anyway (an index into stops), or none
   * for now (-1: the kernel asks again at its next stall check).
   */
  unstall?(stops: readonly HeldStop[]): number;
  /**
   * Whether thread tid's exit_group or exec, handled, may now end its process on the host. False holds
   * the thread at its call until the kernel asks again (replay --exec: first the other threads
   * make the calls the recording has them make before the host ended them).
   */
  mayEndProcess?(tid: number): boolean;
  /**
   * Whether thread tid dies in the call it is in before the call returns (replay --exec: the
   * recording has another thread's exec or exit_group end it there). True holds it stopped at
   * the call's completion until it dies, or until everything else stalls.
   */
  diesInCall?(tid: number): boolean;
  /**
   * Whether a pending signal may interrupt thread tid's parked call now, which then ends with
   * result: -EINTR, -ERESTARTSYS (made again after the handler), or what it had done (a write's
   * count). False: it waits on.
   */
  mayInterrupt?(tid: number, result: number): boolean;
  /**
   * Signals take effect at points a trace names (signal/signal_points.ts): 'record' when
   * recording; 'replay' when replaying, where recordedSignals says which signals go where.
   */
  signalPoints?: 'record' | 'replay';
  recordedSignals?: RecordedSignals;
}

/** A stop the kernel asks SyscallSource.mayHandle about. */
export type HeldStop =
  | { kind: 'trap'; tid: number; nr: number; args: readonly number[] }
  /** tid's clone has created a thread or process. */
  | { kind: 'create'; tid: number }
  | { kind: 'exit'; tid: number };

export interface KernelOptions {
  platform: Platform;
  root: HostRoot;
  /** One-line messages from the kernel to the user (unsupported syscalls, internal errors). */
  warn: (message: string) => void;
  limits?: KernelLimits;
  hostname?: string;
  /** The root filesystem refuses every change (EROFS) except in tmpfs mounts (OCI root.readonly). */
  readonlyRoot?: boolean;
  /** The vDSO the restored processes have (snapshot/restore.ts); made at the first exec otherwise. */
  vdso?: SandboxVdso | null;
}

/** How an OCI runtime drives run(): pid 1 held before its first instruction, later processes (exec). */
export interface RunControl {
  /** The program's first instruction waits for this (`runc start`). */
  held?: Promise<void>;
  /** Keep a pristine stub from which startProcess() forks new processes. */
  execTemplate?: boolean;
  /** pid 1's stdio and controlling terminal: this pty (an OCI console) instead of tsvisor's stdio. */
  terminal?: TerminalBridge;
  /** pid 1 starts with no_new_privs (an OCI process's noNewPrivileges). */
  noNewPrivs?: boolean;
}

export interface KernelLimits {
  /** Tasks at once; fork/clone beyond fail with EAGAIN. */
  pids: number;
  /** Address space per process (host RLIMIT_AS), or null. */
  memory: number | null;
  /** RLIMIT_NOFILE of the first process. */
  fds: number;
}

/** Per-thread bookkeeping that only matters while the kernel runs (never checkpointed). */
interface ThreadRuntime {
  /** Set while the host runs a syscall whose result the kernel rewrites or reports. */
  onExit?: (hostResult: number) => number;
  /** The child of the vfork the host runs for the thread (for PTRACE_EVENT_VFORK_DONE at its end). */
  vforkChild?: number;
  /** The image the thread's process will get once the stub has been exec'd. */
  pendingExec?: PreparedExec;
  blocked: boolean;
  /** The syscall in flight (for the record published when it completes). */
  nr: number;
  args: readonly number[];
  // The three below are always present (undefined when unset), never deleted: a recorder sets
  // them on every call, and adding and deleting them made the object change shape twice a
  // call, every load from it then seeing several shapes.
  /** Memory it wrote so far, when writes are captured. */
  writes: MemoryWrite[] | undefined;
  /** C strings it read so far, when writes are captured. */
  strings: MemoryWrite[] | undefined;
  /** When the trap arrived (ns, see KernelRecord), when writes are captured (for the trace's timeline). */
  trappedAt: number | undefined;
  /** The seq the call in flight got at its trap. */
  trap: number;
  /** Stack pointer at that trap (to know the call again when it is restarted). */
  trapSp: number;
  /** Where that trap stopped (just past its syscall instruction). */
  trapRip: number;
  /** Set when a signal handler runs before the call in flight is made again (SA_RESTART); a field of every runtime, not deleted (as above). */
  restarting: boolean;
  /**
   * The deadline of the last sleep (nanosleep, clock_nanosleep) and the trap it began at: a
   * stop signal makes the call again at the same trap, and it resumes for the time left
   * (Linux's restart block).
   */
  sleep: { trap: number; deadline: bigint } | undefined;
  /** Its tracer has seen the entry of the call trapped now (a syscall-entry stop): it is handled. */
  traceEntered: boolean;
}

/** The registers a tracer's PTRACE_SETREGS changes a syscall with (user_regs_struct's words). */
function userRegs(regs: Uint8Array): { rax: number; origRax: number; args: number[] } {
  const view = new DataView(regs.buffer, regs.byteOffset, regs.byteLength);
  const word = (i: number) => Number(view.getBigInt64(i * 8, true));
  // rdi, rsi, rdx, r10, r8, r9
  return { rax: word(10), origRax: word(15), args: [14, 13, 12, 7, 9, 8].map(word) };
}

/** A new thread's runtime: no call in flight. */
function idleRuntime(): ThreadRuntime {
  return { blocked: false, nr: 0, args: [], writes: undefined, strings: undefined, trappedAt: undefined, trap: 0, trapSp: 0, trapRip: 0, restarting: false, sleep: undefined, traceEntered: false };
}

/** Whether the thread's parked call is a sleep the kernel runs to its deadline (one a replay parks until a signal is not). */
function sleepsOnItsOwn(rt: ThreadRuntime): boolean {
  return (rt.nr === SYS.nanosleep || rt.nr === SYS.clock_nanosleep) && rt.sleep?.trap === rt.trap;
}

/** A thread parked in a syscall until something it waits on changes (see Kernel.block). */
interface Waiter {
  tid: number;
  keys: string[];
  /** Tries the syscall again: its result, or null to keep waiting. */
  retry: () => number | null;
  /** Releases what the wait holds (timers) when it ends any way. */
  cancel?: () => void;
  /**
   * When a signal interrupts the wait: what the call has done so far, which it returns then (a
   * write that moved some bytes: Linux's short count, neither EINTR nor a restart that would
   * move them again), or undefined for EINTR or the restart.
   */
  onInterrupt?: () => number | undefined;
}

/** A clone/fork/vfork the host is performing for a thread, until its event stop arrives. */
export interface CloneRequest {
  thread: boolean;
  flags: number;
  ptid: number;
  ctid: number;
  /** The virtual tid/pid given to the child, once known. */
  child?: number;
  /** The argument registers as the program set them, when the kernel rewrote the call. */
  originalArgs?: readonly number[];
  /** CLONE_PIDFD: where the parent gets the new process's pidfd. */
  pidfd?: number;
}

const SIGSEGV = 11;
const SIGTRAP = 5;
const SIGKILL = 9;
/** How long the run loop may keep Node's event loop waiting while stops keep coming. */
const LOOP_TURN_MS = 10;

/**
 * A thread held still for a checkpoint, and how it was stopped: parked in a pending syscall,
 * trapped at a syscall the kernel has not handled yet, or interrupted while running.
 */
export interface FrozenThread {
  tid: number;
  how: 'parked' | 'trapped' | 'interrupted';
  /** For 'trapped': the stop to handle when the sandbox goes on. */
  stop?: Stop;
  /**
   * Set when the checkpoint had to run a syscall in a trapped or interrupted thread (to read
   * its signal stack): the registers to go on with, at its syscall instruction to make the call again.
   */
  relaunch?: Uint8Array;
}
const SA_NOCLDSTOP = 1;
const STOP_SIGNALS: ReadonlySet<number> = new Set([SIGSTOP, 20, 21, 22]);
/** SIGTSTP, SIGTTIN, SIGTTOU: stops subject to the orphaned-group rule. */
const TERMINAL_STOPS: ReadonlySet<number> = new Set([20, 21, 22]);

/** Who sent a signal, as the target's siginfo must say. status < 0: not a SIGCHLD. */
export interface SignalSender {
  code: number;
  pid: number;
  uid: number;
  status: number;
  /** The si_value an rt_sigqueueinfo gave (sigqueue's value). */
  value?: bigint;
}
const SA_RESTART = 0x10000000;
/** What a host-run call returns when the host will make it again after a signal, whatever the handler. */
const ERESTARTNOINTR = 513;
/** What an interrupted call returns when the host makes it again after a handler with SA_RESTART. */
const ERESTARTSYS = 512;
/** Syscalls that return EINTR after a handler even with SA_RESTART (signal(7)). */
const NEVER_RESTARTED: ReadonlySet<number> = new Set([
  SYS.poll, SYS.select, SYS.pause, SYS.nanosleep, SYS.rt_sigsuspend, SYS.rt_sigtimedwait, SYS.clock_nanosleep,
  SYS.epoll_wait, SYS.pselect6, SYS.ppoll, SYS.epoll_pwait, SYS.epoll_pwait2,
  // System V IPC waits end with EINTR whatever SA_RESTART says (signal(7)).
  SYS.semop, SYS.semtimedop, SYS.msgsnd, SYS.msgrcv,
  SYS.io_getevents, SYS.io_pgetevents,
]);
/**
 * Syscalls that end with EINTR when a stop signal (no handler) interrupts them, once SIGCONT
 * resumes the thread (signal(7)); every other emulated call is made again, as if never interrupted.
 */
const EINTR_AFTER_STOP: ReadonlySet<number> = new Set([
  SYS.epoll_wait, SYS.epoll_pwait, SYS.epoll_pwait2, SYS.semop, SYS.semtimedop, SYS.rt_sigtimedwait, SYS.io_getevents,
]);

/** The signal pending for a host thread that it neither blocks nor ignores: SIGKILL, else the lowest (0: none). */
function deliverableSignal(hostTid: number, process: ProcessState): number {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${process.hostPid}/task/${hostTid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const field = (name: string) => BigInt('0x' + (new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1] ?? '0'));
  const pending = (field('SigPnd') | field('ShdPnd')) & ~field('SigBlk') & ~field('SigIgn');
  // SIGKILL first: whatever else is pending, it is what happens to the thread.
  if (pending & (1n << BigInt(SIGKILL - 1))) return SIGKILL;
  for (let sig = 1; sig <= 64; sig++) {
    if (!(pending & (1n << BigInt(sig - 1)))) continue;
    const handler = process.sigactions.get(sig)?.handler ?? 0;
    if (handler === 0 && DEFAULT_IGNORED.has(sig)) continue;
    return sig;
  }
  return 0;
}
/** Whether a host thread runs (user code, or a syscall on its way) rather than waits in one. */
function hostRunsCode(hostPid: number, hostTid: number): boolean {
  try {
    // "running", or the number and arguments of the syscall it is blocked in.
    return fs.readFileSync(`/proc/${hostPid}/task/${hostTid}/syscall`, 'utf8').startsWith('running');
  } catch {
    return false;
  }
}
const SIG_IGN = 1;
const SA_NOCLDWAIT = 2;
const WAIT_SLICE_MS = 20;
/**
 * The CPU time (clock ticks, 10 ms) a thread may run its code without a syscall while others are
 * held before the stall check takes it for one that spins waiting for them (replay --exec). A
 * thread that computes that long between two syscalls is taken for one too: the held thread the
 * recording has first then goes on out of its turn (counted as the order relaxed). CPU time, not
 * wall time, so that a thread merely waiting for a CPU on a loaded host is not.
 */
const SPIN_CPU_TICKS = 50;

export class Kernel {
  readonly state: KernelState = emptyKernelState();
  readonly bus = new Subject<KernelRecord>();
  readonly host = new HostResources();
  readonly fileCache = new HostFileCache();
  /** Which epoll sets each wake key reaches (notify wakes their waiters too). */
  readonly epollWakeups = new EpollWakeups();
  readonly platform: Platform;
  readonly root: HostRoot;
  readonly warn: (message: string) => void;
  readonly limits: KernelLimits;
  readonly readonlyRoot: boolean;
  private readonly hostname: string;
  /** A pristine stub (never loaded with a program) that startProcess forks; 0: none. */
  private execTemplate = 0;
  /** Processes started by startProcess: they have no parent, their exit is told here. */
  private readonly detachedExits = new Map<number, (waitStatus: number) => void>();
  /** Limits already reported to the user (each is said once). */
  private readonly limitsHit = new Set<string>();
  private readonly hostAux: HostAux = readHostAux();
  /** The sandbox's vDSO (loader/vdso.ts): undefined until the first exec asks, null when there is none. */
  private vdso: SandboxVdso | null | undefined;
  /** Host tid -> virtual tid: an index over state.threads, for the per-stop lookup. */
  private readonly byHostTid = new Map<number, number>();
  private readonly runtime = new Map<number, ThreadRuntime>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly generations = new Map<string, number>();
  /** Who outside the sandbox follows a wait key (a terminal bridge, its pty's output). */
  private readonly watchers = new Map<string, () => void>();
  private notifyQueue: string[] = [];
  /** Senders of signals in flight, by "pid:signal" of the target. */
  private readonly signalSenders = new Map<string, SignalSender[]>();
  /** "pid:sig": the last sender of a standard signal noted while one was pending (noteSignalSender). */
  private readonly lateSignalSenders = new Map<string, SignalSender>();
  /** Processes stopping by a SIGSTOP that stands for a terminal stop signal (see terminalStop). */
  private readonly stoppingAs = new Map<number, number>();
  private draining = false;
  private readonly clones = new Map<number, CloneRequest>();
  /** New host threads that stopped before their creator's clone event told who they are. */
  private readonly earlyAttached = new Set<number>();
  /** Argument registers to put back in a new child at its first stop (rewritten clones). */
  private readonly childArgFixups = new Map<number, readonly number[]>();
  private sandbox: SandboxHandle | undefined;
  /** Set by a recorder: syscall records then carry the bytes written into memory. */
  captureWrites = false;
  /** Set by a recorder (--record): given every record, before the bus's subscribers. */
  recordSink: RecordSink | undefined;
  /** See syscallSource. */
  private source: SyscallSource | undefined;
  /**
   * Where signals take effect, while recording or replaying (undefined: where the host delivers
   * them); made with the source. A field, not a getter: it is looked at several times a stop.
   */
  private signalPoints: SignalPoints | undefined;
  /** The callers' masks of ppoll, pselect6 and epoll_pwait(2) waits, until they are back (signal/wait_mask.ts). */
  readonly waitMasks: WaitMasks;
  /** Signals for a whole process the host gave to another thread than the parked main thread (moved_signals.ts). */
  private readonly movedSignals: MovedSignals;
  /** Syscalls begun so far (a call restarted after a signal handler counts once). */
  private seq = 0;
  private running = 0;
  /** Stops SyscallSource.mayHandle holds back, in the order they arrived. */
  private readonly held: Stop[] = [];
  /**
   * Threads back from a call that wait, still stopped, for the host to have the signals the
   * recording delivered at that return (replay --exec, SignalPoints.mayGoBack): how each goes on.
   */
  private readonly heldReturns = new Map<number, () => void>();
  /** Threads whose exit_group or exec waits for SyscallSource.mayEndProcess: how each goes on. */
  private readonly heldExits = new Map<number, () => void>();
  /** Threads held at a call's completion to die in it (SyscallSource.diesInCall): how each goes on. */
  private readonly dying = new Map<number, () => void>();
  /** Threads a sandbox tracer attached, by tid, while they stop or are stopped (ptrace.ts). */
  private readonly traceStops = new Map<number, TraceStop>();
  /** How each traced thread is traced (options, syscall stops), by tid, while it has a tracer. */
  private readonly tracing = new Map<number, Tracing>();
  /** Traced threads that ended, by tid, until their tracer's wait takes the end. */
  private readonly tracedExits = new Map<number, TracedExit>();
  /** Traced threads interrupted out of the host's LISTEN to go on: resumed at that stop (onGroupStop). */
  private readonly resumeAtStop = new Set<number>();
  /** When the run loop last handled a stop (Date.now()), kept only while a syscall source may hold stops. */
  private lastStopAt = 0;
  /** Each running thread's CPU time (clock ticks) when the stall check first saw it after the last stop. */
  private cpuAtLastStop = { since: 0, ticks: new Map<number, number>() };
  private looping = false;
  private finish: ((status: number) => void) | undefined;
  private finished = false;
  /** While every thread is parked no stop arrives: this checks for signals meanwhile. */
  private idleSignalCheck: NodeJS.Timeout | undefined;
  /** Set while a checkpoint holds every thread: nothing runs, wake-ups wait in deferred. */
  private frozen = false;
  /** When the run loop last looked for host signals pending for parked threads. */
  private lastSignalCheck = 0;
  /** How long the busy loop goes between two looks for parked threads' host signals. */
  private busySignalCheckMs = WAIT_SLICE_MS;
  private readonly deferred: Array<[number, number]> = [];
  /** Set once a checkpoint (without --leave-running) has ended the sandbox. */
  checkpointedTo: string | undefined;

  constructor(opts: KernelOptions) {
    this.platform = opts.platform;
    this.waitMasks = new WaitMasks(this);
    this.movedSignals = new MovedSignals(this.platform);
    this.root = opts.root;
    this.warn = opts.warn;
    this.limits = opts.limits ?? { pids: 1024, memory: null, fds: 1024 };
    this.hostname = opts.hostname ?? 'tsvisor';
    this.readonlyRoot = opts.readonlyRoot ?? false;
    this.vdso = opts.vdso;
  }

  /** The vDSO an exec maps: none while rdtsc traps (its clock reads must reach the trace), or when the host cannot serve one. */
  private execVdso(): SandboxVdso | null {
    if (this.platform.trapsRdtsc) return null;
    if (this.vdso === undefined) this.vdso = SandboxVdso.create(true);
    return this.vdso;
  }

  /** Host pid of the sandbox's init (in the sandbox's namespaces); 0 before run. */
  get hostInitPid(): number {
    return this.sandbox?.initPid ?? 0;
  }

  /** Whether a stop of a thread other than tid is held (see SyscallSource.mayHandle). */
  holdsOtherThan(tid: number): boolean {
    return this.held.some((stop) => this.byHostTid.get(stop.tid) !== tid);
  }

  /** The seq of the last syscall begun (the next one trapped gets one more). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Set by replay --exec and --record (see SyscallSource), before the run. */
  get syscallSource(): SyscallSource | undefined {
    return this.source;
  }

  set syscallSource(source: SyscallSource | undefined) {
    this.source = source;
    this.signalPoints = source?.signalPoints ? new SignalPoints(this, source.signalPoints === 'replay' ? source.recordedSignals : undefined) : undefined;
  }

  /** Publishes where a signal took effect (see signal/signal_points.ts). */
  publishSignal(tid: number, sig: number, point: SignalPoint): void {
    const record: SignalRecord = { type: 'signal', seq: this.seq, tid, sig, ...point };
    this.recordSink?.signal(record);
    if (this.bus.observed) this.bus.next(record);
  }

  /** The thread goes back to its code from its call in flight (at rip: past its syscall instruction, or on it to make it again). */
  private returning(thread: ThreadState, rt: ThreadRuntime, rip = rt.trapRip): void {
    this.signalPoints?.returning(thread, rt.trap, rt.nr, rip, rt.trapSp);
  }

  /**
   * Resumes a thread back from a call (go), or, in a replay, holds it stopped until the signals
   * recorded at that return are pending for it (see heldReturns).
   */
  private goBack(thread: ThreadState, go: () => void): void {
    if (this.signalPoints?.mayGoBack(thread) === false) this.holdReturn(thread, go);
    else go();
  }

  /** Holds a thread at its return (see goBack) until releaseReturns lets it go. */
  private holdReturn(thread: ThreadState, go: () => void): void {
    if (process.env.TSVISOR_DEBUG) this.warn(`debug: tid ${thread.tid} held at its return until its recorded signals are pending`);
    this.heldReturns.set(thread.tid, go);
  }

  /** Tells the user, once per kind, that the program ran into one of the sandbox's limits. */
  limitReached(kind: string, message: string): void {
    if (this.limitsHit.has(kind)) return;
    this.limitsHit.add(kind);
    this.warn(message);
  }

  emit(event: KernelEvent): void {
    applyEvent(this.state, event);
    if (this.host.filePages.size > 0) mirrorToSharedPages(this, event);
    this.recordSink?.event(this.seq, event);
    if (this.bus.observed) this.bus.next({ type: 'event', seq: this.seq, event });
  }

  /**
   * Whether anything takes the records (publishing them is not free). What takes them may keep
   * them for a while (the recorder encodes them in batches): bytes in an event must not be
   * written again once it is emitted.
   */
  get observed(): boolean {
    return this.recordSink !== undefined || this.bus.observed;
  }



  /**
   * Starts the first process (pid 1) from a prepared exec and runs the sandbox until pid 1
   * exits. Resolves with its wait status.
   */
  run(prepared: PreparedExec, cwd: string, creds: Credentials, control: RunControl = {}): Promise<number> {
    const sandbox = this.platform.spawnSandbox();
    this.sandbox = sandbox;
    const pid = this.state.nextPid;
    this.emit({
      type: 'ProcessStarted',
      pid, tid: pid, hostTid: sandbox.stubTid, ppid: 0,
      exe: prepared.exe.path, argv: prepared.argv, cwd, umask: 0o022,
      creds, rlimits: defaultRlimits(this.limits), startMs: Number(realtimeNs()) / 1e6,
    });
    if (control.noNewPrivs) this.emit({ type: 'NoNewPrivsSet', pid });
    if (this.hostname !== this.state.hostname) this.emit({ type: 'HostnameSet', hostname: this.hostname });
    if (this.limits.memory !== null) {
      const RLIMIT_AS = 9;
      this.platform.setHostRlimit(sandbox.stubTid, RLIMIT_AS, this.limits.memory, this.limits.memory);
    }
    this.byHostTid.set(sandbox.stubTid, pid);
    // A host process group of the sandbox's own: the host terminal's signals reach tsvisor
    // only, which hands them to the console's foreground group (syscalls/console.ts).
    this.platform.inject(sandbox.stubTid, SYS.setpgid, 0, 0);
    if (control.execTemplate) {
      // CLONE_PARENT: processes forked from it are init's children, which reaps them.
      const template = this.platform.spawnTask(sandbox.stubTid, CLONE_PARENT);
      if (template <= 0) throw new Error(`cannot make the sandbox's process template (errno ${-template})`);
      this.execTemplate = template;
    }
    if (control.terminal) control.terminal.attach(pid);
    else {
      for (const f of stdioFiles(this.state.nextFileId)) {
        this.emit({ type: 'FileOpened', fileId: f.fileId, kind: 'stdio', path: f.name, flags: f.flags, hostFd: f.hostFd });
        this.emit({ type: 'FdInstalled', pid, fd: f.hostFd, fileId: f.fileId, cloexec: false });
      }
    }
    this.runtime.set(pid, idleRuntime());
    this.running = 1;
    const done = this.whenFinished();
    // Held: the image is loaded now, while the engine goes on to start (as runc's init has all
    // but its execve done at create); pid 1 runs from its first instruction when let go.
    const launch = this.prepareImage(this.thread(pid), prepared);
    const go = () => {
      if (this.finished) return;
      this.watchIdleSignals();
      launch();
      this.loop();
    };
    if (control.held) {
      this.watchIdleSignals(true);
      void control.held.then(go);
    } else go();
    return done;
  }

  /**
   * Starts another process in the running sandbox (OCI exec): a fresh stub forked from the
   * template, with no parent (a session of its own), the given host fds as its stdio or a
   * terminal bridge's pty as its stdio and controlling terminal. Returns its pid and its wait
   * status once it has exited (it is reaped then).
   */
  startProcess(
    prepared: PreparedExec, cwd: string, creds: Credentials, stdio: readonly [number, number, number] | TerminalBridge, noNewPrivs = false,
  ): { pid: number; exited: Promise<number> } {
    if (this.finished) throw new Error('the sandbox has ended');
    if (this.execTemplate === 0) throw new Error('this sandbox cannot start other processes');
    const hostTid = this.platform.spawnTask(this.execTemplate, 0x8000);
    if (hostTid <= 0) throw new Error(`cannot create a process (errno ${-hostTid})`);
    const pid = this.state.nextPid;
    this.emit({
      type: 'ProcessStarted',
      pid, tid: pid, hostTid, ppid: 0,
      exe: prepared.exe.path, argv: prepared.argv, cwd, umask: 0o022,
      creds, rlimits: defaultRlimits(this.limits), startMs: Number(realtimeNs()) / 1e6,
    });
    if (noNewPrivs) this.emit({ type: 'NoNewPrivsSet', pid });
    this.byHostTid.set(hostTid, pid);
    if (stdio instanceof TerminalBridge) stdio.attach(pid);
    else {
      stdio.forEach((hostFd, fd) => {
        const fileId = this.state.nextFileId;
        this.emit({ type: 'FileOpened', fileId, kind: 'stdio', path: ['stdin', 'stdout', 'stderr'][fd]!, flags: hostFlags(hostFd), hostFd });
        this.host.addFile(fileId, hostFd);
        this.emit({ type: 'FdInstalled', pid, fd, fileId, cloexec: false });
      });
    }
    this.runtime.set(pid, idleRuntime());
    this.running++;
    const exited = new Promise<number>((resolve) => this.detachedExits.set(pid, resolve));
    this.startImage(this.thread(pid), prepared);
    if (!this.looping) this.loop();
    return { pid, exited };
  }

  private whenFinished(): Promise<number> {
    return new Promise<number>((resolve) => {
      this.finish = resolve;
    });
  }

  /**
   * While every thread is parked the run loop is idle: host signals for them (alarm, a
   * terminal) are looked for every 50 ms, and this timer keeps Node's event loop, so the
   * sandbox, alive. A held pid 1 (an OCI container created, not started) has nothing to look
   * for: until it is let go a timer that never fires keeps the loop alive instead of one that
   * would wake the process 20 times a second while it waits.
   */
  private watchIdleSignals(held = false): void {
    clearInterval(this.idleSignalCheck);
    this.idleSignalCheck = held ? setInterval(() => {}, 2 ** 31 - 1) : setInterval(() => {
      if (this.running === 0) this.interruptSignalled();
    }, 50);
  }

  /**
   * Takes over a restored sandbox: its state (loaded from an image), its stubs (every thread
   * stopped, registers not yet set) and the host tid of each thread. launch() then sets each
   * thread going; the promise resolves with pid 1's wait status, as run's does. execTemplate:
   * a pristine stub for startProcess (0: none).
   */
  adoptRestored(sandbox: SandboxHandle, state: KernelState, hostTids: ReadonlyMap<number, number>, launch: (tid: number, hostTid: number) => void, execTemplate = 0): Promise<number> {
    this.sandbox = sandbox;
    this.execTemplate = execTemplate;
    Object.assign(this.state, state);
    for (const [tid, hostTid] of hostTids) {
      this.emit({ type: 'ThreadRehosted', tid, hostTid });
      this.byHostTid.set(hostTid, tid);
      this.runtime.set(tid, idleRuntime());
    }
    this.running = hostTids.size;
    const done = this.whenFinished();
    this.watchIdleSignals();
    for (const [tid, hostTid] of hostTids) launch(tid, hostTid);
    this.loop();
    return done;
  }

  /**
   * Holds every thread of the sandbox still for a checkpoint: parked threads stay parked,
   * running ones are interrupted; stops that arrive meanwhile are handled as usual except a
   * frozen thread's new syscall, which waits unhandled. Call from outside the run loop (an
   * event-loop callback). Throws, with the sandbox going on, if a thread does not stop.
   */
  freeze(timeoutMs = 5000): FrozenThread[] {
    if (this.finished) throw new Error('the sandbox has already ended');
    if (this.frozen) throw new Error('a checkpoint is already in progress');
    if (this.traceStops.size > 0) throw new Error('a thread of the sandbox is stopped by a tracer (ptrace)');
    // How threads are traced (options, syscall stops) and the ends tracers have not taken are not in the image.
    if (this.tracing.size > 0 || this.tracedExits.size > 0) throw new Error('a thread of the sandbox is traced with ptrace');
    this.frozen = true;
    const frozen = new Map<number, FrozenThread>();
    const interrupted = new Set<number>();
    const sweep = () => {
      for (const [tid, rt] of this.runtime) {
        if (frozen.has(tid) || interrupted.has(tid)) continue;
        if (rt.blocked) {
          frozen.set(tid, { tid, how: 'parked' });
        } else {
          interrupted.add(tid);
          this.platform.interrupt(this.thread(tid).hostTid);
        }
      }
    };
    sweep();
    const deadline = Date.now() + timeoutMs;
    while (!this.finished && [...this.runtime.keys()].some((tid) => !frozen.has(tid))) {
      if (Date.now() > deadline) {
        this.thaw([...frozen.values()]);
        throw new Error('some threads of the sandbox did not stop');
      }
      const stop = this.platform.waitStop(WAIT_SLICE_MS);
      if (stop.kind === StopKind.Timeout) continue;
      const tid = this.byHostTid.get(stop.tid);
      if (tid !== undefined && interrupted.has(tid) && !frozen.has(tid)) {
        if (stop.kind === StopKind.Syscall && !this.runtime.get(tid)?.pendingExec) {
          frozen.set(tid, { tid, how: 'trapped', stop });
          continue;
        }
        if (stop.kind === StopKind.GroupStop && (stop.value === SIGTRAP || this.process(this.thread(tid).pid).stopSignal !== 0)) {
          frozen.set(tid, { tid, how: 'interrupted' });
          continue;
        }
      }
      this.onStop(stop);
      sweep();
    }
    if (this.finished) throw new Error('the sandbox ended during the checkpoint');
    for (const tid of [...frozen.keys()]) if (!this.runtime.has(tid)) frozen.delete(tid);
    // What shared mappings wrote to overlay files goes into the state the checkpoint saves.
    pullAllSharedPages(this);
    return [...frozen.values()];
  }

  /** Lets a frozen sandbox go on (a failed checkpoint, or --leave-running). */
  thaw(threads: readonly FrozenThread[]): void {
    this.frozen = false;
    for (const f of threads) {
      const thread = this.state.threads.get(f.tid);
      if (!thread || !this.runtime.has(f.tid)) continue;
      if (f.relaunch) this.platform.launch(thread.hostTid, f.relaunch);
      else if (f.how === 'trapped') this.onSyscall(thread, f.stop!);
      else if (f.how === 'interrupted') {
        if (this.process(thread.pid).stopSignal !== 0) this.platform.listen(thread.hostTid);
        else this.platform.resume(thread.hostTid, 0);
      }
    }
    for (const [tid, value] of this.deferred.splice(0)) this.complete(tid, value);
    this.drainNotifications();
    this.loop();
  }

  /** Ends a checkpointed sandbox (its image holds it now). */
  endCheckpointed(imageDir: string): void {
    this.checkpointedTo = imageDir;
    this.frozen = false;
    this.end(9);
  }


  /** A live thread's scheduler state as /proc shows it: S while the kernel has it parked, else what the host says. */
  runStateOf(tid: number): 'R' | 'S' | 'D' {
    const thread = this.state.threads.get(tid);
    if (!thread) return 'R';
    if (this.runtime.get(tid)?.blocked) return 'S';
    return hostRunState(this.process(thread.pid).hostPid, thread.hostTid);
  }

  /**
   * Completes a parked syscall (a blocked read, a sleep) and resumes its thread. False when
   * the thread is no longer waiting (a signal interrupted it, or it died).
   */
  complete(tid: number, value: number): boolean {
    const rt = this.runtime.get(tid);
    const thread = this.state.threads.get(tid);
    if (!rt || !thread || !rt.blocked) return false;
    const traced = this.traceStops.get(tid);
    if (traced?.at === 'parked' || (traced?.at === 'held' && traced.why === 'syscall-entry')) {
      // Its tracer holds it: the call's result waits for the let-go.
      traced.completion = value;
      return true;
    }
    if (this.frozen) {
      // The wake-up waits for the end of the checkpoint (the thread is in the image as parked).
      this.deferred.push([tid, value]);
      return true;
    }
    // Still parked for the kernel (no longer waiting) while held to die in the call.
    if (this.holdsToDie(thread, () => this.resumeParked(thread, rt, value))) return true;
    this.resumeParked(thread, rt, value);
    if (!this.draining) this.loop();
    return true;
  }

  private resumeParked(thread: ThreadState, rt: ThreadRuntime, value: number): void {
    rt.blocked = false;
    this.running++;
    this.answerParked(thread, rt, value);
  }

  /** Gives a parked call that ended its result (after its tracer's syscall-exit stop, if it has one). */
  private answerParked(thread: ThreadState, rt: ThreadRuntime, value: number, exitSeen = false): void {
    if (!exitSeen && this.tracing.size > 0 && this.tracing.get(thread.tid)?.syscalls) {
      this.exitStop(thread, rt, value, (v) => this.answerParked(thread, rt, v, true));
      return;
    }
    this.publishSyscall(thread, rt.nr, rt.args, value);
    this.returning(thread, rt);
    this.goBack(thread, () => this.platform.answer(thread.hostTid, value));
  }

  /** Whether the thread is held at its call's completion to die in it (see SyscallSource.diesInCall); go completes it. */
  private holdsToDie(thread: ThreadState, go: () => void): boolean {
    if (this.source?.diesInCall?.(thread.tid) !== true) return false;
    this.dying.set(thread.tid, go);
    return true;
  }

  /**
   * A parked thread cannot see a signal until it is resumed: when one is pending for it
   * (sent by the kernel, or by the host terminal to the process group), its syscall ends
   * with EINTR, or is restarted after the handler when the handler has SA_RESTART.
   * readyFirst: the caller has just notified what the threads of pids may wait on (a
   * parent's wait key): a call that can now complete does so before any signal is looked at.
   */
  interruptSignalled(pids?: ReadonlySet<number>, readyFirst = false): void {
    if (this.frozen) return;
    // Blocked signals do not interrupt: signalfd readers look for those of their mask themselves.
    if (this.waiters.has(SIGNAL_WAKE_KEY)) this.notify(SIGNAL_WAKE_KEY);
    for (const [tid, rt] of this.runtime) {
      if (!rt.blocked) continue;
      const thread = this.state.threads.get(tid);
      const process = thread && this.state.processes.get(thread.pid);
      if (!thread || !process || (pids && !pids.has(process.pid))) continue;
      // A call that can complete now completes whatever the signal (see interrupt): the
      // host's /proc need not be read for it (for a thread its tracer holds, it must).
      if (readyFirst && !this.traceStops.has(tid) && this.completeIfReady(tid)) continue;
      const sig = deliverableSignal(thread.hostTid, process);
      if (sig === 0) continue;
      // SIGKILL ends the thread in its call, the host's stop or not: it is let go to die there.
      if (sig === SIGKILL) {
        this.traceStops.delete(tid);
        this.releaseToDie(tid, rt);
        continue;
      }
      // A thread its tracer holds sees its signals once let go.
      if (this.traceStops.has(tid)) continue;
      this.interrupt(tid, sig);
    }
  }

  /**
   * A parked thread with SIGKILL pending: its waits end and the host thread goes on, to die of
   * the signal before it is back in its code. Its call is never answered (a recording holds it as
   * never returning, as Linux's never returns): answering it with EINTR in that moment, as other
   * signals are, made an exec's killed threads' calls end differently in replays.
   */
  private releaseToDie(tid: number, rt: ThreadRuntime): void {
    for (const w of this.waitsOf(tid)) this.unwait(w);
    rt.blocked = false;
    this.running++;
    this.platform.answer(this.thread(tid).hostTid, -Errno.EINTR);
  }

  /** The parked calls of thread tid. */
  private waitsOf(tid: number): Set<Waiter> {
    const mine = new Set<Waiter>();
    for (const set of this.waiters.values()) for (const w of set) if (w.tid === tid) mine.add(w);
    return mine;
  }

  /**
   * Completes the parked call of thread tid if it can complete now, as on Linux, where a
   * woken blocking call looks at what it waits for before it looks at pending signals: a
   * wait4 whose child has just exited returns the child, and the SIGCHLD handler runs after
   * it (not EINTR). Whether it did.
   */
  private completeIfReady(tid: number, mine = this.waitsOf(tid)): boolean {
    for (const w of mine) {
      const ready = w.retry();
      if (ready === null) continue;
      for (const other of mine) this.unwait(other);
      this.complete(tid, ready);
      return true;
    }
    return false;
  }

  private interrupt(tid: number, sig: number): void {
    const rt = this.runtime.get(tid)!;
    const thread = this.thread(tid);
    const mine = this.waitsOf(tid);
    if (this.completeIfReady(tid, mine)) return;
    let done: number | undefined;
    for (const w of mine) done ??= w.onInterrupt?.();
    const action = this.process(thread.pid).sigactions.get(sig);
    // A stop signal without a handler: the call is made again when the thread is continued
    // (Linux's ERESTARTSYS/ERESTARTNOHAND with no handler to run), but for a few. (A fatal
    // one ends the process: EINTR is never seen.)
    const restart = action !== undefined && action.handler > SIG_IGN
      ? (action.flags & SA_RESTART) !== 0 && !NEVER_RESTARTED.has(rt.nr)
      : STOP_SIGNALS.has(sig) && !EINTR_AFTER_STOP.has(rt.nr);
    // A replay ends the call only as its recording did (a wait4 that reaped a child waits on for it).
    if (this.source?.mayInterrupt?.(tid, done ?? (restart ? -ERESTARTSYS : -Errno.EINTR)) === false) return;
    if (process.env.TSVISOR_DEBUG) this.warn(`debug: interrupt tid ${tid} by signal ${sig}`);
    for (const w of mine) this.unwait(w);
    rt.blocked = false;
    this.running++;
    if (done !== undefined) {
      this.answerParked(thread, rt, done);
    } else if (restart && this.tracing.size > 0 && this.tracing.get(tid)?.syscalls) {
      // Its tracer sees the call end with ERESTARTSYS, then the signal, then the call made again.
      rt.restarting = true;
      this.exitStop(thread, rt, -ERESTARTSYS, () => this.platform.restartSyscall(thread.hostTid));
    } else if (restart) {
      rt.restarting = true;
      // Where signals take effect at recorded points, the interruption is published as a
      // host-run call's is (ERESTARTSYS): a handler's calls may come before the call is made
      // again, and replay --exec must know this one was begun.
      if (this.signalPoints) this.publishSyscall(thread, rt.nr, rt.args, -ERESTARTSYS);
      this.returning(thread, rt, rt.trapRip - 2);
      this.goBack(thread, () => this.platform.restartSyscall(thread.hostTid));
    } else {
      this.answerParked(thread, rt, -Errno.EINTR);
    }
    this.loop();
  }

  /** A summary of the kernel's runtime (tsvisor's SIGUSR2 with TSVISOR_DEBUG set). */
  debugSummary(): string {
    const waits = [...this.waiters].map(([key, set]) => `${key}:${[...set].map((w) => w.tid).join(',')}`);
    const threads = [...this.runtime].map(([tid, rt]) => `${tid}${rt.blocked ? '(blocked ' + syscallName(rt.nr) + ')' : ''}`);
    const signals = this.signalPoints?.summary();
    return `running=${this.running} looping=${this.looping} draining=${this.draining} queue=${this.notifyQueue.join(',')} threads=${threads.join(' ')} waits=${waits.join(' ')}${signals ? ` signals: ${signals}` : ''}`;
  }

  /** Ends the sandbox at once, as if pid 1 had been killed by sig. */
  terminate(sig: number): void {
    this.end(sig);
  }

  /** Sends a host signal to the first process (tsvisor itself was asked to stop). */
  signalInit(sig: number): void {
    const init = this.state.processes.get(1);
    if (init && init.status === 'running') {
      this.platform.signalThread(init.hostPid, sig);
      this.interruptSignalled(new Set([1]));
    }
  }

  /**
   * Parks the calling thread until one of keys is notified and retry() gives a result.
   * Keys name what it waits on: `pipe:ID`, `wait:PID`.
   */
  block(tid: number, keys: string[], retry: () => number | null, cancel?: () => void, onInterrupt?: () => number | undefined): Outcome {
    const waiter: Waiter = { tid, keys, retry, ...(cancel ? { cancel } : {}), ...(onInterrupt ? { onInterrupt } : {}) };
    for (const key of keys) {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      set.add(waiter);
    }
    return { kind: 'pending' };
  }

  /** The deadline kept for the thread's sleep when this call makes it again after a stop (see ThreadRuntime). */
  sleepDeadline(tid: number): bigint | undefined {
    const rt = this.runtime.get(tid);
    return rt?.sleep && rt.sleep.trap === rt.trap ? rt.sleep.deadline : undefined;
  }

  keepSleepDeadline(tid: number, deadline: bigint): void {
    const rt = this.runtime.get(tid);
    if (rt) rt.sleep = { trap: rt.trap, deadline };
  }

  /** Whether some parked call waits on key. */
  hasWaiters(key: string): boolean {
    return (this.waiters.get(key)?.size ?? 0) > 0;
  }

  /** How many times key was notified: edge-triggered epoll reports a file again after a change. */
  generation(key: string): number {
    return this.generations.get(key) ?? 0;
  }

  /**
   * Something waiters may be waiting on changed: they try again once the current stop is
   * handled (never from inside a handler, so chains of wake-ups do not recurse and a thread
   * that is about to park cannot miss the notification).
   */
  notify(key: string, depth = 0): void {
    this.generations.set(key, this.generation(key) + 1);
    this.watchers.get(key)?.();
    if (this.state.asyncFiles?.size) asyncNotified(this, key);
    // The epoll sets watching what changed are woken too, and those watching them (nested sets).
    if (this.state.epolls.size > 0 && depth < EP_MAX_NESTS) {
      const sets = this.epollWakeups.setsReached(this.state, key);
      if (sets) for (const id of sets) this.notify(epollWakeKey(id), depth + 1);
    }
    if (!this.waiters.has(key)) return;
    this.notifyQueue.push(key);
    if (!this.looping && !this.draining) this.drainNotifications();
  }

  /** onChange is called at each notify(key) (inside the syscall that changed it: it should defer its work). */
  watch(key: string, onChange: () => void): () => void {
    this.watchers.set(key, onChange);
    return () => {
      if (this.watchers.get(key) === onChange) this.watchers.delete(key);
    };
  }

  private drainNotifications(): void {
    if (this.draining || this.frozen) return;
    this.draining = true;
    let woke = false;
    const queue = this.notifyQueue;
    // Taken by index (keys notified meanwhile are pushed onto it and taken too), then replaced
    // by what is left: shift() on a queue of one or two keys is a call into V8's C++ at every
    // stop (it trims the array's backing store), and so is emptying it in place.
    let next = 0;
    try {
      for (; next < queue.length; next++) {
        const key = queue[next]!;
        const set = this.waiters.get(key);
        if (!set) continue;
        for (const waiter of [...set]) {
          if (!set.has(waiter)) continue;
          const result = waiter.retry();
          if (result === null) continue;
          this.unwait(waiter);
          woke = this.complete(waiter.tid, result) || woke;
        }
      }
    } finally {
      // After a throw, the key being handled is dropped, as shift() had dropped it.
      if (queue.length > 0) this.notifyQueue = next + 1 < queue.length ? queue.slice(next + 1) : [];
      this.draining = false;
    }
    if (woke) this.loop();
  }

  /** Ends every wait of a thread (its timers too). */
  private dropWaits(tid: number): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) if (w.tid === tid) this.unwait(w);
  }

  private unwait(waiter: Waiter): void {
    waiter.cancel?.();
    for (const key of waiter.keys) {
      const set = this.waiters.get(key);
      set?.delete(waiter);
      if (set?.size === 0) this.waiters.delete(key);
    }
  }

  /**
   * Closes fds of a process (close, close-on-exec, exit): host handles of open files that
   * no fd refers to any more are released, and whoever waits on the other end is woken.
   */
  closeFds(process: ProcessState, fds: readonly number[]): void {
    const wake = new Set<string>();
    const hangUps: ProcessState[] = [];
    for (const fd of fds) {
      const entry = process.fds.get(fd);
      if (!entry) continue;
      // The last close of a pty's master hangs its slave up (close, exec, exit alike).
      const leader = leaderToHangUp(this.state, entry.fileId);
      if (leader) hangUps.push(leader);
      const file = this.state.files.get(entry.fileId);
      if (file) for (const key of wakeKeysOnClose(this.state, file)) wake.add(key);
      if (file && this.state.locks) {
        releaseOnClose(this, process, file);
        wake.add(LOCKS_WAKE_KEY);
      }
      this.emit({ type: 'FdClosed', pid: process.pid, fd });
      if (!this.state.files.has(entry.fileId)) this.host.release(entry.fileId);
    }
    unpinUntied(this);
    for (const key of wake) this.notify(key);
    for (const leader of hangUps) if (leader.status === 'running') hangUp(this, leader);
  }

  /** Registers the clone a thread is about to have the host perform. */
  expectClone(tid: number, request: CloneRequest): void {
    this.clones.set(tid, request);
  }

  thread(tid: number): ThreadState {
    const t = this.state.threads.get(tid);
    if (!t) throw new Error(`no thread ${tid}`);
    return t;
  }

  process(pid: number): ProcessState {
    const p = this.state.processes.get(pid);
    if (!p) throw new Error(`no process ${pid}`);
    return p;
  }

  /** Reports an unsupported syscall once per name, as an event and a line for the user. */
  unsupported(nr: number, part?: string): number {
    // An unsupported part of a supported call (a ptrace request) is named with it: ptrace(PTRACE_TRACEME).
    const name = part === undefined ? syscallName(nr) : `${syscallName(nr)}(${part})`;
    if (!this.state.unsupportedReported.includes(name)) {
      this.emit({ type: 'SyscallUnsupported', name });
      this.warn(`unsupported syscall ${name} (${nr})`);
    }
    return -Errno.ENOSYS;
  }

  private loop(): void {
    if (this.looping || this.finished || this.frozen) return;
    this.looping = true;
    const turnEnds = Date.now() + LOOP_TURN_MS;
    try {
      this.releaseHeld();
      for (let n = 1; !this.finished && this.running > 0; n++) {
        // Blocking no longer than until the next sleeper's wake-up (its Node timer needs a turn).
        const stop = this.platform.waitStop(Math.max(0, Math.min(WAIT_SLICE_MS, Math.ceil(nextWakeIn()))));
        if (stop.kind === StopKind.Timeout) {
          // Signals the host raised by itself (alarm, a terminal) for parked threads: looked
          // for once per slice, as reading /proc for every parked thread is not free.
          if (Date.now() - this.lastSignalCheck >= WAIT_SLICE_MS) {
            this.lastSignalCheck = Date.now();
            this.interruptSignalled();
            this.signalPoints?.deliverOverdue();
            if (this.stalled()) this.unstall();
            else if (this.signalPoints?.giveUpWait(false).tid !== undefined) this.releaseHeld();
          }
          // Give Node's event loop a turn (stdin, timers, signals), then go on.
          setImmediate(() => this.loop());
          return;
        }
        if (this.source?.mayHandle) this.lastStopAt = Date.now();
        this.onStop(stop);
        this.drainNotifications();
        this.releaseHeld();
        // A busy sandbox must not starve the event loop either (sleepers' timers, the control socket).
        this.signalPoints?.deliverOverdue();
        if (this.signalPoints?.giveUpWait(false).tid !== undefined) this.releaseHeld();
        if (n % 64 === 0) {
          const now = Date.now();
          // Host signals for parked threads (alarm, a terminal, tsvisor's own SIGTERM passed on)
          // are looked for while other threads keep the loop busy too, not only in idle slices:
          // every slice, or less often when a look (a /proc read per parked thread) is long,
          // so that it never takes more than a fifth of the loop.
          if (now - this.lastSignalCheck >= this.busySignalCheckMs) {
            this.interruptSignalled();
            const after = Date.now();
            this.lastSignalCheck = after;
            this.busySignalCheckMs = Math.max(WAIT_SLICE_MS, 5 * (after - now));
          }
          if (now >= turnEnds) {
            setImmediate(() => this.loop());
            return;
          }
        }
      }
    } finally {
      this.looping = false;
    }
  }

  private onStop(stop: Stop): void {
    if (stop.kind === StopKind.NoTracees) {
      this.end(this.state.processes.get(1)?.waitStatus ?? 0);
      return;
    }
    const tid = this.byHostTid.get(stop.tid);
    if (tid === undefined) {
      this.onUnknownStop(stop);
      return;
    }
    const thread = this.thread(tid);
    if (this.holdsBack(thread, stop)) {
      // A thread held at a trap that another thread's exec or exit_group killed there never
      // makes that call (Linux skips a call a fatal signal is pending for): its exit stands for it.
      if (stop.kind === StopKind.Exited || stop.kind === StopKind.Killed) this.dropHeldTrap(stop.tid);
      this.held.push(stop);
      return;
    }
    this.dispatch(thread, stop);
  }

  /** Forgets host thread hostTid's held trap, if it has one (see onStop). */
  private dropHeldTrap(hostTid: number): void {
    const i = this.held.findIndex((s) => s.tid === hostTid && s.kind === StopKind.Syscall);
    if (i >= 0) this.held.splice(i, 1);
  }

  /** Whether the syscall source holds this stop back for now (see SyscallSource.mayHandle). */
  private holdsBack(thread: ThreadState, stop: Stop): boolean {
    const held = this.source?.mayHandle && this.holdable(thread, stop);
    if (held === undefined) return false;
    if (!this.source!.mayHandle!(held)) return true;
    // Its turn has come: a signal recorded before the call still waits for the host to have it.
    return held.kind === 'trap' && this.signalPoints?.mayCall(thread) === false;
  }

  /** The stop as SyscallSource.mayHandle sees it, if it is one it may hold. */
  private holdable(thread: ThreadState, stop: Stop): HeldStop | undefined {
    if (stop.kind === StopKind.Syscall) {
      const rt = this.runtime.get(thread.tid);
      if (!rt || rt.pendingExec || this.isRestart(rt, stop.value, stop.args, stop.rsp)) return undefined;
      return { kind: 'trap', tid: thread.tid, nr: stop.value, args: stop.args };
    }
    if (stop.kind === StopKind.Clone || stop.kind === StopKind.Fork || stop.kind === StopKind.Vfork) return { kind: 'create', tid: thread.tid };
    if (stop.kind === StopKind.Exited || stop.kind === StopKind.Killed) return { kind: 'exit', tid: thread.tid };
    return undefined;
  }

  /**
   * Whether held stops can only wait for each other: every other thread is parked, waits in a
   * host syscall (a futex another thread would wake), or has run its code for SPIN_CPU_TICKS of
   * CPU since the last stop without making a syscall (it spins, on a flag or a lock a held
   * thread would set or release; a thread that works that long gets there too, see SPIN_CPU_TICKS).
   * A thread parked in a sleep is not waiting for anyone: its time ends it (a child's `sleep 0.1`
   * while its parent's wait4 waits for the child's exit, its turn; let go, the wait4 found no child).
   */
  private stalled(): boolean {
    if ((this.held.length === 0 && this.heldReturns.size === 0 && this.heldExits.size === 0 && this.dying.size === 0) || Date.now() - this.lastStopAt < WAIT_SLICE_MS) return false;
    if (this.cpuAtLastStop.since !== this.lastStopAt) this.cpuAtLastStop = { since: this.lastStopAt, ticks: new Map() };
    const held = new Set(this.held.map((s) => s.tid));
    for (const [tid, rt] of this.runtime) {
      const thread = this.state.threads.get(tid);
      if (rt.blocked && sleepsOnItsOwn(rt)) return false;
      if (rt.blocked || !thread || held.has(thread.hostTid) || this.heldReturns.has(tid) || this.heldExits.has(tid) || this.dying.has(tid)) continue;
      const process = this.state.processes.get(thread.pid);
      if (!process) return false;
      if (!hostRunsCode(process.hostPid, thread.hostTid)) continue;
      const ticks = cpuTicks(process.hostPid, thread.hostTid);
      const base = this.cpuAtLastStop.ticks.get(tid) ?? ticks;
      this.cpuAtLastStop.ticks.set(tid, base);
      if (ticks - base < SPIN_CPU_TICKS) return false;
    }
    return true;
  }

  /**
   * Lets the held stop the syscall source chooses go on (see SyscallSource.unstall); first, a
   * thread waiting for a recorded signal gets it some time (a host timer may send it) before it
   * goes on without it (SignalPoints.giveUpWait).
   */
  private unstall(): void {
    const signalWait = this.signalPoints?.giveUpWait(true);
    if (signalWait?.waiting) {
      if (signalWait.tid !== undefined) this.releaseHeld();
      return;
    }
    // An exit_group waiting for threads that cannot go on: it ends them where they are.
    const [exiting] = this.heldExits;
    if (exiting) {
      this.heldExits.delete(exiting[0]);
      exiting[1]();
      return;
    }
    // A thread held to die in its call whose killer does not come: it completes the call (a
    // result other than the recorded one) once no held stop is left to go first.
    const [dying] = this.dying;
    if (dying && this.held.length === 0) {
      this.dying.delete(dying[0]);
      dying[1]();
      this.drainNotifications();
      this.releaseHeld();
      return;
    }
    const stops = this.held.map((stop) => {
      const tid = this.byHostTid.get(stop.tid);
      const thread = tid === undefined ? undefined : this.state.threads.get(tid);
      return (thread && this.holdable(thread, stop)) ?? { kind: 'exit' as const, tid: -1 };
    });
    if (process.env.TSVISOR_DEBUG) this.warn(`debug: stalled, holding ${stops.map((s) => `${s.kind} of ${s.tid}${s.kind === 'trap' ? ` (${syscallName(s.nr)})` : ''}`).join(', ')}`);
    const chosen = this.source?.unstall?.(stops) ?? 0;
    if (chosen < 0) return;
    const [stop] = this.held.splice(chosen, 1);
    const tid = stop && this.byHostTid.get(stop.tid);
    const thread = tid === undefined ? undefined : this.state.threads.get(tid);
    if (thread) this.dispatch(thread, stop!);
    else if (stop) this.onUnknownStop(stop);
    this.drainNotifications();
    this.releaseHeld();
  }

  /** Handles the held stops and returns that may go now, until none may. */
  private releaseHeld(): void {
    // Recorded signals whose cause has now happened (a child's exit): a parked call they interrupt looks for them.
    const caused = this.signalPoints?.releaseCaused();
    if (caused) this.interruptSignalled(caused);
    // Called after every stop: nothing held (the usual case) costs no iterators.
    if (this.held.length === 0 && this.heldReturns.size === 0 && this.heldExits.size === 0) return;
    this.releaseReturns();
    for (let i = 0; i < this.held.length && !this.finished; ) {
      const stop = this.held[i]!;
      const tid = this.byHostTid.get(stop.tid);
      const thread = tid === undefined ? undefined : this.state.threads.get(tid);
      if (thread && this.holdsBack(thread, stop)) {
        i++;
        continue;
      }
      this.held.splice(i, 1);
      if (thread) this.dispatch(thread, stop);
      else this.onUnknownStop(stop);
      this.drainNotifications();
      // What it did may let an earlier one go, or send a signal a held return waits for.
      this.releaseReturns();
      i = 0;
    }
  }

  /** Resumes the threads held at a return whose recorded signals the host now has for them. */
  private releaseReturns(): void {
    for (const [tid, go] of this.heldReturns) {
      const thread = this.state.threads.get(tid);
      if (thread && !this.signalPoints!.mayGoBack(thread)) continue;
      this.heldReturns.delete(tid);
      go();
    }
    for (const [tid, go] of this.heldExits) {
      if (this.source?.mayEndProcess?.(tid) === false) continue;
      this.heldExits.delete(tid);
      go();
    }
  }

  private dispatch(thread: ThreadState, stop: Stop): void {
    if (this.traceStops.get(thread.tid)?.at === 'stopping' && this.holdForTracer(thread, stop)) return;
    switch (stop.kind) {
      case StopKind.Syscall:
        this.onSyscall(thread, stop);
        return;
      case StopKind.SyscallExit:
        this.onSyscallExit(thread, stop);
        return;
      case StopKind.Signal:
        this.onSignal(thread, stop);
        return;
      case StopKind.Exited:
        this.onExit(thread, stop.value << 8, stop.usage);
        return;
      case StopKind.Killed:
        this.onExit(thread, stop.value | (stop.extra ? 0x80 : 0), stop.usage);
        return;
      case StopKind.Clone:
      case StopKind.Fork:
      case StopKind.Vfork:
        this.onChildCreated(thread, stop.value);
        return;
      case StopKind.Exec:
        if (stop.value !== stop.tid) this.leaderTakenOver(thread, stop.value);
        this.platform.resume(stop.tid, 0);
        return;
      case StopKind.Attached:
        this.startChild(stop.tid);
        return;
      case StopKind.GroupStop:
        this.onGroupStop(thread, stop.value);
        return;
      default:
        // Job-control and other event stops: nothing to decide yet.
        this.platform.resume(stop.tid, 0);
    }
  }

  /**
   * ptrace's attach (syscalls/ptrace.ts): the thread stops where it is, as if by the SIGSTOP
   * Linux sends it. A parked call stays parked (Linux restarts it after the stop); a running
   * thread is interrupted by the host and held at that stop or at its next syscall trap.
   */
  stopForTracer(tid: number, status = ATTACH_STOP_STATUS): void {
    const rt = this.runtime.get(tid);
    const thread = this.state.threads.get(tid);
    if (!rt || !thread) return;
    if (rt.blocked) {
      this.traceStops.set(tid, { at: 'parked', reported: false, status });
      this.tracerHears(thread);
      return;
    }
    this.traceStops.set(tid, { at: 'stopping', status });
    this.platform.interrupt(thread.hostTid);
  }

  /**
   * PTRACE_INTERRUPT of a seized thread: one running or parked stops as by an attach, reported
   * as PTRACE_EVENT_STOP; one its tracer let listen in a group-stop is trapped again; one
   * stopped already stays as it is.
   */
  interruptTracee(tid: number): void {
    const stop = this.traceStops.get(tid);
    const thread = this.state.threads.get(tid);
    if (!thread) return;
    if (stop === undefined) this.stopForTracer(tid, INTERRUPT_STOP_STATUS);
    else if (stop.at === 'held' && stop.listening) {
      // The host's interrupt brings it out of its LISTEN: onGroupStop holds it again.
      delete stop.listening;
      this.platform.interrupt(thread.hostTid);
    }
  }

  /** PTRACE_SEIZE of a thread of a stopped process: it is in its group-stop, for its tracer too. */
  seized(tid: number): void {
    const thread = this.state.threads.get(tid);
    const tracing = this.tracing.get(tid);
    const rt = this.runtime.get(tid);
    if (!thread || !tracing || !rt || rt.blocked) return;
    const stopSignal = this.process(thread.pid).stopSignal;
    if (stopSignal === 0) return;
    this.groupStop(thread, tracing, stopSignal, true);
    // Linux's GETSIGINFO there gives a siginfo of zeros (the stop was not a signal's).
    const held = this.traceStops.get(tid);
    if (held?.at === 'held') held.siginfo = new Uint8Array(128);
  }

  /**
   * A traced thread in its group-stop, reported to its tracer (PTRACE_EVENT_STOP when seized).
   * Let go (CONT, SYSCALL), it runs, the process still stopped, as on Linux. hostListens: the
   * host thread waits in PTRACE_LISTEN, from which it is interrupted first.
   */
  private groupStop(thread: ThreadState, tracing: Tracing, sig: number, hostListens: boolean): void {
    const held: TraceHold = this.holdTracee(thread, {
      why: 'group', status: tracing.seized ? stoppedStatus(sig, PTRACE_EVENT_STOP) : stoppedStatus(sig), eventMsg: 0,
      ...(hostListens ? { hostListens } : {}),
      go: () => this.resumeFromStop(thread, held.hostListens === true),
    });
  }

  /** A held thread goes on from its host stop; one in the host's LISTEN is interrupted first (onGroupStop then resumes it). */
  private resumeFromStop(thread: ThreadState, hostListens: boolean): void {
    if (!hostListens) {
      this.platform.resume(thread.hostTid, 0);
      return;
    }
    this.resumeAtStop.add(thread.tid);
    this.platform.interrupt(thread.hostTid);
  }

  /** A seized thread a SIGCONT took out of its group-stop while its tracer listened: it traps (PTRACE_EVENT_STOP, SIGTRAP). */
  private trapAfterContinue(thread: ThreadState, hostListens: boolean): void {
    this.holdTracee(thread, { why: 'event', status: INTERRUPT_STOP_STATUS, eventMsg: 0, go: () => this.resumeFromStop(thread, hostListens) });
  }

  /**
   * PTRACE_LISTEN at a seized thread's group-stop: it stays stopped, not for its tracer's
   * requests, until a SIGCONT, which traps it again (at once if one came meanwhile). -EIO elsewhere.
   */
  listenTracee(tid: number): number {
    const stop = this.traceStops.get(tid);
    const thread = this.state.threads.get(tid);
    if (!thread || stop?.at !== 'held' || stop.why !== 'group' || stop.listening) return -Errno.EIO;
    stop.reported = true;
    if (stop.continued || this.process(thread.pid).stopSignal === 0) {
      this.trapAfterContinue(thread, stop.hostListens === true);
      return 0;
    }
    if (!stop.hostListens) this.platform.listen(thread.hostTid);
    stop.hostListens = true;
    stop.listening = true;
    return 0;
  }

  /** A stop of a thread its tracer wants stopped: held there when it is one it can be held at. */
  private holdForTracer(thread: ThreadState, stop: Stop): boolean {
    const wanted = this.traceStops.get(thread.tid);
    const status = wanted?.at === 'stopping' ? wanted.status : ATTACH_STOP_STATUS;
    if (stop.kind === StopKind.Syscall) this.traceStops.set(thread.tid, { at: 'trap', stop, reported: false, status });
    else if (stop.kind === StopKind.GroupStop && stop.value === SIGTRAP) this.traceStops.set(thread.tid, { at: 'interrupt', reported: false, status });
    else if (stop.kind === StopKind.Attached) {
      // A child attached to before it first ran: the host's interrupt came while it was in its
      // first stop, where it is lost; that stop is held instead, to go on as an interrupt's.
      this.fixChildArgs(stop.tid);
      this.traceStops.set(thread.tid, { at: 'interrupt', reported: false, status });
    } else return false;
    // It stays counted as running: a SIGKILL ends it where it is held, and the run loop must
    // be there to see its end (a parked thread is woken by interruptSignalled instead).
    this.tracerHears(thread);
    return true;
  }

  /** Wakes the wait of the thread's tracer, if it has one (returned). */
  private tracerHears(thread: ThreadState): ThreadState | undefined {
    const tracer = thread.tracer === undefined ? undefined : this.state.threads.get(thread.tracer);
    if (tracer) this.notify(`wait:${tracer.pid}`);
    return tracer;
  }

  /** Holds a traced thread at a stop its tracer's wait reports; it goes on by letTraceeGo. */
  private holdTracee(thread: ThreadState, stop: Omit<TraceHold, 'at' | 'reported'>): TraceHold {
    const held: TraceHold = { at: 'held', reported: false, ...stop };
    this.traceStops.set(thread.tid, held);
    // Linux's SIGCHLD to the tracer for the stop (gdb sleeps in sigsuspend until it comes).
    const tracer = this.tracerHears(thread);
    const to = tracer && this.state.processes.get(tracer.pid);
    if (to) this.sendSigchld(to, thread.tid, this.process(thread.pid).creds.uid, CLD_TRAPPED, (stop.status >> 8) & 0x7f, SA_NOCLDSTOP);
    return held;
  }

  /** Where the thread's tracer asks for syscall stops, its syscall-entry stop: the call is handled once it goes on. */
  private entryStopped(thread: ThreadState, rt: ThreadRuntime, stop: Stop): boolean {
    if (rt.traceEntered) {
      rt.traceEntered = false;
      return false;
    }
    const tracing = this.tracing.get(thread.tid);
    if (!tracing?.syscalls) return false;
    const held: TraceHold = this.holdTracee(thread, {
      why: 'syscall-entry', status: syscallStopStatus(tracing), eventMsg: 0,
      syscall: { op: 'entry', nr: stop.value, args: stop.args, rval: -Errno.ENOSYS, rip: stop.rip, sp: stop.rsp },
      go: () => {
        let next = stop;
        if (held.regs) {
          // The tracer changed the call (orig_rax, the argument registers), or skipped it (-1:
          // its rax is the result, seen at the exit stop).
          this.platform.setRegs(thread.hostTid, held.regs);
          const regs = userRegs(held.regs);
          if (regs.origRax === -1) {
            rt.trapRip = stop.rip;
            rt.trapSp = stop.rsp;
            this.finishSyscall(thread, rt, -1, stop.args, regs.rax);
            return;
          }
          next = { ...stop, value: regs.origRax, args: regs.args };
        }
        rt.traceEntered = true;
        this.held.push(next);
      },
    });
    return true;
  }

  /** The syscall-exit stop of the thread's call in flight (rt.nr), returning value; go: on with the value the tracer left. */
  private exitStop(thread: ThreadState, rt: ThreadRuntime, value: number, go: (value: number) => void): void {
    const tracing = this.tracing.get(thread.tid)!;
    const held: TraceHold = this.holdTracee(thread, {
      why: 'syscall-exit', status: syscallStopStatus(tracing), eventMsg: 0,
      syscall: { op: 'exit', nr: rt.nr, args: rt.args, rval: value, rip: rt.trapRip, sp: rt.trapSp },
      go: () => {
        if (!held.regs) return go(value);
        this.platform.setRegs(thread.hostTid, held.regs);
        go(userRegs(held.regs).rax);
      },
    });
  }

  /** A signal about to be delivered to a traced thread: its signal-delivery stop, where its tracer says which signal goes on (0: none). */
  private signalStop(thread: ThreadState, stop: Stop): void {
    const siginfo = this.platform.takeSiginfo(thread.hostTid) ?? undefined;
    const held: TraceHold = this.holdTracee(thread, {
      why: 'signal', status: stoppedStatus(stop.value), eventMsg: 0, ...(siginfo ? { siginfo } : {}),
      go: (sig) => {
        if (held.siginfo && held.siginfo !== siginfo && sig !== 0) this.platform.putSiginfo(thread.hostTid, held.siginfo);
        if (held.regs) this.platform.setRegs(thread.hostTid, held.regs);
        if (sig === stop.value) this.deliverSignal(thread, stop);
        else this.resumeWithSignal(thread, sig);
      },
    });
  }

  /** Where a traced thread is in its stop (undefined: not stopped for a tracer). */
  traceStopOf(tid: number): TraceStop | undefined {
    return this.traceStops.get(tid);
  }

  /** How a traced thread is traced (undefined: it has no tracer). */
  tracingOf(tid: number): Tracing | undefined {
    return this.tracing.get(tid);
  }

  /** A thread gets a tracer (PTRACE_TRACEME, SEIZE; ATTACH stops it too, by stopForTracer). */
  startTracing(tid: number, tracer: number, tracing: Tracing): void {
    this.emit({ type: 'TracerSet', tid, tracer });
    this.tracing.set(tid, tracing);
  }

  /**
   * Lets a thread its tracer stopped go on (PTRACE_CONT, SYSCALL, SINGLESTEP, DETACH), with
   * signal sig (0: none): at a signal-delivery stop the signal delivered instead of the one that
   * stopped it, elsewhere a signal sent to it. detach: it has no tracer any more. step: it runs
   * one instruction of its own (after a syscall it is at, if any; into the handler of a signal
   * delivered) and stops with SIGTRAP, which its tracer sees as a signal-delivery stop.
   */
  letTraceeGo(tid: number, sig: number, detach = false, step = false): void {
    const traced = this.traceStops.get(tid);
    const thread = this.state.threads.get(tid);
    this.traceStops.delete(tid);
    if (traced && thread) this.platform.setStepping(thread.hostTid, step);
    if (detach && thread) {
      this.emit({ type: 'TracerSet', tid, tracer: 0 });
      this.tracing.delete(tid);
    }
    if (!traced || !thread) return;
    switch (traced.at) {
      case 'held':
        if (detach && traced.why === 'group' && this.process(thread.pid).stopSignal !== 0) {
          // Detached in its group-stop, it stays stopped (a SIGCONT wakes it), as Linux leaves it.
          if (!traced.hostListens) this.platform.listen(thread.hostTid);
          return;
        }
        traced.go(sig);
        // No signal is delivered from a group-stop (Linux ignores one given there).
        if (traced.why !== 'signal' && traced.why !== 'group') this.signalTracee(thread, sig);
        return;
      case 'trap':
        // Handled from the run loop, after the tracer's own call.
        this.held.push(traced.stop);
        break;
      case 'interrupt':
        this.platform.resume(thread.hostTid, 0);
        break;
      case 'parked': {
        const rt = this.runtime.get(tid);
        if (rt && this.tracing.get(tid)?.syscalls) {
          // As Linux, where the attach's SIGSTOP interrupted the call, to be made again: the
          // tracer's first syscall stop is the entry of the call the thread goes on waiting in.
          const tracing = this.tracing.get(tid)!;
          const entry: TraceHold = this.holdTracee(thread, {
            why: 'syscall-entry', status: syscallStopStatus(tracing), eventMsg: 0,
            syscall: { op: 'entry', nr: rt.nr, args: rt.args, rval: -Errno.ENOSYS, rip: rt.trapRip, sp: rt.trapSp },
            ...(traced.completion !== undefined ? { completion: traced.completion } : {}),
            go: () => {
              if (entry.completion !== undefined) this.complete(tid, entry.completion);
            },
          });
        } else if (traced.completion !== undefined) this.complete(tid, traced.completion);
        break;
      }
      case 'stopping':
        // The host's interrupt may still come: a stray interrupt stop is let go (onGroupStop).
        break;
    }
    // The attach's SIGSTOP is not one the thread has pending: CONT or DETACH with it sends nothing.
    if (sig !== SIGSTOP) this.signalTracee(thread, sig);
  }

  /** Sends a signal a tracer gave with its let-go (0: none), as a parked call's signal is sent (it may end the call). */
  private signalTracee(thread: ThreadState, sig: number): void {
    if (sig === 0) return;
    this.noteSignalSender(thread.pid, sig, { code: SI_KERNEL, pid: 0, uid: 0, status: -1 });
    this.platform.signalThread(thread.hostTid, sig);
    this.interruptSignalled(new Set([thread.pid]));
  }

  /** The ends of the tracees of process pid's threads not yet taken by a wait, by tid. */
  tracedExitsFor(pid: number): Array<[number, number]> {
    const ends: Array<[number, number]> = [];
    for (const [tid, end] of this.tracedExits) if (this.state.threads.get(end.tracer)?.pid === pid) ends.push([tid, end.status]);
    return ends;
  }

  /** A wait took a traced thread's end: its process's parent hears of it now. */
  takeTracedExit(tid: number): void {
    const end = this.tracedExits.get(tid);
    this.tracedExits.delete(tid);
    end?.thenParent?.();
  }

  /** Whether process pid has ended and its tracer has not taken that yet (its parent's wait does not see it until then). */
  endHeldForTracer(pid: number): boolean {
    return this.tracedExits.size > 0 && this.tracedExits.has(pid);
  }

  /**
   * A thread that ends (killed by another thread's exit_group or exec, or by a signal) in a call
   * it had begun, parked or run by the host: its record says the call never returned, so that a
   * recording shows the call (it was numbered as it began) and replay --exec lets it begin again.
   */
  private endedInCall(thread: ThreadState): void {
    const rt = this.runtime.get(thread.tid);
    if (rt && (rt.blocked || rt.onExit || this.dying.has(thread.tid))) this.publishSyscall(thread, rt.nr, rt.args, 'noreturn');
    this.dying.delete(thread.tid);
  }

  /**
   * A thread other than its process's leader exec'd: Linux ended every other thread, the leader
   * too (whose death the host does not report), and gave it the leader's tid, which is the one
   * the host stops now. The leader's calls are dropped, and the thread goes on as the leader
   * (pid = tid, as on Linux) with its own state: before, its exec's load waited on the leader's
   * stale state and the new image never ran.
   */
  private leaderTakenOver(leader: ThreadState, formerHostTid: number): void {
    const tid = this.byHostTid.get(formerHostTid);
    const rt = tid === undefined ? undefined : this.runtime.get(tid);
    this.platform.forget(formerHostTid);
    if (tid === undefined || !rt) return;
    this.endedInCall(leader);
    if (this.runtime.get(leader.tid)?.blocked) this.dropWaits(leader.tid);
    else this.running = Math.max(0, this.running - 1);
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]!.tid === leader.hostTid) this.held.splice(i, 1);
    for (const gone of [leader.tid, tid]) {
      this.traceStops.delete(gone);
      this.heldReturns.delete(gone);
      this.heldExits.delete(gone);
      this.signalPoints?.forget(gone);
      this.waitMasks.forget(gone);
      this.movedSignals.forget(gone);
    }
    this.tracerGone(leader.tid);
    this.byHostTid.delete(formerHostTid);
    this.runtime.delete(tid);
    this.runtime.set(leader.tid, rt);
    this.emit({ type: 'ThreadExited', tid });
  }

  /**
   * A thread that traced others ended: they are detached and go on (killed with
   * PTRACE_O_EXITKILL), as Linux's exit_ptrace does; the ends it had not taken go to their parents.
   */
  private tracerGone(tid: number): void {
    for (const t of this.state.threads.values()) {
      if (t.tracer !== tid) continue;
      const kill = ((this.tracing.get(t.tid)?.options ?? 0) & PTRACE_O_EXITKILL) !== 0;
      this.letTraceeGo(t.tid, 0, true);
      if (kill) this.platform.signalThread(t.hostTid, SIGKILL);
    }
    if (this.tracedExits.size === 0) return;
    for (const [tracee, end] of [...this.tracedExits]) if (end.tracer === tid) this.takeTracedExit(tracee);
  }

  private onUnknownStop(stop: Stop): void {
    if (stop.kind === StopKind.Attached) {
      // A new thread or process whose creator's event has not been seen yet: it waits.
      this.earlyAttached.add(stop.tid);
      return;
    }
    if (stop.kind === StopKind.Exited || stop.kind === StopKind.Killed) {
      this.platform.forget(stop.tid);
      return;
    }
    // A tracee the kernel never created (it cannot happen by design): end it.
    this.platform.signalThread(stop.tid, 9);
    this.platform.resume(stop.tid, 0);
  }

  private onSyscall(thread: ThreadState, stop: Stop): void {
    const rt = this.runtime.get(thread.tid)!;
    // A wait's mask no handler's frame took back (see signal/wait_mask.ts) goes before anything.
    this.waitMasks.atTrap(thread, stop.rsp);
    if (rt.pendingExec) {
      // The stub's first syscall after the host exec'd it: time to load the program.
      const prepared = rt.pendingExec;
      delete rt.pendingExec;
      this.startImage(thread, prepared);
      return;
    }
    if (this.tracing.size > 0 && this.entryStopped(thread, rt, stop)) return;
    const nr = stop.value;
    const args = stop.args;
    // globalThis: `process` is a local name below; importing node:process would create
    // process.stdin, which makes tsvisor's stdin non-blocking.
    if (this.captureWrites) rt.trappedAt = hostMonotonicNs();
    const entry = SYSCALL_TABLE[nr];
    const process = this.process(thread.pid);
    if (this.isRestart(rt, nr, args, stop.rsp)) {
      rt.restarting = false;
    } else {
      rt.restarting = false;
      // Signals due before this call: their handlers run first, then the call traps again.
      if (this.signalPoints?.beforeCall(thread, nr)) {
        rt.trappedAt = undefined;
        return;
      }
      rt.trap = ++this.seq;
      rt.trapSp = stop.rsp;
    }
    rt.trapRip = stop.rip;
    let outcome: Outcome;
    const ctx = new SyscallContext(this, thread, process, nr, args, stop.rsp, stop.argsLow32);
    const answered = this.source?.answer?.(ctx);
    if (answered !== undefined) {
      outcome = answered;
    } else if (!entry?.handler) {
      outcome = entry?.support === 'host' ? hostRuns : this.unsupported(nr);
    } else {
      try {
        outcome = entry.handler(ctx);
      } catch (err) {
        this.warn(`internal error in ${syscallName(nr)}: ${(err as Error).message}`);
        outcome = -Errno.EIO;
      }
    }
    this.finishSyscall(thread, rt, nr, args, outcome);
  }

  /** The thread makes again the call a signal handler interrupted (same call, same stack). */
  private isRestart(rt: ThreadRuntime, nr: number, args: readonly number[], sp: number): boolean {
    return rt.restarting === true && rt.nr === nr && rt.trapSp === sp && rt.args.every((a, i) => a === args[i]);
  }

  private finishSyscall(thread: ThreadState, rt: ThreadRuntime, nr: number, args: readonly number[], outcome: Outcome, exitSeen = false): void {
    // The strings read stand for the program's memory only when the call completes now (the
    // host may write it in a call it runs; other threads, while a call is parked).
    if (typeof outcome !== 'number' && outcome.kind !== 'exec') rt.strings = undefined;
    if (typeof outcome === 'number') {
      rt.nr = nr;
      rt.args = args;
      if (!exitSeen && this.tracing.size > 0 && this.tracing.get(thread.tid)?.syscalls) {
        this.exitStop(thread, rt, outcome, (value) => this.finishSyscall(thread, rt, nr, args, value, true));
        return;
      }
      if (this.holdsToDie(thread, () => this.finishSyscall(thread, rt, nr, args, outcome))) return;
      this.publishSyscall(thread, nr, args, outcome);
      const points = this.signalPoints;
      if (points) {
        this.returning(thread, rt);
        // goBack's test without its closure: this runs at every recorded call.
        if (points.mayGoBack(thread)) this.platform.answer(thread.hostTid, outcome);
        else this.holdReturn(thread, () => this.platform.answer(thread.hostTid, outcome));
      } else this.platform.answer(thread.hostTid, outcome);
      return;
    }
    switch (outcome.kind) {
      case 'host': {
        if (outcome.noreturn) {
          this.publishSyscall(thread, nr, args, 'noreturn');
          const end = () => this.endProcessWhenAllowed(thread, () => this.platform.allowOnHost(thread.hostTid, false));
          // PTRACE_O_TRACEEXIT: its tracer sees it before it ends (the message: its wait status).
          if (this.tracing.size > 0 && (this.tracing.get(thread.tid)?.options ?? 0) & PTRACE_O_TRACEEXIT) {
            this.holdTracee(thread, { why: 'event', status: eventStopStatus(PTRACE_EVENT_EXIT), eventMsg: (args[0]! & 0xff) << 8, go: end });
          } else end();
          return;
        }
        const rewrite = outcome.rewrite;
        // A traced thread's host calls are seen to their end: its tracer may want their exit stop.
        const observe = rewrite !== undefined || this.observed || (this.tracing.size > 0 && this.tracing.has(thread.tid));
        if (observe) {
          rt.nr = nr;
          rt.args = args;
          rt.onExit = rewrite ?? ((r) => r);
        }
        this.platform.allowOnHost(thread.hostTid, observe);
        return;
      }
      case 'pending':
        rt.blocked = true;
        rt.nr = nr;
        rt.args = args;
        this.running--;
        // Signals made pending as the call began interrupt it now (the host will not stop the thread
        // for them), as do those pending before a wait whose mask unblocks them.
        if (this.signalPoints?.releasedAtTrap(thread) || this.waitMasks.saved(thread.tid) !== undefined) this.interruptSignalled(new Set([thread.pid]));
        return;
      case 'exec':
        rt.nr = nr;
        rt.args = args;
        this.publishSyscall(thread, nr, args, 0);
        rt.pendingExec = outcome.prepared;
        // The host's exec ends the process's other threads, as an exit_group does: held alike.
        this.endProcessWhenAllowed(thread, () => this.execStub(thread, nr === SYS.execveat ? args[1]! : args[0]!));
        return;
    }
  }

  /** An exit_group or exec, whose host call ends the process's other threads: made now, or held (SyscallSource.mayEndProcess). */
  private endProcessWhenAllowed(thread: ThreadState, go: () => void): void {
    if (this.source?.mayEndProcess?.(thread.tid) === false) this.heldExits.set(thread.tid, go);
    else go();
  }

  /** The host created a thread or process for `parent`: give it its virtual identity. */
  private onChildCreated(parent: ThreadState, hostTid: number): void {
    const request = this.clones.get(parent.tid) ?? { thread: false, flags: SIGCHLD, ptid: 0, ctid: 0 };
    this.clones.delete(parent.tid);
    const id = this.state.nextPid;
    const name = threadName(this.state, parent.tid);
    const comm = name !== this.process(parent.pid).comm ? { comm: name } : {};
    if (request.thread) this.emit({ type: 'ThreadCreated', tid: id, pid: parent.pid, hostTid, ...comm });
    else {
      this.platform.processForked(this.process(parent.pid).hostPid, hostTid);
      // CLONE_PARENT: a sibling of the caller, which its parent waits for, ending with the caller's own exit signal.
      const caller = this.process(parent.pid);
      const sibling = (request.flags & CLONE_PARENT) !== 0;
      const exitSignal = sibling ? (caller.exitSignal ?? SIGCHLD) : request.flags & CSIGNAL;
      this.emit({
        type: 'ProcessForked', pid: id, ppid: parent.pid, hostTid, ...comm, startMs: Number(realtimeNs()) / 1e6,
        ...(exitSignal !== SIGCHLD ? { exitSignal } : {}), ...(sibling ? { parent: caller.ppid } : {}),
      });
    }
    request.child = id;
    this.byHostTid.set(hostTid, id);
    this.runtime.set(id, idleRuntime());
    // The host wrote its own tid where the program asked for the new tid: correct it.
    const vtid = Buffer.alloc(4);
    vtid.writeInt32LE(id);
    if (request.flags & CLONE_PARENT_SETTID) this.platform.write(parent.hostTid, request.ptid, vtid);
    if (request.flags & CLONE_CHILD_SETTID) this.platform.write(hostTid, request.ctid, vtid);
    if (request.pidfd !== undefined) {
      const fd = Buffer.alloc(4);
      fd.writeInt32LE(openPidfd(new SyscallContext(this, parent, this.process(parent.pid), SYS.clone, []), id));
      this.platform.write(parent.hostTid, request.pidfd, fd);
    }
    // The host clears and wakes it at the thread's exit; the state says so (a restore re-registers it).
    if (request.flags & CLONE_CHILD_CLEARTID) this.emit({ type: 'ClearChildTidSet', tid: id, addr: request.ctid });
    this.running++;
    if (request.originalArgs) this.childArgFixups.set(hostTid, request.originalArgs);
    const tracing = this.tracing.size > 0 ? this.tracing.get(parent.tid) : undefined;
    const event = tracing ? cloneEvent(request.flags, tracing.options) : 0;
    // A traced thread's child is traced too when its tracer asked for that event (or CLONE_PTRACE):
    // it starts in a stop its tracer's wait reports (SIGSTOP, or PTRACE_EVENT_STOP when seized).
    if (tracing && (event !== 0 || (request.flags & CLONE_PTRACE && !(request.flags & CLONE_UNTRACED)))) {
      this.emit({ type: 'TracerSet', tid: id, tracer: parent.tracer! });
      this.tracing.set(id, { options: tracing.options, syscalls: false, seized: tracing.seized });
      this.traceStops.set(id, { at: 'stopping', status: newChildStatus(tracing.seized) });
      if (this.earlyAttached.delete(hostTid)) this.holdForTracer(this.thread(id), { kind: StopKind.Attached, tid: hostTid, value: 0, args: [], rip: 0, rsp: 0, extra: 0, addr: 0 });
    } else if (this.earlyAttached.delete(hostTid)) this.startChild(hostTid);
    // The parent goes on to the end of its clone, where its result is rewritten.
    const rt = this.runtime.get(parent.tid)!;
    const hostResultToVirtual = rt.onExit;
    const originalArgs = request.originalArgs;
    rt.onExit = (r) => {
      if (originalArgs) this.platform.setArgRegs(parent.hostTid, originalArgs);
      return r > 0 ? id : (hostResultToVirtual?.(r) ?? r);
    };
    if (request.flags & CLONE_VFORK) rt.vforkChild = id;
    const goOn = () => this.platform.resume(parent.hostTid, 0, true);
    if (event !== 0) this.holdTracee(parent, { why: 'event', status: eventStopStatus(event), eventMsg: id, go: goOn });
    else goOn();
  }

  /** Lets a new thread or process run from its first stop. */
  private startChild(hostTid: number): void {
    this.fixChildArgs(hostTid);
    this.platform.resume(hostTid, 0);
  }

  /** A new child's argument registers as the kernel's rewrite of its clone left them, restored. */
  private fixChildArgs(hostTid: number): void {
    const args = this.childArgFixups.get(hostTid);
    if (args) {
      this.childArgFixups.delete(hostTid);
      this.platform.setArgRegs(hostTid, args);
    }
  }

  private onSyscallExit(thread: ThreadState, stop: Stop): void {
    const rt = this.runtime.get(thread.tid)!;
    if (rt.onExit && stop.extra !== -ERESTARTNOINTR && this.holdsToDie(thread, () => this.onSyscallExit(thread, stop))) return;
    const rewrite = rt.onExit;
    const vforkChild = rt.vforkChild;
    delete rt.onExit;
    delete rt.vforkChild;
    if (stop.extra === -ERESTARTNOINTR) {
      // A signal came during a host-run call the host makes again (a fork): not its completion.
      // It is made again as the program made it (a clone the kernel rewrote gets its own arguments back).
      const clone = this.clones.get(thread.tid);
      this.clones.delete(thread.tid);
      if (clone?.originalArgs) this.platform.setArgRegs(thread.hostTid, clone.originalArgs);
      rt.restarting = true;
      this.platform.resume(thread.hostTid, 0);
      return;
    }
    const result = rewrite ? rewrite(stop.extra) : stop.extra;
    const goOn = (value: number): void => {
      if (rewrite) this.publishSyscall(thread, rt.nr, rt.args, value);
      if (value !== stop.extra) this.platform.setReturn(thread.hostTid, value);
      if (rewrite) this.returning(thread, rt, stop.rip);
      this.goBack(thread, () => this.platform.resume(thread.hostTid, 0));
    };
    const tracing = this.tracing.size > 0 ? this.tracing.get(thread.tid) : undefined;
    const exitStop = (): void => {
      if (tracing?.syscalls) this.exitStop(thread, rt, result, goOn);
      else goOn(result);
    };
    // Linux's vfork parent stops for its tracer once the child let go of its memory, before
    // the vfork returns (the host's vfork returns only then too).
    if (vforkChild !== undefined && result > 0 && tracing && tracing.options & PTRACE_O_TRACEVFORKDONE) {
      this.holdTracee(thread, { why: 'event', status: eventStopStatus(PTRACE_EVENT_VFORK_DONE), eventMsg: vforkChild, go: exitStop });
    } else exitStop();
  }

  private onSignal(thread: ThreadState, stop: Stop): void {
    const stepped = this.waitMasks.atSignalStop(thread, this.process(thread.pid), stop);
    if (stepped !== undefined) {
      if (stepped === 'entry') this.signalPoints?.enteredHandler(thread, stop.rip, stop.rsp);
      return;
    }
    const rdtsc = stop.value === SIGSEGV ? rdtscFaultLength(this.platform, thread.hostTid, stop) : 0;
    if (rdtsc > 0) {
      emulateRdtsc(this.platform, thread.hostTid, rdtsc, (fresh) => this.source?.rdtsc?.(thread.tid, fresh) ?? fresh);
      this.platform.resume(thread.hostTid, 0);
      return;
    }
    const points = this.signalPoints;
    if (points?.redelivers(thread, stop)) return;
    if (this.movedToMainThread(thread, stop)) return;
    const moved = this.movedSignals.arrived(thread, stop.value);
    // A signal the kernel sent arrives from outside the sandbox's namespaces (si_pid 0, an
    // unmapped uid): it gets the sender the program must see.
    const siCode = moved?.code ?? stop.extra;
    const siPid = moved?.pid ?? stop.addr % 2 ** 32;
    if ((siCode === SI_USER || siCode === SI_TKILL) && siPid === 0) {
      const sender = this.takeSignalSender(thread.pid, stop.value) ?? { code: siCode, pid: 0, uid: 0, status: -1 };
      this.platform.patchSiginfo(thread.hostTid, sender.code, sender.pid, sender.uid, sender.value ?? sender.status);
    }
    if (points?.holds(thread, stop)) return;
    if (this.tracing.size > 0 && stop.value !== SIGKILL && this.tracing.has(thread.tid)) {
      this.signalStop(thread, stop);
      return;
    }
    this.deliverSignal(thread, stop);
  }

  /**
   * A signal for the whole process that the host gave to another thread because the main
   * thread is parked (moved_signals.ts) goes to the main thread, when it does not block it, and
   * interrupts its call there. Plain runs only: a recorded run keeps the host's choice, which
   * its signal points reproduce.
   */
  private movedToMainThread(thread: ThreadState, stop: Stop): boolean {
    if (thread.tid === thread.pid || !MovedSignals.processDirected(stop.value, stop.extra)) return false;
    const main = this.state.threads.get(thread.pid);
    const process = this.state.processes.get(thread.pid);
    if (!main || !process || !this.runtime.get(main.tid)?.blocked || this.traceStops.has(main.tid)) return false;
    if (hostBlockedSignals(process.hostPid, main.hostTid) & (1n << BigInt(stop.value - 1))) return false;
    if (!this.movedSignals.move(thread, main, stop.value)) return false;
    this.interruptSignalled(new Set([process.pid]));
    return true;
  }

  /** A signal the host is about to deliver to the thread (from its signal-delivery stop) is delivered. */
  private deliverSignal(thread: ThreadState, stop: Stop): void {
    if (TERMINAL_STOPS.has(stop.value) && (this.process(thread.pid).sigactions.get(stop.value)?.handler ?? 0) === 0) {
      this.terminalStop(thread, stop.value);
      return;
    }
    this.resumeWithSignal(thread, stop.value);
  }

  /** Resumes a thread from its signal-delivery stop, delivering sig (0: none). */
  resumeWithSignal(thread: ThreadState, sig: number): void {
    this.waitMasks.deliver(thread, this.process(thread.pid), sig);
  }

  /**
   * SIGTSTP/SIGTTIN/SIGTTOU with their default action. Process groups are the kernel's (on the
   * host every stub shares tsvisor's group), so the orphaned-group rule is applied here: in an
   * orphaned group the signal is discarded, otherwise the process stops, by a SIGSTOP on the
   * host (which the host never discards) reported as the signal it was.
   */
  private terminalStop(thread: ThreadState, sig: number): void {
    const process = this.process(thread.pid);
    if (this.orphanedGroup(process.pgid, process.sid)) {
      this.platform.resume(thread.hostTid, 0);
      return;
    }
    this.stoppingAs.set(process.pid, sig);
    this.platform.resume(thread.hostTid, SIGSTOP);
  }

  /** A group none of whose members has a parent in another group of the same session (POSIX). */
  orphanedGroup(pgid: number, sid: number): boolean {
    for (const p of this.state.processes.values()) {
      if (p.pgid !== pgid || p.status !== 'running') continue;
      const parent = this.state.processes.get(p.ppid);
      if (parent && parent.pgid !== pgid && parent.sid === sid) return false;
    }
    return true;
  }

  /**
   * Job control: a stop signal put the thread in its group-stop, where it stays (listening
   * for SIGCONT), and the parent hears of it. A later trap of a stopped process means SIGCONT
   * woke it.
   */
  private onGroupStop(thread: ThreadState, sig: number): void {
    const process = this.process(thread.pid);
    // A traced thread let go from its group-stop: it runs (see groupStop).
    if (this.resumeAtStop.size > 0 && this.resumeAtStop.delete(thread.tid)) {
      this.platform.resume(thread.hostTid, 0);
      return;
    }
    const tracing = this.tracing.size > 0 ? this.tracing.get(thread.tid) : undefined;
    if (STOP_SIGNALS.has(sig)) {
      if (process.stopSignal === 0) {
        const as = this.stoppingAs.get(process.pid) ?? sig;
        this.stoppingAs.delete(process.pid);
        this.emit({ type: 'ProcessStopped', pid: process.pid, signal: as });
        this.tellParent(process, CLD_STOPPED, as, SA_NOCLDSTOP);
      }
      if (tracing) this.groupStop(thread, tracing, process.stopSignal || sig, false);
      else this.platform.listen(thread.hostTid);
      return;
    }
    if (process.stopSignal !== 0) {
      this.emit({ type: 'ProcessContinued', pid: process.pid });
      this.tellParent(process, CLD_CONTINUED, SIGCONT, SA_NOCLDSTOP);
    }
    const stop = tracing ? this.traceStops.get(thread.tid) : undefined;
    if (stop?.at === 'held' && stop.why === 'group') {
      // A SIGCONT woke a traced thread in its group-stop: a listening one traps; one its tracer
      // holds stays held, at this stop now, and traps at its LISTEN.
      if (stop.listening) this.trapAfterContinue(thread, false);
      else {
        stop.hostListens = false;
        stop.continued = true;
      }
      return;
    }
    this.platform.resume(thread.hostTid, 0);
  }

  /** A child stopped or continued: waiters hear it, and the parent gets SIGCHLD unless it asked not to. */
  private tellParent(child: ProcessState, code: number, status: number, unlessFlag: number): void {
    const parent = this.state.processes.get(child.ppid);
    if (!parent || parent.status !== 'running') return;
    this.notify(`wait:${parent.pid}`);
    this.sendSigchld(parent, child.pid, child.creds.uid, code, status, unlessFlag);
  }

  /** SIGCHLD to process to about a child's (or tracee's) news, unless it ignores SIGCHLD or its action has unlessFlag. */
  private sendSigchld(to: ProcessState, pid: number, uid: number, code: number, status: number, unlessFlag: number): void {
    if (to.status !== 'running') return;
    const action = to.sigactions.get(SIGCHLD);
    if (action && (action.handler === SIG_IGN || action.flags & unlessFlag)) return;
    this.noteSignalSender(to.pid, SIGCHLD, { code, pid, uid, status });
    this.platform.signalProcess(to.hostPid, SIGCHLD);
    this.sentSigchld(to);
  }

  /**
   * SIGCHLD was sent to parent: it interrupts a parked call only through a handler (its
   * default is to be ignored), or wakes signalfd readers; else the host's /proc need not be
   * read. Neither is it for a wait4 the child's news completes (its wait key was notified).
   */
  private sentSigchld(parent: ProcessState): void {
    if ((parent.sigactions.get(SIGCHLD)?.handler ?? 0) > SIG_IGN || this.waiters.has(SIGNAL_WAKE_KEY)) this.interruptSignalled(new Set([parent.pid]), true);
  }

  /** Remembers who the kernel is sending sig to process pid for (si_pid, si_uid, si_code). */
  noteSignalSender(pid: number, sig: number, sender: SignalSender): void {
    this.signalPoints?.sent(pid, sig);
    const key = `${pid}:${sig}`;
    const queue = this.signalSenders.get(key) ?? [];
    // Standard signals do not queue: a second one pending merges with the first. But the host
    // may have taken the first from pending already (its delivery stop not yet handled), so
    // that the second is a delivery of its own: it keeps its sender for that case.
    if (sig < 32 && queue.length > 0) {
      this.lateSignalSenders.set(key, sender);
      return;
    }
    queue.push(sender);
    this.signalSenders.set(key, queue);
  }

  /** Takes the sender noted for a signal of process pid being delivered (or consumed by a signalfd read). */
  takeSignalSender(pid: number, sig: number): SignalSender | undefined {
    const key = `${pid}:${sig}`;
    const queue = this.signalSenders.get(key);
    const sender = queue?.shift();
    if (queue && queue.length === 0) this.signalSenders.delete(key);
    if (sender) return sender;
    const late = this.lateSignalSenders.get(key);
    this.lateSignalSenders.delete(key);
    return late;
  }

  private onExit(thread: ThreadState, waitStatus: number, usage?: ProcessUsage): void {
    const process = this.process(thread.pid);
    this.endedInCall(thread);
    this.byHostTid.delete(thread.hostTid);
    this.traceStops.delete(thread.tid);
    const tracedBy = this.tracing.size > 0 && this.tracing.delete(thread.tid) ? thread.tracer : undefined;
    this.resumeAtStop.delete(thread.tid);
    // A thread parked in a call (killed with its group, by exit_group or a fatal signal) was
    // not counted as running: it leaves its waits behind instead.
    if (this.runtime.get(thread.tid)?.blocked) this.dropWaits(thread.tid);
    else this.running = Math.max(0, this.running - 1);
    this.tracerGone(thread.tid);
    this.runtime.delete(thread.tid);
    this.heldReturns.delete(thread.tid);
    this.heldExits.delete(thread.tid);
    // A held stop of a thread that died (killed by another thread's exit_group or exec) is gone with it.
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]!.tid === thread.hostTid) this.held.splice(i, 1);
    this.signalPoints?.forget(thread.tid);
    this.waitMasks.forget(thread.tid);
    this.movedSignals.forget(thread.tid);
    this.platform.forget(thread.hostTid);
    if (thread.hostTid !== process.hostPid) {
      this.emit({ type: 'ThreadExited', tid: thread.tid });
      if (tracedBy !== undefined) this.traceeEnded(thread.tid, tracedBy, waitStatus);
      return;
    }
    const tracerKeeps = tracedBy !== undefined && this.traceeEnded(thread.tid, tracedBy, waitStatus, process);
    this.exitProcess(process, waitStatus, usage, tracerKeeps);
  }

  /**
   * A traced thread ended: its tracer's wait reports the end (wait status waitStatus). A process
   * (its leader) whose parent is not its tracer's process is its parent's to wait for only once
   * the tracer has taken it: whether that is so.
   */
  private traceeEnded(tid: number, tracer: number, waitStatus: number, process?: ProcessState): boolean {
    const tracerPid = this.state.threads.get(tracer)?.pid;
    if (tracerPid === undefined) return false;
    // Its tracer is its parent: the one report of a child's end serves both.
    if (process && tracerPid === process.ppid) return false;
    this.tracedExits.set(tid, { tracer, status: waitStatus, ...(process ? { thenParent: () => this.tellParentOfExit(process, waitStatus) } : {}) });
    this.notify(`wait:${tracerPid}`);
    return process !== undefined;
  }

  /** A process has ended: close its files, tell its parent, or end the sandbox (pid 1). */
  private exitProcess(process: ProcessState, waitStatus: number, usage?: ProcessUsage, tracerKeeps = false): void {
    leaderExiting(this, process);
    this.closeFds(process, [...process.fds.keys()]);
    detachAll(this, process);
    undoSemaphores(this, process);
    const children = [...this.state.processes.values()].filter((p) => p.ppid === process.pid);
    this.emit({ type: 'ProcessExited', pid: process.pid, waitStatus, ...(usage ? { usage } : {}) });
    this.notify(pidfdWakeKey(process.pid));
    if (process.pid === 1) {
      this.end(waitStatus);
      return;
    }
    orphansAdopted(this, process, children);
    const detached = this.detachedExits.get(process.pid);
    if (detached) {
      this.detachedExits.delete(process.pid);
      this.emit({ type: 'ProcessReaped', pid: process.pid });
      detached(waitStatus);
      return;
    }
    if (!tracerKeeps) this.tellParentOfExit(process, waitStatus);
  }

  /** A child has ended: its parent is woken from wait and sent SIGCHLD, or reaps it at once if it asked to. */
  tellParentOfExit(process: ProcessState, waitStatus: number): void {
    const parent = this.state.processes.get(process.ppid);
    if (!parent || parent.status !== 'running') return;
    const action = parent.sigactions.get(SIGCHLD);
    // clone's exit signal: SIGCHLD, another signal, or none (0).
    const exitSignal = process.exitSignal ?? SIGCHLD;
    const autoReap = exitSignal === SIGCHLD && action !== undefined && (action.handler === SIG_IGN || (action.flags & SA_NOCLDWAIT) !== 0);
    // The parent does not want zombies: the child is reaped at once. A parent waiting
    // in wait4 is woken either way (it gets the child, or ECHILD once none is left).
    if (autoReap) this.emit({ type: 'ProcessReaped', pid: process.pid });
    this.notify(`wait:${parent.pid}`);
    // The signal goes after the wake, as on Linux; SA_NOCLDWAIT alone does not stop it, SIG_IGN does.
    if (exitSignal === 0 || (autoReap && action?.handler === SIG_IGN)) return;
    const sig = waitStatus & 0x7f;
    this.noteSignalSender(parent.pid, exitSignal, {
      code: sig === 0 ? CLD_EXITED : waitStatus & 0x80 ? CLD_DUMPED : CLD_KILLED,
      pid: process.pid,
      uid: process.creds.uid,
      status: sig === 0 ? (waitStatus >> 8) & 0xff : sig,
    });
    this.platform.signalProcess(parent.hostPid, exitSignal);
    if (exitSignal === SIGCHLD) this.sentSigchld(parent);
    else this.interruptSignalled(new Set([parent.pid]));
  }

  private end(waitStatus: number): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.idleSignalCheck);
    if (this.sandbox) this.platform.destroy(this.sandbox);
    this.host.releaseAll();
    this.vdso?.close();
    this.vdso = null;
    // Calls in flight when the sandbox ends die with it: recorded as never returning, like those
    // of threads an exit_group kills, so that replay --exec holds them there too (they were numbered).
    for (const tid of this.runtime.keys()) {
      const thread = this.state.threads.get(tid);
      if (thread) this.endedInCall(thread);
    }
    // Processes started by startProcess died with the sandbox.
    for (const exited of this.detachedExits.values()) exited(9);
    this.detachedExits.clear();
    if (this.bus.observed) this.bus.next({ type: 'exit', seq: this.seq, waitStatus });
    this.bus.complete();
    this.recordSink?.end(this.seq, waitStatus);
    this.finish?.(waitStatus);
  }

  /** Notes bytes a handler wrote into a thread's memory, for the syscall's record. */
  noteWrite(tid: number, addr: number, bytes: Uint8Array): void {
    const rt = this.runtime.get(tid);
    if (rt) (rt.writes ??= []).push({ addr, bytes: new Uint8Array(bytes) });
  }

  /** A C string a handler read (bytes: up to its NUL); the caller's own copy, kept as it is. */
  noteString(tid: number, addr: number, bytes: Uint8Array): void {
    const rt = this.runtime.get(tid);
    if (rt) (rt.strings ??= []).push({ addr, bytes });
  }

  private publishSyscall(thread: ThreadState, nr: number, args: readonly number[], result: number | 'noreturn'): void {
    const rt = this.runtime.get(thread.tid);
    const writes = rt?.writes;
    const strings = rt?.strings;
    const trappedAt = rt?.trappedAt;
    if (rt) {
      rt.writes = undefined;
      rt.strings = undefined;
      rt.trappedAt = undefined;
    }
    const trap = rt?.trap ?? this.seq;
    this.recordSink?.syscall(this.seq, trap, thread.pid, thread.tid, nr, args, result, writes, strings, trappedAt);
    if (!this.bus.observed) return;
    // One shape whatever is absent (spreading in the optional parts cost ~1.5 us a record).
    const record: SyscallRecord = { type: 'syscall', seq: this.seq, trap, pid: thread.pid, tid: thread.tid, nr, args, result, writes, strings, trappedAt };
    this.bus.next(record);
  }

  /** Has the host exec the stub binary again in place of the trapped execve or execveat (pathAddr: its path argument). */
  private execStub(thread: ThreadState, pathAddr: number): void {
    const EXECVEAT = 322;
    const AT_EMPTY_PATH = 0x1000;
    const STUB_FD = 3;
    // The program's own path string ends in a NUL byte: its address serves as "".
    const pathLen = this.platform.readCString(thread.hostTid, pathAddr, 4095);
    const emptyString = pathAddr + (pathLen instanceof Uint8Array ? pathLen.length : 0);
    this.platform.setSyscallArg(thread.hostTid, -1, EXECVEAT);
    [STUB_FD, emptyString, 0, 0, AT_EMPTY_PATH, 0].forEach((v, i) => this.platform.setSyscallArg(thread.hostTid, i, v));
    this.platform.allowOnHost(thread.hostTid, false);
  }

  private execRandom(tid: number): Uint8Array {
    const fresh = hostRandomFill(new Uint8Array(16));
    return this.source?.execRandom?.(tid, fresh) ?? fresh;
  }

  /** Loads a prepared image into the thread's (fresh) stub and starts it. */
  private startImage(thread: ThreadState, prepared: PreparedExec): void {
    const launch = this.prepareImage(thread, prepared);
    const tracing = this.tracing.size > 0 ? this.tracing.get(thread.tid) : undefined;
    if (tracing) this.execStops(thread, tracing, launch);
    else launch();
  }

  /**
   * A traced thread's exec, done, as its tracer sees it (Linux's order): PTRACE_EVENT_EXEC with
   * PTRACE_O_TRACEEXEC, the execve's syscall-exit stop, then without the option (and not seized)
   * the SIGTRAP Linux sends after an exec, at its signal-delivery stop; then the new image runs.
   */
  private execStops(thread: ThreadState, tracing: Tracing, launch: () => void): void {
    const rt = this.runtime.get(thread.tid)!;
    const sigtrap = () => {
      if (tracing.options & PTRACE_O_TRACEEXEC || tracing.seized || !this.tracing.has(thread.tid)) {
        launch();
        return;
      }
      const info = Buffer.alloc(128);
      info.writeInt32LE(SIGTRAP, 0);
      info.writeInt32LE(SI_USER, 8);
      this.holdTracee(thread, {
        why: 'signal', status: stoppedStatus(SIGTRAP), eventMsg: 0, siginfo: info,
        go: (sig) => {
          // A signal the tracer lets through is pending as the new image starts.
          if (sig !== 0) this.platform.signalThread(thread.hostTid, sig);
          launch();
        },
      });
    };
    const exit = () => {
      if (this.tracing.get(thread.tid)?.syscalls) this.exitStop(thread, rt, 0, sigtrap);
      else sigtrap();
    };
    if (tracing.options & PTRACE_O_TRACEEXEC) this.holdTracee(thread, { why: 'event', status: eventStopStatus(PTRACE_EVENT_EXEC), eventMsg: thread.tid, go: exit });
    else exit();
  }

  /** Loads the program's image into the thread's process; the function returned sets it going. */
  private prepareImage(thread: ThreadState, prepared: PreparedExec): () => void {
    const process = this.process(thread.pid);
    try {
      const creds = execCredentials(process, prepared.exe.owner);
      const image = loadImage(this.platform, thread.hostTid, prepared, creds, this.hostAux, this.execRandom(thread.tid), this.execVdso());
      this.closeFds(process, closeOnExec(process));
      detachAll(this, process);
      this.emit({
        type: 'ExecCompleted',
        pid: process.pid,
        exe: prepared.exe.path,
        argv: prepared.argv,
        envp: prepared.envp,
        comm: commOf(prepared.execfn),
        brkStart: image.brkStart,
        mappings: image.mappings,
        auxv: image.auxv,
        ...(creds === process.creds ? {} : { creds }),
      });
      return () => void this.platform.startAt(thread.hostTid, image.entry, image.sp);
    } catch (err) {
      // Past the point of no return, like a Linux exec that fails after flushing the old image.
      const message = err instanceof ExecError ? err.message : String(err);
      this.warn(`exec failed: ${message}`);
      return () => {
        this.platform.signalThread(thread.hostTid, 9);
        this.platform.resume(thread.hostTid, 0);
      };
    }
  }
}

function commOf(execfn: string): string {
  const base = execfn.slice(execfn.lastIndexOf('/') + 1);
  return truncateBytes(base, 15);
}

/**
 * Linux's defaults for a fresh login (8 MiB stack, no core files, 8 MiB of locked memory,
 * 800 KiB of message queues, no nice or real-time priority to raise to), with the sandbox's
 * limits (pending signals follow the tasks, as Linux sizes both from its thread count).
 */
function defaultRlimits(sandbox: KernelLimits): Array<[number, number, number]> {
  const INF = -1;
  const RLIMIT_AS = 9;
  const RLIMIT_STACK = 3;
  const RLIMIT_CORE = 4;
  const RLIMIT_NOFILE = 7;
  const RLIMIT_NPROC = 6;
  const RLIMIT_MEMLOCK = 8;
  const RLIMIT_SIGPENDING = 11;
  const RLIMIT_MSGQUEUE = 12;
  const RLIMIT_NICE = 13;
  const RLIMIT_RTPRIO = 14;
  const limits: Array<[number, number, number]> = [];
  for (let res = 0; res < 16; res++) limits.push([res, INF, INF]);
  limits[RLIMIT_STACK] = [RLIMIT_STACK, 8 * 1024 * 1024, INF];
  limits[RLIMIT_CORE] = [RLIMIT_CORE, 0, INF];
  limits[RLIMIT_NOFILE] = [RLIMIT_NOFILE, sandbox.fds, sandbox.fds];
  limits[RLIMIT_NPROC] = [RLIMIT_NPROC, sandbox.pids, sandbox.pids];
  limits[RLIMIT_MEMLOCK] = [RLIMIT_MEMLOCK, 8 * 1024 * 1024, 8 * 1024 * 1024];
  limits[RLIMIT_SIGPENDING] = [RLIMIT_SIGPENDING, sandbox.pids, sandbox.pids];
  limits[RLIMIT_MSGQUEUE] = [RLIMIT_MSGQUEUE, 819200, 819200];
  limits[RLIMIT_NICE] = [RLIMIT_NICE, 0, 0];
  limits[RLIMIT_RTPRIO] = [RLIMIT_RTPRIO, 0, 0];
  if (sandbox.memory !== null) limits[RLIMIT_AS] = [RLIMIT_AS, sandbox.memory, sandbox.memory];
  return limits;
}
