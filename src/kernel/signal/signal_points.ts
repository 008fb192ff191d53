// Signals at points a trace can name, while recording (--record) and in replay --exec.
//
// The host delivers a signal wherever its target thread happens to be when it arrives: between
// two instructions of its code, which no trace can name. Here a signal that would interrupt the
// program's code is taken at its delivery stop and held (its siginfo kept) until the thread's
// next syscall trap, where it is sent again, pending as the call begins, as a signal that came at
// that moment is on Linux: a call that would block ends with EINTR (or is made again after the
// handler, under SA_RESTART), any other completes, and the handler runs as the thread goes back
// to its code: a point at that call's return. (Delivering it before the call instead, a point
// Linux may give too, put the handler between a program's check of the flag it sets and the
// blocking call that follows, every time: rsync's receiver then waited 60 s in poll for the
// SIGUSR2 that ends it.) Before an exec, an exit or a fork the handler still runs first, as a
// signal pending then does on Linux (a fork is made again after it). A signal pending when the
// thread goes back to its code from a call (sent before the kernel answered, or the cause of the
// call's interruption) is delivered there, as Linux does. Either point is published on the bus
// ('signal' records), and replay --exec delivers each signal at its recorded point: it holds
// every signal until then, and holds the thread at that point (its return from the call, or its
// trap) until the host has the signal for it (sent by another process, a child's exit, a timer),
// so that it takes effect there and not later in the thread's code. A recorded SIGCHLD is not
// released before the child exit that sent it has happened in the replay (see
// ThreadSignals.early): one held from another child's exit would otherwise stand in for it. A
// thread that waits so goes on without the signal after SIGNAL_PATIENCE_MS while nothing else
// in the sandbox runs, or SIGNAL_WAIT_LIMIT_MS in any case (the kernel asks, see giveUpWait).
//
// A thread that makes no syscall (a busy loop) still gets its signals: once OVERDUE_MS have
// passed since the first was held, or it has used OVERDUE_CPU_TICKS of CPU since the first check
// after that (at most OVERDUE_CHECK_MS later: most held signals are sent again at the thread's
// next trap, before any check, and reading /proc at every hold cost more than the rest of it),
// they are sent again and delivered wherever it is, published as 'anywhere' (not reproducible).
//
// Without a recording or a replay none of this runs: the host delivers at once.
import type { Platform } from '../../platform/platform.js';
import type { Stop } from '../../platform/stops.js';
import { cpuTicks } from '../host_thread_cpu.js';
import type { KernelState, ProcessState, ThreadState } from '../state.js';
import { SYS } from '../syscalls/numbers.js';
import { hostBlockedSignals, hostPendingSignals } from './host_pending.js';
import type { WaitMasks } from './wait_mask.js';

/** Where a signal took effect in its thread. */
export type SignalPoint =
  /** Before the thread's next call was handled (the thread makes it again after the handler). */
  | { at: 'call' }
  /** As the thread went back to its code from call `trap` (completed, or interrupted by the signal). */
  | { at: 'return'; trap: number }
  /** Wherever the thread was: it made no syscall within the bounded wait (not reproducible). */
  | { at: 'anywhere' };

/** What this needs of the kernel. */
export interface SignalPointsHost {
  readonly platform: Platform;
  readonly state: KernelState;
  /** Publishes a delivery on the bus. */
  publishSignal(tid: number, sig: number, point: SignalPoint): void;
  /** Resumes a thread from its signal-delivery stop, delivering sig. */
  resumeWithSignal(thread: ThreadState, sig: number): void;
  readonly waitMasks: WaitMasks;
}

/** A recorded signal a replay delivers at its point. */
export interface TakenSignal {
  sig: number;
  /**
   * What must have happened in the replay before it takes effect: for a SIGCHLD, the last
   * process exit recorded before it (the one that sent it, or one after it, merged with it).
   */
  cause?: { readonly done: boolean };
}

