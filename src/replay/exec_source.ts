// replay --exec's hook in the kernel: at each trapped syscall, match it with the thread's next
// recorded call, stop at the first divergence (or at --stop-at), answer what came from outside
// from the recording (outside_calls.ts) and let the kernel perform the rest, whose results must
// then equal the recorded ones. What reaches the program without a syscall (AT_RANDOM, rdtsc and
// rdtscp) is given back as recorded too.
//
// The order across threads is the recorded one (format 6 on): a thread's new syscall is handled
// only once every call recorded as begun before it has begun in the replay (calls are numbered
// as they begin, the record's trap) and every milestone recorded before it (every completion and
// thread exit with a lower seq) has happened; a thread's exit is handled only once the calls
// recorded as begun before it have begun and every milestone before it in the file has happened;
// so is the host's report of a clone's new thread or process (the kernel numbers it then).
// Until then the kernel holds the thread where it stopped. ("Begun before it": at least as many
// calls have begun as had in the recording, so that a turn given out of order, see unstall, does
// not hold every later call for ever.)
//
// Signals take effect where the recording says (format 7 on, kernel/signal/signal_points.ts):
// before a call, whose trap then waits for the turn of the delivery, or at a return from one,
// and a SIGCHLD only once the exits recorded before it have happened. A wait4 or waitid the
// recording has reporting a child's exit is never let go out of its turn before that exit (see
// unstall).
import type { RecordedSignals, SignalPoint, TakenSignal } from '../kernel/signal/signal_points.js';
import type { HeldStop, Kernel, KernelRecord, SyscallSource } from '../kernel/kernel.js';
import type { SyscallContext } from '../kernel/syscalls/context.js';
import { pending, type Outcome } from '../kernel/syscalls/outcome.js';
import { SYS } from '../kernel/syscalls/numbers.js';
import { describeSyscall } from '../trace/strace_printer.js';
import type { SyscallRecord } from '../trace/trace_schema.js';
import { callDifference, diedInCall } from './call_match.js';
import { clockOf, isClockRead, isInterruptedSleep, sameClock, writeAgain } from './clock_reads.js';
import { divergenceReport, registerLines, type Divergence } from './divergence.js';
import { fromOutside, replayedEvents } from './outside_calls.js';
import { reversedWrite, writtenFile, type OutOfTurnWrite } from './out_of_turn.js';
import { interruptedCall, type Milestone, type RecordedCall, type RecordedRun } from './recorded_run.js';
import { reportState, STATE_PARTS } from './state_report.js';
import { syscallText } from '../trace/syscall_text.js';

const LAST_MATCHED = 5;
/** How long a sleep recorded as interrupted waits for its signal before it ends without one. */
const SLEEP_SIGNAL_LIMIT_MS = 10_000;
/** How often the order may be relaxed before the replay gives up (a crawl is no replay). */
const MAX_RELAXED = 50;
/** How long a stall may wait for a child's exit that a held wait4 reaps in the recording (see unstall). */
const CHILD_EXIT_WAIT_LIMIT_MS = 10_000;

export type ReplayVerdict =
  /**
   * relaxed: how many times a held thread went on out of its turn (see unstall); unplaced: how
   * many signals took effect where the host delivered them, in the recording or the replay.
   */
  | { kind: 'matched'; calls: number; answered: number; relaxed: number; unplaced: number }
  | { kind: 'diverged'; lines: string[] }
  | { kind: 'stopped'; lines: string[] };

/** siginfo_t's si_pid, as waitid writes it. */
const SI_PID_OFFSET = 16;

/** The child a recorded wait4 or waitid reported (wait4's result; waitid's si_pid), if any. */
function reportedChild(record: SyscallRecord): number | undefined {
  if (typeof record.result !== 'number' || record.result < 0) return undefined;
  if (record.nr === SYS.wait4) return record.result > 0 ? record.result : undefined;
  const info = record.writes.find((w) => w.addr === record.args[2] && w.bytes.length >= SI_PID_OFFSET + 4);
  const pid = info && Buffer.from(info.bytes.buffer, info.bytes.byteOffset, info.bytes.byteLength).readInt32LE(SI_PID_OFFSET);
  return pid !== undefined && pid > 0 ? pid : undefined;
}

