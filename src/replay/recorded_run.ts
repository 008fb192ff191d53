// replay --exec reads the recording as the program goes: each thread takes its own next
// syscall record, so the file is read only as far as the furthest thread (streamed, never loaded
// whole unless the threads drift that far apart).
//
// It also keeps the recorded order across threads (see ExecReplaySource.mayHandle): the
// milestones, in the order the file has them, are what the replay must reproduce in that order:
// every syscall's completion, every thread's creation (when it gets its tid) and exit.
//
// And where each signal took effect (format 7 on): each thread's signal records wait in its own
// queue, in file order, to be taken at the point they name (see kernel/signal/signal_points.ts).
import { Errno } from '../kernel/errno.js';
import type { KernelEvent } from '../kernel/events.js';
import { SYS } from '../kernel/syscalls/numbers.js';
import type { SignalPoint, TakenSignal } from '../kernel/signal/signal_points.js';
import type { TraceContents } from '../trace/trace_reader.js';
import type { SignalRecord, SyscallRecord, TraceRecord } from '../trace/trace_schema.js';
import { isReplayedEvent } from './outside_calls.js';

/** Something recorded that happens in the replay too, at the same place in the order. */
export interface Milestone {
  /** The kernel's seq when it happened in the recording. */
  seq: number;
  /** Whether it has happened in the replay. */
  done: boolean;
  /** Its place among the milestones in the file (0, 1, ...). */
  order: number;
}

/** A recorded signal, with the milestones before it in the file. */
interface RecordedSignal {
  record: SignalRecord;
  /** How many milestones the file has before it. */
  after: number;
  /** For a SIGCHLD, the last process exit the file has before it (see TakenSignal.cause). */
  cause?: Milestone;
}

const SIGCHLD = 17;

export interface RecordedCall extends Milestone {
  record: SyscallRecord;
  /**
   * The events its handler emitted that an answer from the recording applies (isReplayedEvent):
   * those of its seq just before its record (events of a seq come before the record that
   * closes it; anything that happens between two syscalls gets the earlier one's seq).
   */
  events: KernelEvent[];
}

type Started = Extract<KernelEvent, { type: 'ProcessStarted' }>;
type Exec = Extract<KernelEvent, { type: 'ExecCompleted' }>;

/** How the recorded sandbox began: its first process and that process's first image. */
export interface RecordedStart {
  started: Started;
  exec: Exec;
  hostname?: string;
}

/** A call's result when a signal interrupted it. */
const INTERRUPTED: ReadonlySet<number> = new Set(
  [Errno.EINTR, Errno.ERESTARTSYS, Errno.ERESTARTNOINTR, Errno.ERESTARTNOHAND, Errno.ERESTART_RESTARTBLOCK].map((e) => -e),
);

/** Whether the recording has a signal interrupt the call (EINTR, or a restart after the handler). */
export function interruptedCall(record: SyscallRecord): boolean {
  return typeof record.result === 'number' && INTERRUPTED.has(record.result);
}

export class RecordedRun {
  private readonly records: Iterator<TraceRecord>;
  private readonly calls = new Map<number, RecordedCall[]>();
  private readonly randoms = new Map<number, Uint8Array[]>();
  private readonly counters = new Map<number, bigint[]>();
  private readonly signals = new Map<number, RecordedSignal[]>();
  /** Milestones read so far. */
  private milestonesRead = 0;
  /** Milestones read and not yet known done, in file order, from index head on. */
  private milestones: Milestone[] = [];
  private head = 0;
  /** Each thread's exit (a ThreadExited, or the ProcessExited of a process's first thread). */
  private readonly exits = new Map<number, Milestone>();
  /** The last ProcessExited read. */
  private lastProcessExit?: Milestone;
  /**
   * Leaders replaced by an exec of another thread of their process (which then took the
   * leader's tid, as on Linux), by that tid: the seq of the replacement, and whether the replay
   * has made it. Calls of that tid after it in the file are the new image's, not the old
   * leader's (by the file's order: the old leader's last call may have completed at that seq).
   */
  private readonly replaced = new Map<number, Milestone>();
  /** Threads whose last call read was a successful exec in a thread other than the leader: their pid. */
  private readonly execedBy = new Map<number, number>();
  /** Each thread's creation by a clone (a ThreadCreated, or a ProcessForked). */
  private readonly births = new Map<number, Milestone>();
  /** The seq of the last record read. */
  private readSeq = 0;
  /** Replayed events since the last syscall record, with their seq. */
  private pendingEvents: Array<{ seq: number; event: KernelEvent }> = [];
  private started?: Started;
  private firstExec?: Exec;
  private hostname?: string;
  /** The closing record, once read. */
  end?: { seq: number; waitStatus: number };