/** Replay's answers: where the recording says each signal took effect. */
export interface RecordedSignals {
  /**
   * The signals recorded as delivered to tid at this point (taken): before a call, one (the
   * next recorded); at a return, all; anywhere, those that are sig.
   */
  take(tid: number, point: SignalPoint, sig?: number): TakenSignal[];
  /** The signal recorded as delivered before tid's next call, left for take (undefined: none). */
  beforeNextCall(tid: number): number | undefined;
  /** The signals recorded as delivered at the return from tid's next call that they interrupted, left for take. */
  atNextReturn(tid: number): TakenSignal[];
}

interface HeldSignal {
  sig: number;
  /** Its siginfo as the program must see it. */
  info: Uint8Array | null;
}

interface ThreadSignals {
  tid: number;
  held: HeldSignal[];
  /** When the first of held was held (Date.now()), and the thread's CPU ticks at the first overdue check since (-1: none yet). */
  heldSince: number;
  cpuSince: number;
  /** Signals the host is to deliver at the next delivery stop: their siginfo, or null for the host's own. */
  letThrough: Map<number, Uint8Array | null>;
  /** Recording: signals made pending as a call began, whose point is published where they take effect. */
  atEntry: Set<number>;
  /** Signals were made pending as its current call began (see releasedAtTrap). */
  releasedAtTrap: boolean;
  /** Where the thread last went back to its code from a call. */
  back?: { rip: number; rsp: number; nr: number; trap: number; tick: number };
  /** Replay: the signals recorded at the return it is at, which the host must have before it goes back. */
  due: number[];
  /**
   * Replay: signals recorded at its return (or at that of the call it is parked in, which they
   * interrupted) whose cause has not happened in the replay yet: released once it has (see
   * releaseCaused). A SIGCHLD held from another child's exit, made pending early, would end a
   * parked sigsuspend before the child it reports had exited, and the shell's wait4(WNOHANG)
   * after it would find no child.
   */
  early: TakenSignal[];
  /** Replay: since when (Date.now()) it waits at its point for a recorded signal the host does not have yet. */
  waitingSince?: number;
  /** Replay: its next call goes on without waiting for the signal recorded before it (given up). */
  callWaitGivenUp?: boolean;
}

const SIGKILL = 9;
const SIGCONT = 18;
const SIG_IGN = 1;
/** Faults of the thread's own instructions (with si_code > 0): delivered where they happen. */
const SYNCHRONOUS: ReadonlySet<number> = new Set([4, 5, 7, 8, 11, 31]);
/** Job control (stops and SIGCONT) keeps the host's timing. */
const JOB_CONTROL: ReadonlySet<number> = new Set([19, 20, 21, 22, SIGCONT]);
/** Signals whose default action is to do nothing. */
const DEFAULT_IGNORED: ReadonlySet<number> = new Set([17, 23, 28]);
/** The bounded wait for a thread that makes no syscall: CPU time (clock ticks, 10 ms)... */
const OVERDUE_CPU_TICKS = 5;
/** ...or time at all (a thread blocked in a call the host makes untrapped, a futex). */
const OVERDUE_MS = 1000;
const OVERDUE_CHECK_MS = 20;
/**
 * Replay: how long a thread waits at its recorded point for a signal while nothing else in the
 * sandbox runs (the signal may yet come from a host timer; if not, the replay has gone another way).
 */
const SIGNAL_PATIENCE_MS = 1000;
/**
 * Replay: how long it waits at all (other threads may spin in their code for it, which the
 * kernel cannot tell from work). A recorded signal comes from something that happened while
 * the call was made, so that the wait is short when the replay follows the recording.
 */
const SIGNAL_WAIT_LIMIT_MS = 10_000;
/** Calls before which a held signal's handler runs (in the image or process the call ends; a fork is made again after it). */
const DELIVERED_BEFORE: ReadonlySet<number> = new Set([
  SYS.execve, SYS.execveat, SYS.exit, SYS.exit_group, SYS.fork, SYS.vfork, SYS.clone, SYS.clone3,
]);

const NOTHING_HELD: readonly HeldSignal[] = [];
const NOT_WAITING: { readonly tid?: number; readonly waiting: boolean } = Object.freeze({ waiting: false });