export class ExecReplaySource implements SyscallSource {
  /** The call each thread is in, matched at its trap, until its record comes out on the bus. */
  private readonly inFlight = new Map<number, RecordedCall>();
  private readonly lastMatched: SyscallRecord[] = [];
  private calls = 0;
  private answered = 0;
  private relaxed = 0;
  private unplaced = 0;
  readonly signalPoints: 'replay' | undefined;
  /** Calls the replay made beyond the recorded ones, less recorded ones it did not make (clock reads). */
  private shift = 0;
  /** Each thread's last recorded read of each clock (see clock_reads.ts). */
  private readonly lastClockRead = new Map<string, SyscallRecord>();
  /** Set once the replay must end (divergence or --stop-at). */
  private verdict: ReplayVerdict | undefined;
  /** A result that differed, found when the call completed: reported at the next trap. */
  private late: Divergence | undefined;
  /** The thread unstall let go out of its turn, until its call is matched. */
  private releasing: number | undefined;
  /** Writes that went out of their turn (see out_of_turn.ts); at most MAX_RELAXED. */
  private readonly wentFirst: OutOfTurnWrite[] = [];
  /** Since when (Date.now()) stalls have passed over held wait4s whose child has not exited yet (see unstall). */
  private waitingForExitSince: number | undefined;

  constructor(
    private readonly kernel: Kernel,
    private readonly recorded: RecordedRun,
    private readonly stopAt: number | undefined,
    /** Whether the trace has AT_RANDOM records (format version 2 on). */
    private readonly hasRandoms: boolean,
    /** Whether the trace has rdtsc records (format version 5 on). */
    private readonly hasCounters: boolean,
    /** Whether the trace numbers calls as they began (format version 6 on): the order is kept. */
    private readonly ordered: boolean,
    /** Whether the trace says where signals took effect (format version 7 on). */
    signalsPlaced = false,
  ) {
    kernel.bus.subscribe((r) => this.onRecord(r));
    this.signalPoints = signalsPlaced ? 'replay' : undefined;
  }

  readonly recordedSignals: RecordedSignals = {
    take: (tid: number, point: SignalPoint, sig?: number): TakenSignal[] => {
      const signals = this.recorded.takeSignals(tid, point, sig);
      if (point.at === 'anywhere') this.unplaced += signals.length;
      return signals;
    },
    beforeNextCall: (tid: number): number | undefined => this.recorded.signalAtCall(tid)?.sig,
    atNextReturn: (tid: number): TakenSignal[] => this.recorded.signalsAtNextReturn(tid),
  };

  answer(ctx: SyscallContext): Outcome | undefined {
    if (this.verdict) return this.halt();
    const tid = ctx.thread.tid;
    const who = `${ctx.process.pid}/${tid}`;
    const now = () => describeSyscall(this.kernel, { tid, nr: ctx.nr, args: ctx.args, result: 'pending' });
    if (this.late) return this.diverge({ ...this.late });
    // A second trap with no record of the first: the call was restarted after a signal handler.
    const call = this.inFlight.get(tid) ?? this.takeExpected(tid, ctx.nr, ctx.args);
    if (!call && isClockRead(ctx.nr)) return this.extraClockRead(ctx);
    if (!call) return this.diverge({ who, now: now(), why: 'the program makes a syscall the recording does not have' });
    this.inFlight.set(tid, call);
    if (isClockRead(ctx.nr)) this.lastClockRead.set(`${tid}:${clockOf(ctx.nr, ctx.args)}`, call.record);
    const why = callDifference(ctx, call.record);
    if (why !== undefined) return this.diverge({ expected: call.record, who, now: now(), why });
    const reversed = this.reversedWrite(ctx, call.record);
    if (reversed) {
      const why = `this write was recorded before the one of seq ${reversed.seq} to the same file, which went first in the replay, out of its turn (the threads waited on each other outside the kernel)`;
      return this.diverge({ expected: call.record, who, now: now(), why });
    }
    if (this.stopAt !== undefined && call.record.seq >= this.stopAt) return this.stop(ctx, call.record);
    if (isInterruptedSleep(call.record)) return this.sleepUntilSignalled(ctx);
    if (!fromOutside(ctx) || typeof call.record.result !== 'number') return undefined;
    if (isClockRead(ctx.nr)) writeAgain(ctx, call.record);
    else for (const w of call.record.writes) ctx.write(w.addr, w.bytes);
    for (const e of replayedEvents(ctx, call.events)) ctx.emit(e);
    this.answered++;
    return call.record.result;
  }

