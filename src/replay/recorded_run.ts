// replay --exec reads the recording as the program goes: each thread takes its own next
// syscall record, so the file is read only as far as the furthest thread (streamed, never loaded
// whole unless the threads drift that far apart).
import type { KernelEvent } from '../kernel/events.js';
import type { TraceContents } from '../trace/trace_reader.js';
import type { SyscallRecord, TraceRecord } from '../trace/trace_schema.js';
import { isReplayedEvent } from './outside_calls.js';

export interface RecordedCall {
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

export class RecordedRun {
  private readonly records: Iterator<TraceRecord>;
  private readonly calls = new Map<number, RecordedCall[]>();
  private readonly randoms = new Map<number, Uint8Array[]>();
  private readonly counters = new Map<number, bigint[]>();
  /** Replayed events since the last syscall record, with their seq. */
  private pendingEvents: Array<{ seq: number; event: KernelEvent }> = [];
  private started?: Started;
  private firstExec?: Exec;
  private hostname?: string;
  /** The closing record, once read. */
  end?: { seq: number; waitStatus: number };

  constructor(trace: TraceContents) {
    this.records = trace.records;
  }

  /** Reads one record; false at the end of the file. */
  private pull(): boolean {
    const next = this.records.next();
    if (next.done) return false;
    const r = next.value;
    switch (r.type) {
      case 'event':
        if (r.event.type === 'ProcessStarted' && r.event.pid === 1) this.started = r.event;
        else if (r.event.type === 'ExecCompleted' && r.event.pid === 1) this.firstExec ??= r.event;
        else if (r.event.type === 'HostnameSet' && !this.firstExec) this.hostname = r.event.hostname;
        if (isReplayedEvent(r.event)) this.pendingEvents.push({ seq: r.seq, event: r.event });
        break;
      case 'syscall': {
        const events = this.pendingEvents.filter((e) => e.seq === r.seq).map((e) => e.event);
        this.pendingEvents = [];
        queue(this.calls, r.tid).push({ record: r, events });
        break;
      }
      case 'input':
        if (r.kind === 'at_random') queue(this.randoms, r.tid).push(r.bytes);
        else queue(this.counters, r.tid).push(Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).readBigUInt64LE());
        break;
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
    const calls = queue(this.calls, tid);
    while (calls.length === 0 && this.pull());
    return calls.shift();
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

  /** The earliest recorded syscall no thread has taken yet (once the replayed program ended). */
  firstLeft(): RecordedCall | undefined {
    if (![...this.calls.values()].some((c) => c.length > 0)) while (this.pull() && ![...this.calls.values()].some((c) => c.length > 0));
    let first: RecordedCall | undefined;
    for (const calls of this.calls.values()) if (calls[0] && (!first || calls[0].record.seq < first.record.seq)) first = calls[0];
    return first;
  }
}

function queue<T>(map: Map<number, T[]>, tid: number): T[] {
  let q = map.get(tid);
  if (!q) map.set(tid, (q = []));
  return q;
}