export class SignalPoints {
  private readonly threads = new Map<number, ThreadSignals>();
  /** Orders sends against returns (see atReturn). */
  private tick = 0;
  /** The tick of the kernel's last send to each process. */
  private readonly sentAt = new Map<number, number>();
  /**
   * Replay: by process and signal ("pid:sig"), how many the kernel sent that no delivery stop has
   * shown yet: pending on the host, or merged there with another of their number.
   */
  private readonly unseen = new Map<string, number>();
  /** Threads holding signals. */
  private readonly holding = new Set<ThreadSignals>();
  /** When deliverOverdue last looked (it reads /proc: at most once per OVERDUE_CHECK_MS). */
  private checkedAt = 0;
  /** Replay: threads waiting at their point for a recorded signal (see mayGoBack, mayCall). */
  private readonly waiting = new Set<ThreadSignals>();
  /** Replay: threads with signals waiting for their cause (see ThreadSignals.early). */
  private readonly early = new Set<ThreadSignals>();

  constructor(
    private readonly kernel: SignalPointsHost,
    /** Set in replay --exec: signals go where the recording says; unset when recording. */
    private readonly recorded?: RecordedSignals,
  ) {}

  /** The kernel is sending signal sig to process pid. */
  sent(pid: number, sig: number): void {
    this.sentAt.set(pid, ++this.tick);
    if (this.recorded) this.unseen.set(`${pid}:${sig}`, (this.unseen.get(`${pid}:${sig}`) ?? 0) + 1);
  }

  /**
   * Replay, for a thread that has waited at its point for sigs as long as giveUpWait allows:
   * whether the host merged them with others of their number (sent by the kernel, pending on
   * the host, then delivered once where the recording had two deliveries: one held by the
   * kernel, one pending on the host; bash's SIGCHLD handler ran once less). If so they are sent
   * again, and the thread gets them at its point. Only then: a count left over (a signal taken
   * without a delivery stop) must not send one before its cause, which would add a delivery.
   */
  private resendMerged(thread: ThreadState, sigs: readonly number[]): boolean {
    const process = this.kernel.state.processes.get(thread.pid);
    if (!process || sigs.length === 0) return false;
    const pending = hostPendingSignals(process.hostPid, thread.hostTid);
    const missing = sigs.filter((sig) => (pending & (1n << BigInt(sig - 1))) === 0n);
    if (!missing.every((sig) => sig < 32 && (this.unseen.get(`${thread.pid}:${sig}`) ?? 0) > 0)) return false;
    const ts = this.of(thread);
    for (const sig of missing) {
      if (!ts.letThrough.has(sig)) ts.letThrough.set(sig, null);
      this.kernel.platform.signalThread(thread.hostTid, sig);
    }
    return true;
  }

  /** Replay: a delivery stop has shown a signal the kernel sent (see unseen). */
  private seen(pid: number, sig: number): void {
    const key = `${pid}:${sig}`;
    const n = this.unseen.get(key) ?? 0;
    if (n > 1) this.unseen.set(key, n - 1);
    else this.unseen.delete(key);
  }

  /**
   * The thread goes back to its code from call `trap` (syscall nr, trapped at rip with stack
   * rsp; for a call made again after a handler, rip is its syscall instruction's).
   */
  returning(thread: ThreadState, trap: number, nr: number, rip: number, rsp: number): void {
    const ts = this.of(thread);
    // Updated in place: a return at every recorded call (nothing keeps an earlier one).
    const back = ts.back;
    if (back === undefined) {
      ts.back = { rip, rsp, nr, trap, tick: ++this.tick };
    } else {
      back.rip = rip;
      back.rsp = rsp;
      back.nr = nr;
      back.trap = trap;
      back.tick = ++this.tick;
    }
    if (!this.recorded) return;
    this.stopsWaiting(ts);
    const taken = this.recorded.take(thread.tid, { at: 'return', trap });
    // Those taken at the call's trap and not released yet are taken again here.
    ts.early = [];
    ts.due = [];
    for (const signal of taken) {
      ts.due.push(signal.sig);
      if (signal.cause?.done === false) ts.early.push(signal);
      else this.release(ts, signal.sig);
    }
    if (ts.early.length > 0) this.early.add(ts);
    else this.early.delete(ts);
  }