  /**
   * The write gone out of its turn this one, recorded before it to the same file, now comes
   * after (see out_of_turn.ts); a write of the thread let go out of its turn is remembered.
   */
  private reversedWrite(ctx: SyscallContext, record: SyscallRecord): OutOfTurnWrite | undefined {
    const outOfTurn = this.releasing === ctx.thread.tid;
    if (outOfTurn) this.releasing = undefined;
    const fileId = writtenFile(this.kernel.state, ctx.process.pid, ctx.nr, ctx.args);
    if (record.trap === undefined || fileId === undefined) return undefined;
    if (outOfTurn) this.wentFirst.push({ trap: record.trap, seq: record.seq, fileId });
    return reversedWrite(this.wentFirst, record.trap, fileId);
  }

  /**
   * A sleep a signal interrupted when recorded: parked with no wake-up of its own, until a signal
   * interrupts it (see isInterruptedSleep); after SLEEP_SIGNAL_LIMIT_MS without one it ends as a
   * sleep does (result 0, then reported as another result than the recorded one).
   */
  private sleepUntilSignalled(ctx: SyscallContext): Outcome {
    const key = `replay-sleep:${ctx.thread.tid}`;
    let givenUp = false;
    const timer = setTimeout(() => {
      givenUp = true;
      this.kernel.notify(key);
    }, SLEEP_SIGNAL_LIMIT_MS);
    return ctx.block([key], () => (givenUp ? 0 : null), () => clearTimeout(timer));
  }

  /**
   * Whether a signal may end thread tid's parked call with result: one the recording has
   * interrupted (or never returning: its thread was killed in it) may be; one recorded as
   * completing only with its recorded result (a write cut short, with its count). Otherwise it
   * completes as recorded, whatever is pending meanwhile: a sleep runs to its end, a wait4 waits
   * for the child it reaped. (A SIGCHLD left over from two that merged when recorded, held with
   * no point to take it, went after a second while the shell's blocking wait4 waited for a
   * child that computed, and ended it with EINTR.) What is pending takes effect at its return.
   */
  mayInterrupt(tid: number, result: number): boolean {
    const record = this.inFlight.get(tid)?.record;
    return record === undefined || typeof record.result !== 'number' || interruptedCall(record) || record.result === result;
  }

  /**
   * The recorded call thread tid's call nr is to match, left in the recording: its next one,
   * past the clock reads it did not make this time (undefined: none, or nr is an extra clock
   * read; see clock_reads.ts).
   */
  private expected(tid: number, nr: number, args: readonly number[]): RecordedCall | undefined {
    let call = this.recorded.peekCall(tid);
    if (isClockRead(nr)) return call && sameClock(nr, args, call.record) ? call : undefined;
    while (call && isClockRead(call.record.nr)) {
      this.recorded.nextCall(tid);
      call.done = true;
      this.shift--;
      call = this.recorded.peekCall(tid);
    }
    return call;
  }

  private takeExpected(tid: number, nr: number, args: readonly number[]): RecordedCall | undefined {
    return this.expected(tid, nr, args) && this.recorded.nextCall(tid);
  }

  /** A clock read the recording does not have: the clock as the thread last read it. */
  private extraClockRead(ctx: SyscallContext): Outcome | undefined {
    this.shift++;
    const earlier = this.lastClockRead.get(`${ctx.thread.tid}:${clockOf(ctx.nr, ctx.args)}`);
    if (!earlier || typeof earlier.result !== 'number') return undefined;
    writeAgain(ctx, earlier);
    this.answered++;
    return earlier.result;
  }