  constructor(trace: Pick<TraceContents, 'header' | 'records'>) {
    this.records = trace.records;
  }

  /** Reads one record; false at the end of the file. */
  private pull(): boolean {
    const next = this.records.next();
    if (next.done) return false;
    const r = next.value;
    this.readSeq = r.seq;
    switch (r.type) {
      case 'event':
        // A thread that exec'd and ends: the leader it replaced ends here.
        if (r.event.type === 'ThreadExited' && this.execedBy.has(r.event.tid)) {
          this.replaced.set(this.execedBy.get(r.event.tid)!, { seq: r.seq, done: false, order: this.milestonesRead });
        }
        if (r.event.type === 'ProcessExited' || r.event.type === 'ThreadExited') {
          const exit = { seq: r.seq, done: false, order: this.milestonesRead++ };
          this.exits.set(r.event.type === 'ProcessExited' ? r.event.pid : r.event.tid, exit);
          this.milestones.push(exit);
          if (r.event.type === 'ProcessExited') this.lastProcessExit = exit;
        } else if (r.event.type === 'ProcessForked' || r.event.type === 'ThreadCreated') {
          const birth = { seq: r.seq, done: false, order: this.milestonesRead++ };
          this.births.set(r.event.type === 'ProcessForked' ? r.event.pid : r.event.tid, birth);
          this.milestones.push(birth);
        }
        if (r.event.type === 'ProcessStarted' && r.event.pid === 1) this.started = r.event;
        else if (r.event.type === 'ExecCompleted' && r.event.pid === 1) this.firstExec ??= r.event;
        else if (r.event.type === 'HostnameSet' && !this.firstExec) this.hostname = r.event.hostname;
        if (isReplayedEvent(r.event)) this.pendingEvents.push({ seq: r.seq, event: r.event });
        break;
      case 'syscall': {
        const events = this.pendingEvents.filter((e) => e.seq === r.seq).map((e) => e.event);
        this.pendingEvents = [];
        const call = { record: r, events, seq: r.seq, done: false, order: this.milestonesRead++ };
        queue(this.calls, r.tid).push(call);
        if ((r.nr === SYS.execve || r.nr === SYS.execveat) && r.result === 0 && r.tid !== r.pid) this.execedBy.set(r.tid, r.pid);
        else this.execedBy.delete(r.tid);
        this.milestones.push(call);
        break;
      }
      case 'input':
        if (r.kind === 'at_random') queue(this.randoms, r.tid).push(r.bytes);
        else queue(this.counters, r.tid).push(Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).readBigUInt64LE());
        break;
      case 'signal': {
        // Exits are milestones in file order: the last one before a SIGCHLD done, so are those before it.
        const cause = r.sig === SIGCHLD ? this.lastProcessExit : undefined;
        queue(this.signals, r.tid).push({ record: r, after: this.milestonesRead, ...(cause ? { cause } : {}) });
        break;
      }
      case 'end':
        this.end = { seq: r.seq, waitStatus: r.waitStatus };
        break;
    }
    return true;
  }

  /** The first process and its image, read from the head of the trace. */
  start(): RecordedStart | undefined {
    while (!this.firstExec && this.pull());
    if (!this.started || !this.firstExec) return undefined;
    return { started: this.started, exec: this.firstExec, ...(this.hostname === undefined ? {} : { hostname: this.hostname }) };
  }

  /** Thread tid's next recorded syscall (undefined: it made no more). */
  nextCall(tid: number): RecordedCall | undefined {
    const call = this.peekCall(tid);
    if (call) queue(this.calls, tid).shift();
    return call;
  }

  /** Thread tid's next recorded syscall, left for nextCall. */
  peekCall(tid: number): RecordedCall | undefined {
    const calls = queue(this.calls, tid);
    while (calls.length === 0 && this.pull());
    const call = calls[0];
    return call && this.isOwn(tid, call) ? call : undefined;
  }

  /** Whether a call recorded with tid is the thread's that has tid now (not the image a later exec took it over with). */
  private isOwn(tid: number, call: RecordedCall): boolean {
    const replaced = this.replaced.get(tid);
    return replaced === undefined || replaced.done || call.order < replaced.order;
  }

  /**
   * Whether thread tid has recorded calls left that are not optional (reading the file no
   * further than its next such call or its exit).
   */
  hasCallsLeft(tid: number, optional: (r: SyscallRecord) => boolean): boolean {
    const calls = queue(this.calls, tid);
    const left = () => calls.some((c) => !optional(c.record) && this.isOwn(tid, c));
    while (!left() && !this.exits.has(tid) && this.pull());
    return left();
  }

  /** Thread tid's recorded exit (undefined: the recording does not show it). */
  exitOf(tid: number): Milestone | undefined {
    const replaced = this.replaced.get(tid);
    if (replaced && !replaced.done) return replaced;
    while (!this.exits.has(tid) && this.pull());
    return this.exits.get(tid);
  }

  /**
   * The recorded exit of process pid when the file has it before call (read already: no
   * further reading), and the replay has not made it yet.
   */
  exitPendingBefore(pid: number, call: RecordedCall): Milestone | undefined {
    const exit = this.exits.get(pid);
    return exit && !exit.done && exit.order < call.order ? exit : undefined;
  }

  /** The replay has reproduced thread tid's exit (and, for a thread that exec'd, the end of the leader it replaced). */
  exited(tid: number): void {
    while (!this.exits.has(tid) && this.pull());
    const exit = this.exits.get(tid);
    if (exit) exit.done = true;
    const pid = this.execedBy.get(tid);
    const replaced = pid === undefined ? undefined : this.replaced.get(pid);
    if (replaced) replaced.done = true;
  }

  /** Thread tid's recorded creation by a clone (undefined: the recording does not show it). */
  birthOf(tid: number): Milestone | undefined {
    while (!this.births.has(tid) && this.pull());
    return this.births.get(tid);
  }

  /** The replay has created thread tid. */
  born(tid: number): void {
    const birth = this.births.get(tid);
    if (birth) birth.done = true;
  }

  /** The earliest milestone in the file not done yet (undefined: none read). */
  private firstPending(): Milestone | undefined {
    while (this.head < this.milestones.length && this.milestones[this.head]!.done) this.head++;
    if (this.head > 4096) {
      this.milestones = this.milestones.slice(this.head);
      this.head = 0;
    }
    return this.milestones[this.head];
  }

  /** Whether every milestone recorded with a seq below seq is done. */
  doneBefore(seq: number): boolean {
    while (this.readSeq < seq && this.pull());
    const first = this.firstPending();
    return first === undefined || first.seq >= seq;
  }

  /** Whether every milestone recorded before m (in the file) is done. */
  isNext(m: Milestone): boolean {
    return this.firstPending() === m;
  }

  /** Whether m is the first milestone in the file not done, and n the next one not done. */
  areNext(m: Milestone, n: Milestone): boolean {
    if (this.firstPending() !== m) return false;
    for (let i = this.head + 1; i < this.milestones.length; i++) if (!this.milestones[i]!.done) return this.milestones[i] === n;
    return false;
  }

  /**
   * Thread tid's recorded signals that come before its next call record in the file: those a
   * replay at that call's trap, or at the return from the call before it, is to deliver.
   */
  private signalsNow(tid: number): RecordedSignal[] {
    const next = this.peekCall(tid);
    const signals = queue(this.signals, tid);
    return next === undefined ? signals : signals.filter((s) => s.after <= next.order);
  }

  /** Takes thread tid's signals recorded at this point (see signalsNow and RecordedSignals). */
  takeSignals(tid: number, point: SignalPoint, sig?: number): TakenSignal[] {
    let now = this.signalsNow(tid).filter((s) => s.record.at === point.at && (point.at !== 'return' || s.record.trap === point.trap) && (sig === undefined || s.record.sig === sig));
    if (point.at !== 'return') now = now.slice(0, 1);
    if (now.length === 0) return [];
    const signals = queue(this.signals, tid);
    this.signals.set(tid, signals.filter((s) => !now.includes(s)));
    return now.map(taken);
  }

  /**
   * The first signal thread tid's next trap is to deliver before its call (a 'call' record
   * before that call's record), if any: its turn comes once the calls begun before it have
   * begun and the milestones before it are done.
   */
  signalAtCall(tid: number): { sig: number; seq: number; after: number } | undefined {
    const s = this.signalsNow(tid).find((r) => r.record.at === 'call');
    return s && { sig: s.record.sig, seq: s.record.seq, after: s.after };
  }

  /**
   * The signals recorded as delivered to thread tid at the return from its next call when they
   * interrupted it (EINTR, or a restart after the handler), left for takeSignals: reading the
   * file up to its call after that, or its exit.
   */
  signalsAtNextReturn(tid: number): TakenSignal[] {
    const next = this.peekCall(tid);
    if (!next || !interruptedCall(next.record)) return [];
    const calls = queue(this.calls, tid);
    while (calls.length < 2 && !this.exits.has(tid) && this.pull());
    return queue(this.signals, tid).filter((s) => s.record.at === 'return' && s.record.trap === next.record.trap).map(taken);
  }

  /** Whether the first `count` milestones of the file are done. */
  doneThrough(count: number): boolean {
    const first = this.firstPending();
    if (first !== undefined) return first.order >= count;
    return this.milestonesRead >= count;
  }

  /** The AT_RANDOM bytes of thread tid's next image (undefined: not recorded). */
  nextRandom(tid: number): Uint8Array | undefined {
    const randoms = queue(this.randoms, tid);
    while (randoms.length === 0 && this.end === undefined && this.pull());
    return randoms.shift();
  }

  /** The counter thread tid's next rdtsc/rdtscp read (undefined: not recorded). */
  nextRdtsc(tid: number): bigint | undefined {
    const counters = queue(this.counters, tid);
    while (counters.length === 0 && this.end === undefined && this.pull());
    return counters.shift();
  }

  /**
   * The earliest recorded syscall no thread has taken yet (once the replayed program ended),
   * leaving out those it need not have made (optional).
   */
  firstLeft(optional: (r: SyscallRecord) => boolean): RecordedCall | undefined {
    for (;;) {
      let first: RecordedCall | undefined;
      for (const calls of this.calls.values()) {
        while (calls[0] && optional(calls[0].record)) calls.shift();
        if (calls[0] && (!first || calls[0].record.seq < first.record.seq)) first = calls[0];
      }
      if (first || !this.pull()) return first;
    }
  }
}

function taken(s: RecordedSignal): TakenSignal {
  return s.cause ? { sig: s.record.sig, cause: s.cause } : { sig: s.record.sig };
}

function queue<T>(map: Map<number, T[]>, tid: number): T[] {
  let q = map.get(tid);
  if (!q) map.set(tid, (q = []));
  return q;
}