  /**
   * The thread, stopped as it went back from its call, entered a signal handler (at rip, its
   * frame at rsp) without running an instruction of its own: a signal stop there is still at
   * that return (a second signal delivered at once, as Linux does, not held for the next trap).
   * Known only where the kernel stops a thread at a handler's entry (signal/wait_mask.ts).
   */
  enteredHandler(thread: ThreadState, rip: number, rsp: number): void {
    const back = this.threads.get(thread.tid)?.back;
    if (!back) return;
    back.rip = rip;
    back.rsp = rsp;
  }

  /**
   * Replay: whether the thread may go back to its code from the call it returns from (see
   * returning): the host has every signal recorded at that return for it (pending), so that they
   * take effect there. False: the kernel keeps it stopped and asks again after other stops.
   */
  mayGoBack(thread: ThreadState): boolean {
    const ts = this.threads.get(thread.tid);
    if (!ts || ts.due.length === 0) return true;
    if (ts.early.length > 0 || !this.hostHas(thread, ts.due)) return this.waits(ts);
    ts.due = [];
    this.stopsWaiting(ts);
    return true;
  }

  /**
   * Replay: whether the thread's new call may be handled as far as signals go: the signal
   * recorded before it, if any, is held here or pending on the host (beforeCall delivers it).
   * False: the kernel holds the trap and asks again after other stops.
   */
  mayCall(thread: ThreadState): boolean {
    const sig = this.recorded?.beforeNextCall(thread.tid);
    if (sig === undefined) return true;
    const ts = this.of(thread);
    if (ts.callWaitGivenUp || ts.held.some((h) => h.sig === sig) || this.hostHas(thread, [sig])) {
      this.stopsWaiting(ts);
      return true;
    }
    return this.waits(ts);
  }

  /**
   * Replay: the thread that has waited longest for a recorded signal (mayGoBack, mayCall) goes
   * on without it once it has waited SIGNAL_PATIENCE_MS while every thread of the sandbox is
   * held, parked or blocked in the host (stalled), or SIGNAL_WAIT_LIMIT_MS in any case; its
   * signal is published as taking effect 'anywhere' (where the host delivers it, if it comes).
   * Its tid, or undefined when none has waited that long; waiting: whether some thread waits for
   * a signal at all.
   */
  giveUpWait(stalled: boolean): { tid?: number; waiting: boolean } {
    // Asked after every stop: nothing made, and no clock read, when no thread waits (always,
    // when recording).
    if (this.waiting.size === 0) return NOT_WAITING;
    const now = Date.now();
    let longest: ThreadSignals | undefined;
    for (const ts of this.waiting) if (!longest || ts.waitingSince! < longest.waitingSince!) longest = ts;
    if (!longest) return { waiting: false };
    if (now - longest.waitingSince! < (stalled ? SIGNAL_PATIENCE_MS : SIGNAL_WAIT_LIMIT_MS)) return { waiting: true };
    if (longest.early.length > 0) {
      // Signals waiting for their cause go without it (releaseCaused, next).
      this.stopsWaiting(longest);
      longest.early = longest.early.map(({ sig }) => ({ sig }));
      return { tid: longest.tid, waiting: true };
    }
    const thread = this.kernel.state.threads.get(longest.tid);
    const atCall = this.recorded?.beforeNextCall(longest.tid);
    const sigs = longest.due.length > 0 ? longest.due : atCall === undefined ? [] : [atCall];
    if (thread && this.resendMerged(thread, sigs)) {
      this.stopsWaiting(longest);
      return { tid: longest.tid, waiting: true };
    }
    this.stopsWaiting(longest);
    if (longest.due.length > 0) {
      for (const sig of longest.due) this.kernel.publishSignal(longest.tid, sig, { at: 'anywhere' });
      longest.due = [];
    } else {
      longest.callWaitGivenUp = true;
    }
    return { tid: longest.tid, waiting: true };
  }

