// --record: writes the kernel's bus to a trace file, buffered off the per-syscall path.
import fs from 'node:fs';
import os from 'node:os';

import { hostPathArg } from '../byte_string.js';
import type { Kernel, SyscallRecord } from '../kernel/kernel.js';
import { stateDigest } from './state_digest.js';
import { captureSyscallMemory } from './input_capture.js';
import { ThreadMemory } from './thread_memory.js';
import { RecordEncoder } from './record_encoder.js';
import type { MemoryRegion } from './recorded_memory.js';
import type { TraceHeader, TraceRecord } from './trace_schema.js';
import { TRACE_MAGIC, TRACE_VERSION } from './trace_version.js';

const FLUSH_BYTES = 1 << 20;
const FLUSH_MS = 200;
const NO_REGIONS: readonly MemoryRegion[] = [];
/** Records kept before they are encoded, together (see TraceWriter.queue). */
const BATCH = 256;

/** A record taken and not yet encoded: what its encoding needs, as it was when it was taken. */
type Pending =
  | { readonly kind: 'syscall'; readonly r: SyscallRecord; readonly time: number; readonly start: number | undefined; readonly reads: readonly MemoryRegion[]; readonly writes: readonly MemoryRegion[] }
  | { readonly kind: 'event'; readonly seq: number; readonly event: object }
  | { readonly kind: 'input'; readonly seq: number; readonly tid: number; readonly input: 'at_random'; readonly bytes: Uint8Array }
  | { readonly kind: 'rdtsc'; readonly seq: number; readonly tid: number; readonly value: bigint }
  | { readonly kind: 'record'; readonly record: TraceRecord };

export class TraceWriter {
  private readonly fd: number;
  /**
   * Record structures (format 4): the first object of each shape defines its keys once, later
   * ones are arrays of values. Sequential: the definitions stay valid for the rest of the file.
   * Its buffer is the file's, written out when full.
   */
  private readonly records = new RecordEncoder(FLUSH_BYTES, (bytes) => fs.writeSync(this.fd, bytes));
  private readonly timer: NodeJS.Timeout;
  private readonly start = process.hrtime.bigint();
  /** The seq of the latest record (input records take it). */
  private lastSeq = 0;
  /**
   * Records taken since the last encoding: they are encoded BATCH at a time, so that the
   * encoder's code and data stay in the CPU's caches while it runs, rather than being brought
   * back between two traps of the kernel's. What they hold is not changed once taken (events
   * and the kernel's records are values; the memory regions are copies).
   */
  private readonly queue: Pending[] = [];

  constructor(path: string, argv: string[], version: string, rootfs = '/', initialState?: Uint8Array) {
    this.fd = fs.openSync(hostPathArg(path), 'w', 0o644);
    const header: TraceHeader = {
      type: 'header',
      magic: TRACE_MAGIC,
      version: TRACE_VERSION,
      tsvisor: version,
      argv,
      rootfs,
      platform: 'ptrace',
      host: { kernel: os.release(), arch: os.arch() },
      startedAt: new Date().toISOString(),
      ...(initialState === undefined ? {} : { initialState }),
    };
    this.records.record(header);
    // Whatever is buffered reaches the file at least this often, so a killed run keeps most of it.
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Takes the kernel's records (its recordSink) until the sandbox ends. */
  attach(kernel: Kernel): void {
    kernel.captureWrites = true;
    // One reader, pointed at each recorded call's thread.
    const memory = new ThreadMemory(kernel);
    // AT_RANDOM and rdtsc reach the program without a syscall: noted here for replay --exec.
    kernel.syscallSource = {
      execRandom: (tid, fresh) => {
        this.take({ kind: 'input', seq: this.lastSeq, tid, input: 'at_random', bytes: fresh });
        return fresh;
      },
      // Signals take effect at points the trace names ('signal' records).
      signalPoints: 'record',
      rdtsc: (tid, fresh) => {
        this.take({ kind: 'rdtsc', seq: this.lastSeq, tid, value: fresh });
        return fresh;
      },
    };
    kernel.recordSink = {
      syscall: (r) => {
        this.lastSeq = r.seq;
        this.syscall(r, memory);
      },
      event: (seq, event) => {
        this.lastSeq = seq;
        this.take({ kind: 'event', seq, event });
      },
      signal: (r) => {
        this.lastSeq = r.seq;
        this.push(r);
      },
      end: (seq, waitStatus) => {
        this.push({ type: 'end', seq, waitStatus, digest: stateDigest(kernel.state) });
        this.close();
      },
    };
  }

  private syscall(r: SyscallRecord, memory: ThreadMemory): void {
    const now = process.hrtime.bigint();
    const writes = r.writes ?? NO_REGIONS;
    // The thread is stopped: what its text will need is read now, the text made later.
    const reads = captureSyscallMemory(r, memory.of(r.tid, writes, r.strings), writes);
    const start = r.trappedAt === undefined ? undefined : Number(r.trappedAt - this.start);
    this.take({ kind: 'syscall', r, time: Number(now - this.start), start, reads, writes });
  }

  private push(item: TraceRecord): void {
    this.take({ kind: 'record', record: item });
  }

  private take(p: Pending): void {
    this.queue.push(p);
    if (this.queue.length >= BATCH) this.encodeQueue();
  }

  /** Encodes the records taken so far, in order. */
  private encodeQueue(): void {
    const q = this.queue;
    const records = this.records;
    for (let i = 0; i < q.length; i++) {
      const p = q[i]!;
      switch (p.kind) {
        case 'syscall':
          records.syscall(p.r, p.time, p.start, p.reads, p.writes);
          break;
        case 'event':
          records.event(p.seq, p.event);
          break;
        case 'input':
          records.input(p.seq, p.tid, p.input, p.bytes);
          break;
        case 'rdtsc':
          records.inputU64(p.seq, p.tid, 'rdtsc', p.value);
          break;
        case 'record':
          records.record(p.record);
          break;
      }
    }
    q.length = 0;
  }

  private flush(): void {
    this.encodeQueue();
    this.records.drain();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    fs.closeSync(this.fd);
  }
}