  mayHandle(stop: HeldStop): boolean {
    if (!this.ordered || this.verdict || this.late) return true;
    // Calls begun, counted as the recording counts them.
    const seq = this.kernel.lastSeq - this.shift;
    if (stop.kind !== 'trap') {
      const milestone = this.milestoneOf(stop);
      if (milestone === undefined) return true;
      if (seq < milestone.seq) return false;
      // A thread killed in a parked call (another thread's exec or exit_group): its exit
      // completes that call, recorded as never returning just before it.
      const dying = stop.kind === 'exit' ? this.inFlight.get(stop.tid) : undefined;
      if (dying && !dying.done && diedInCall(dying.record)) return this.recorded.areNext(dying, milestone);
      return this.recorded.isNext(milestone);
    }
    // A thread reading the clock more often than it did waits for something: while others wait
    // for their turn, it waits too (it may be what they wait for, see unstall).
    if (this.isExtraClockRead(stop) && this.kernel.holdsOtherThan(stop.tid)) return false;
    if (this.endedBefore(stop)) return false;
    // A signal to deliver before this call: its turn first.
    const signal = this.recorded.signalAtCall(stop.tid);
    if (signal) return seq >= signal.seq && this.recorded.doneThrough(signal.after);
    return this.turnCame(this.turnOf(stop), seq);
  }

  /**
   * The host ends an exit_group's other threads some time after the call: in the recording they
   * went on making calls meanwhile (numbered after the exit_group, answered, then they died). So
   * the host performs it only once every other thread of the process has made the calls the
   * recording has it make (clock reads aside); one that never gets there (it waits in the host)
   * is found by the kernel's stall check, which then lets the exit_group go.
   */
  mayEndProcess(tid: number): boolean {
    if (!this.ordered || this.verdict || this.late) return true;
    const process = this.kernel.state.processes.get(this.kernel.state.threads.get(tid)?.pid ?? -1);
    return !process || process.threads.every((other) => other === tid || !this.recorded.hasCallsLeft(other, (r) => isClockRead(r.nr)));
  }

  /**
   * Whether thread tid's call is one the recording has it die in (another thread's exec or
   * exit_group killed it while the call was parked or run by the host): held at its completion,
   * it dies there again instead of returning where the recording never saw it return.
   */
  diesInCall(tid: number): boolean {
    if (this.verdict || this.late) return false;
    const call = this.inFlight.get(tid);
    return call !== undefined && diedInCall(call.record);
  }

  /** The recorded exit, or creation by the clone thread tid is in, a held stop stands for. */
  private milestoneOf(stop: HeldStop & { kind: 'exit' | 'create' }): Milestone | undefined {
    if (stop.kind === 'exit') return this.recorded.exitOf(stop.tid);
    const child = this.inFlight.get(stop.tid)?.record.result;
    return typeof child === 'number' && child > 0 ? this.recorded.birthOf(child) : undefined;
  }

  /**
   * A call of a thread whose recording has no more calls but its exit: another thread's exec or
   * exit_group (or a signal) ended it before it got there, as it will in the replay (an exit
   * the thread did not make itself). Or no exit at all: the thread was still alive when the
   * sandbox ended (busy, or in a call that never completed, which has no record: busybox
   * timeout's watcher sleeping when the command's shell exits), and the end of the replay ends
   * it there again. Held, it cannot run ahead of that; should everything stall instead, unstall
   * lets it go and it is reported as a call the recording does not have.
   */
  private endedBefore(stop: { tid: number; nr: number; args: readonly number[] }): boolean {
    if (this.expected(stop.tid, stop.nr, stop.args) !== undefined || this.recorded.peekCall(stop.tid) !== undefined) return false;
    const exit = this.recorded.exitOf(stop.tid);
    return exit === undefined || !exit.done;
  }