  /**
   * At a new syscall trap (call nr): delivers the signal due before it (held while recording,
   * before the calls of DELIVERED_BEFORE; the recorded one in a replay). True when it did: the
   * call is trapped again after the handler, where the next one may be delivered (one a trap, so
   * that a replay knows which). Otherwise the held signals due at its return are made pending
   * now (see the top of this file and releasedAtTrap).
   */
  beforeCall(thread: ThreadState, nr: number): boolean {
    const mine = this.threads.get(thread.tid);
    if (mine) mine.releasedAtTrap = false;
    // Looked at on every trap while recording: no array made when nothing is held.
    const held = mine?.held ?? NOTHING_HELD;
    if (!this.recorded && held.length > 0 && !DELIVERED_BEFORE.has(nr) && !this.blocksAny(thread, held)) {
      const ts = this.of(thread);
      for (const { sig } of [...held]) {
        ts.atEntry.add(sig);
        this.release(ts, sig);
      }
      ts.releasedAtTrap = true;
      return false;
    }
    const sig = this.recorded ? this.recorded.take(thread.tid, { at: 'call' })[0]?.sig : held[0]?.sig;
    if (sig === undefined) {
      if (this.recorded && held.length > 0) this.releaseDueAtReturn(thread);
      return false;
    }
    const ts = this.of(thread);
    this.stopsWaiting(ts);
    if (!this.recorded) this.kernel.publishSignal(thread.tid, sig, { at: 'call' });
    else if (ts.callWaitGivenUp) {
      delete ts.callWaitGivenUp;
      this.kernel.publishSignal(thread.tid, sig, { at: 'anywhere' });
    }
    this.release(ts, sig);
    this.kernel.platform.restartSyscall(thread.hostTid);
    return true;
  }

  /**
   * Whether the thread now blocks one of its held signals (it blocked it, untrapped, since the
   * signal came): such a signal takes effect where the program unblocks it, the same place in a
   * replay, so it is sent before the call as before an exec (a point a replay knows), not made
   * pending at the call's entry (whose return is not where it would take effect).
   */
  private blocksAny(thread: ThreadState, held: readonly HeldSignal[]): boolean {
    const process = this.kernel.state.processes.get(thread.pid);
    if (!process) return false;
    const blocked = hostBlockedSignals(process.hostPid, thread.hostTid);
    return held.some((h) => (blocked & (1n << BigInt(h.sig - 1))) !== 0n);
  }

  /**
   * Replay: the held signals the recording has interrupting the call now trapped are made pending
   * as it begins, as they were when recorded, so that the call is interrupted again. (Signals at
   * the return from a call that completed stay held until then: made pending as it began, one
   * that came early, a child's SIGCHLD before the kernel has seen the child's exit, would make
   * its wait4 end with EINTR.) One whose cause has not happened yet waits for it (see early):
   * the call parks meanwhile, and the thread waits as at a point (see giveUpWait).
   */
  private releaseDueAtReturn(thread: ThreadState): void {
    const due = this.recorded!.atNextReturn(thread.tid);
    const ts = this.of(thread);
    // Trapped again (made again after a handler): what waited for its cause is looked at anew.
    ts.early = [];
    for (const signal of due) {
      if (!ts.held.some((h) => h.sig === signal.sig)) continue;
      if (signal.cause?.done === false) {
        ts.early.push(signal);
        continue;
      }
      this.release(ts, signal.sig);
      ts.releasedAtTrap = true;
    }
    if (ts.early.length === 0) return;
    this.early.add(ts);
    this.waits(ts);
  }

  /**
   * Replay: releases the signals whose cause has now happened (see ThreadSignals.early). The
   * processes of threads that got some (undefined: none), whose parked calls the kernel then
   * lets the signals interrupt.
   */
  releaseCaused(): Set<number> | undefined {
    // Asked after every stop: nothing made when no signal waits for its cause (always, when recording).
    if (this.early.size === 0) return undefined;
    let pids: Set<number> | undefined;
    for (const ts of [...this.early]) {
      if (ts.early.some((signal) => signal.cause?.done === false)) continue;
      const thread = this.kernel.state.threads.get(ts.tid);
      // At a return, mayGoBack waits on for the host to have them; a parked call no longer waits.
      if (ts.due.length === 0) this.stopsWaiting(ts);
      this.early.delete(ts);
      const signals = ts.early;
      ts.early = [];
      for (const { sig } of signals) this.release(ts, sig);
      if (thread) (pids ??= new Set()).add(thread.pid);
    }
    return pids;
  }

  /**
   * Whether signals were made pending as the thread's current call began (then taken): a call
   * that parks must look for them at once, as the host will not stop the thread for them.
   */
  releasedAtTrap(thread: ThreadState): boolean {
    const ts = this.threads.get(thread.tid);
    if (!ts?.releasedAtTrap) return false;
    ts.releasedAtTrap = false;
    return true;
  }

  /**
   * At a signal-delivery stop, before the kernel names the sender: a signal sent again at its
   * point gets its siginfo back and goes on. True when this resumed the thread.
   */
  redelivers(thread: ThreadState, stop: Stop): boolean {
    const ts = this.threads.get(thread.tid);
    const info = ts?.letThrough.get(stop.value);
    if (!info) return false;
    ts!.letThrough.delete(stop.value);
    this.publishAtEntry(ts!, stop);
    this.kernel.platform.putSiginfo(thread.hostTid, info);
    this.kernel.resumeWithSignal(thread, stop.value);
    return true;
  }

  /**
   * At a signal-delivery stop, once the siginfo names the sender: whether the signal is held for
   * later (the thread then goes on without it). False: it is delivered now.
   */
  holds(thread: ThreadState, stop: Stop): boolean {
    const sig = stop.value;
    if (this.recorded) this.seen(thread.pid, sig);
    const ts = this.threads.get(thread.tid);
    if (ts?.letThrough.delete(sig)) {
      this.publishAtEntry(ts, stop);
      return false;
    }
    const process = this.kernel.state.processes.get(thread.pid);
    if (!process || !this.deferrable(process, sig, stop.extra)) return false;
    if (this.recorded) {
      if (this.recorded.take(thread.tid, { at: 'anywhere' }, sig).length > 0) return false;
    } else if (ts && this.atReturn(ts, stop)) {
      this.kernel.publishSignal(thread.tid, sig, { at: 'return', trap: ts.back!.trap });
      return false;
    }
    const mine = this.of(thread);
    // A standard signal already held merges with it, as a pending one would; not in a replay,
    // where each recorded point takes one (the recording may have had them apart: one pending
    // for the thread, one for the process), and one no point takes stays held, merged so.
    if (sig >= 32 || this.recorded || !mine.held.some((h) => h.sig === sig)) {
      if (mine.held.length === 0) {
        mine.heldSince = Date.now();
        mine.cpuSince = -1;
        this.holding.add(mine);
      }
      mine.held.push({ sig, info: this.kernel.platform.takeSiginfo(thread.hostTid) });
    }
    this.kernel.platform.resume(thread.hostTid, 0);
    return true;
  }

  /** Delivers where they are the signals of threads that made no syscall within the bounded wait. */
  deliverOverdue(): void {
    if (this.holding.size === 0) return;
    const now = Date.now();
    if (now - this.checkedAt < OVERDUE_CHECK_MS) return;
    this.checkedAt = now;
    for (const ts of [...this.holding]) {
      const thread = this.kernel.state.threads.get(ts.tid);
      const process = thread && this.kernel.state.processes.get(thread.pid);
      if (!thread || !process) continue;
      if (now - ts.heldSince < OVERDUE_MS) {
        const cpu = cpuTicks(process.hostPid, thread.hostTid);
        if (ts.cpuSince < 0) ts.cpuSince = cpu;
        if (cpu - ts.cpuSince < OVERDUE_CPU_TICKS) continue;
      }
      for (const { sig } of [...ts.held]) {
        this.kernel.publishSignal(ts.tid, sig, { at: 'anywhere' });
        this.release(ts, sig);
      }
    }
  }

  /** Each thread's held and let-through signals (for the kernel's debug summary). */
  summary(): string {
    const parts: string[] = [];
    for (const ts of this.threads.values()) {
      if (ts.held.length === 0 && ts.letThrough.size === 0) continue;
      parts.push(`${ts.tid}(held ${ts.held.map((h) => h.sig).join(',')}; let through ${[...ts.letThrough.keys()].join(',')})`);
    }
    return parts.join(' ');
  }