  private isExtraClockRead(stop: { tid: number; nr: number; args: readonly number[] }): boolean {
    return isClockRead(stop.nr) && this.expected(stop.tid, stop.nr, stop.args) === undefined;
  }

  /**
   * The recorded call whose turn a trapped call waits for: the one it is, or for an extra clock
   * read, the thread's next one (so that a thread spinning on the clock waits too). Undefined: a
   * call the recording does not have, which goes on, to be reported as such.
   */
  private turnOf(stop: { tid: number; nr: number; args: readonly number[] }): number | undefined {
    const signal = this.recorded.signalAtCall(stop.tid);
    if (signal) return signal.seq + 1;
    const call = this.expected(stop.tid, stop.nr, stop.args) ?? (isClockRead(stop.nr) ? this.recorded.peekCall(stop.tid) : undefined);
    return call?.record.trap;
  }

  private turnCame(trap: number | undefined, seq: number): boolean {
    return trap === undefined || (seq >= trap - 1 && this.recorded.doneBefore(trap));
  }

  /**
   * Threads wait on each other outside the kernel (a lock one holds while it waits for its
   * turn): the recorded call or exit that comes earliest goes first; a thread only spinning on
   * the clock goes last. A call made where the recording has the thread ended (endedBefore)
   * goes before all: the others wait for it, so the replay has gone another way, and it is
   * reported as a call the recording does not have. A wait4 or waitid recorded as reporting a
   * child that has not exited yet goes last, and while only such are held, none goes (-1) for
   * up to CHILD_EXIT_WAIT_LIMIT_MS: the child, spinning in its code or asleep, exits by itself.
   */
  unstall(stops: readonly HeldStop[]): number {
    const ended = stops.findIndex((stop) => stop.kind === 'trap' && this.endedBefore(stop));
    if (ended >= 0) return ended;
    // A wait4 or waitid that reports a child in the recording is not let go before the child
    // has exited (its WNOHANG would find none): the child runs its code, or sleeps, and will.
    const reaping = stops.map((stop) => stop.kind === 'trap' && this.reapsBeforeExit(stop));
    const onlyReaping = reaping.length > 0 && reaping.every(Boolean);
    if (onlyReaping) {
      this.waitingForExitSince ??= Date.now();
      if (Date.now() - this.waitingForExitSince < CHILD_EXIT_WAIT_LIMIT_MS) return -1;
    }
    this.waitingForExitSince = undefined;
    if (++this.relaxed > MAX_RELAXED) {
      const first = stops[0];
      const expected = first?.kind === 'trap' ? this.recorded.peekCall(first.tid)?.record : undefined;
      const why = `the recorded order could not be kept: the threads waited on each other outside the kernel ${MAX_RELAXED} times`;
      this.diverge({ ...(expected ? { expected } : {}), who: first ? String(first.tid) : '?', why });
      return 0;
    }
    let chosen = 0;
    let earliest = Infinity;
    stops.forEach((stop, i) => {
      if (reaping[i] && !onlyReaping) return;
      const at = stop.kind !== 'trap' ? this.milestoneOf(stop)?.seq : this.isExtraClockRead(stop) ? undefined : this.turnOf(stop);
      if (at !== undefined && at < earliest) [chosen, earliest] = [i, at];
    });
    const stop = stops[chosen];
    this.releasing = stop?.kind === 'trap' ? stop.tid : undefined;
    return chosen;
  }

  /** Whether a held trap is a wait4 or waitid recorded as reporting a child whose exit the replay has not made yet. */
  private reapsBeforeExit(stop: { tid: number; nr: number; args: readonly number[] }): boolean {
    if (stop.nr !== SYS.wait4 && stop.nr !== SYS.waitid) return false;
    const call = this.expected(stop.tid, stop.nr, stop.args);
    const child = call && reportedChild(call.record);
    return child !== undefined && this.recorded.exitPendingBefore(child, call!) !== undefined;
  }

  execRandom(tid: number, fresh: Uint8Array): Uint8Array {
    return (this.hasRandoms ? this.recorded.nextRandom(tid) : undefined) ?? fresh;
  }