  /** The thread has ended. */
  forget(tid: number): void {
    const ts = this.threads.get(tid);
    if (ts) {
      this.holding.delete(ts);
      this.waiting.delete(ts);
      this.early.delete(ts);
    }
    this.threads.delete(tid);
  }

  /**
   * Whether the signal stop is the thread's return from its last call with the signal already
   * pending then: it is where it went back (no instruction run since), returning from no host
   * call or from that one, and the kernel sent the process nothing since. Back from a wait whose
   * mask still stands (a signal ended it, signal/wait_mask.ts), whatever was sent: there, under
   * that mask, is where Linux delivers it (held, it would wait for the caller's mask, which may
   * block it).
   */
  private atReturn(ts: ThreadSignals, stop: Stop): boolean {
    const back = ts.back;
    if (!back || stop.rip !== back.rip || stop.rsp !== back.rsp) return false;
    const from = stop.args[0];
    if (from !== -1 && from !== back.nr) return false;
    const thread = this.kernel.state.threads.get(ts.tid);
    if (thread === undefined) return false;
    return (this.sentAt.get(thread.pid) ?? 0) < back.tick || this.kernel.waitMasks.saved(ts.tid) !== undefined;
  }

  /**
   * Recording: a signal made pending as a call began takes effect: at that call's return (or a
   * later one's, had the program blocked it meanwhile), else wherever the thread is.
   */
  private publishAtEntry(ts: ThreadSignals, stop: Stop): void {
    if (!ts.atEntry.delete(stop.value)) return;
    const back = ts.back;
    const atBack = back !== undefined && stop.rip === back.rip && stop.rsp === back.rsp;
    this.kernel.publishSignal(ts.tid, stop.value, atBack ? { at: 'return', trap: back.trap } : { at: 'anywhere' });
  }

  /** Whether the host has each of sigs pending for the thread (its own or its process's). */
  private hostHas(thread: ThreadState, sigs: readonly number[]): boolean {
    const process = this.kernel.state.processes.get(thread.pid);
    if (!process) return true;
    const pending = hostPendingSignals(process.hostPid, thread.hostTid);
    return sigs.every((sig) => (pending & (1n << BigInt(sig - 1))) !== 0n);
  }

  /** The thread waits at its point for a signal (see giveUpWait): false, for mayGoBack and mayCall. */
  private waits(ts: ThreadSignals): false {
    ts.waitingSince ??= Date.now();
    this.waiting.add(ts);
    return false;
  }

  private stopsWaiting(ts: ThreadSignals): void {
    delete ts.waitingSince;
    this.waiting.delete(ts);
  }

  /** Signals that take effect where they arrive: faults, SIGKILL, job control, and those the process ignores. */
  private deferrable(process: ProcessState, sig: number, code: number): boolean {
    if ((SYNCHRONOUS.has(sig) && code > 0) || sig === SIGKILL || JOB_CONTROL.has(sig)) return false;
    const handler = process.sigactions.get(sig)?.handler ?? 0;
    return handler !== SIG_IGN && !(handler === 0 && DEFAULT_IGNORED.has(sig));
  }

  /** Has the host deliver sig to the thread at its next delivery stop (sent again if it was held). */
  private release(ts: ThreadSignals, sig: number): void {
    const i = ts.held.findIndex((h) => h.sig === sig);
    if (i < 0) {
      // Not seen yet: pending on the host, or on its way (or sent again already, siginfo kept).
      if (!ts.letThrough.has(sig)) ts.letThrough.set(sig, null);
      return;
    }
    const [held] = ts.held.splice(i, 1);
    if (ts.held.length === 0) this.holding.delete(ts);
    ts.letThrough.set(sig, held!.info);
    const thread = this.kernel.state.threads.get(ts.tid);
    if (thread) this.kernel.platform.signalThread(thread.hostTid, sig);
  }

  private of(thread: ThreadState): ThreadSignals {
    let ts = this.threads.get(thread.tid);
    if (!ts) this.threads.set(thread.tid, (ts = { tid: thread.tid, held: [], heldSince: 0, cpuSince: 0, letThrough: new Map(), atEntry: new Set(), releasedAtTrap: false, due: [], early: [] }));
    return ts;
  }
}