  rdtsc(tid: number, fresh: bigint): bigint {
    return (this.hasCounters ? this.recorded.nextRdtsc(tid) : undefined) ?? fresh;
  }

  private onRecord(r: KernelRecord): void {
    if (r.type === 'exit') {
      this.finish(r.waitStatus);
      return;
    }
    if (r.type === 'signal') {
      // Delivered where the thread was in this replay (it made no syscall in the bounded wait).
      if (r.at === 'anywhere') this.unplaced++;
      return;
    }
    if (r.type === 'event') {
      if (r.event.type === 'ProcessExited') this.recorded.exited(r.event.pid);
      else if (r.event.type === 'ThreadExited') this.recorded.exited(r.event.tid);
      else if (r.event.type === 'ProcessForked') this.recorded.born(r.event.pid);
      else if (r.event.type === 'ThreadCreated') this.recorded.born(r.event.tid);
      return;
    }
    const call = this.inFlight.get(r.tid);
    if (!call) return;
    this.inFlight.delete(r.tid);
    call.done = true;
    if (this.verdict || this.late) return;
    if (r.result !== call.record.result) {
      const now = describeSyscall(this.kernel, r);
      this.late = { expected: call.record, who: `${r.pid}/${r.tid}`, now, why: 'the same call had another result' };
      return;
    }
    if (isInterruptedSleep(call.record)) this.writeRecorded(r.tid, call.record);
    this.calls++;
    this.lastMatched.push(call.record);
    if (this.lastMatched.length > LAST_MATCHED) this.lastMatched.shift();
  }

  /** What the recorded call wrote into the program's memory, written again (the thread is stopped at the call's end). */
  private writeRecorded(tid: number, record: SyscallRecord): void {
    const thread = this.kernel.state.threads.get(tid);
    if (thread) for (const w of record.writes) this.kernel.platform.write(thread.hostTid, w.addr, w.bytes);
  }

  /** The program has ended: did the recording end there too? */
  private finish(waitStatus: number): void {
    if (this.verdict) return;
    if (this.late) {
      this.verdict = { kind: 'diverged', lines: divergenceReport(this.late, this.lastMatched) };
      return;
    }
    const left = this.recorded.firstLeft((r) => isClockRead(r.nr));
    if (left) {
      this.verdict = { kind: 'diverged', lines: divergenceReport({ expected: left.record, who: `${left.record.pid}/${left.record.tid}`, why: 'the program ended before making this recorded call' }, this.lastMatched) };
    } else if (this.recorded.end && this.recorded.end.waitStatus !== waitStatus) {
      this.verdict = { kind: 'diverged', lines: [`replay diverged at the end: the program's wait status is ${waitStatus}, the recording's ${this.recorded.end.waitStatus}`] };
    } else {
      this.verdict = { kind: 'matched', calls: this.calls, answered: this.answered, relaxed: this.relaxed, unplaced: this.unplaced };
    }
  }

  result(): ReplayVerdict {
    return this.verdict ?? { kind: 'matched', calls: this.calls, answered: this.answered, relaxed: this.relaxed, unplaced: this.unplaced };
  }

  private diverge(d: Divergence): Outcome {
    this.verdict = { kind: 'diverged', lines: divergenceReport(d, this.lastMatched) };
    return this.halt();
  }

  private stop(ctx: SyscallContext, record: SyscallRecord): Outcome {
    const lines = [`stopped before seq ${record.seq}, pid/tid ${record.pid}/${record.tid}: ${syscallText(record)}`];
    const capture = this.kernel.platform.captureThread(ctx.hostTid);
    if (capture) lines.push('registers:', ...registerLines(capture));
    for (const part of STATE_PARTS) lines.push(`== ${part}`, reportState(this.kernel.state, part));
    this.verdict = { kind: 'stopped', lines };
    return this.halt();
  }

  /** Ends the sandbox where it is; the thread's call is never answered. */
  private halt(): Outcome {
    this.kernel.terminate(9);
    return pending;
  }
}
