// --record: writes the kernel's bus to a trace file, buffered off the per-syscall path.
import fs from 'node:fs';
import os from 'node:os';

import { hostPathArg } from '../byte_string.js';
import type { Kernel, SyscallRecord } from '../kernel/kernel.js';
import type { RootDescription } from '../kernel/vfs/path_walk.js';
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

const SYSCALL = 0;
const EVENT = 1;
const AT_RANDOM = 2;
const RDTSC = 3;
const OTHER = 4;

/**
 * A record taken and not yet encoded: what its encoding needs, as it was when it was taken.
 * One class for every kind, so that the loop encoding them sees one shape.
 */
class Pending {
  constructor(
    /** SYSCALL, EVENT, AT_RANDOM, RDTSC or OTHER. */
    readonly kind: number,
    readonly seq: number,
    /** An input record's thread. */
    readonly tid: number,
    /** A syscall record's call, an event, another record. */
    readonly item: object,
    /** A syscall record's times (ns since the trace's start) and regions. */
    readonly time: number,
    readonly start: number | undefined,
    readonly reads: readonly MemoryRegion[],
    readonly writes: readonly MemoryRegion[],
    /** AT_RANDOM's bytes. */
    readonly bytes: Uint8Array,
    /** RDTSC's value. */
    readonly value: bigint,
  ) {}
}

const NO_ITEM = {};
const NO_BYTES = new Uint8Array(0);

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

  constructor(path: string, argv: string[], version: string, root: RootDescription, initialState?: Uint8Array) {
    this.fd = fs.openSync(hostPathArg(path), 'w', 0o644);
    const header: TraceHeader = {
      type: 'header',
      magic: TRACE_MAGIC,
      version: TRACE_VERSION,
      tsvisor: version,
      argv,
      rootfs: root.rootfs,
      mounts: root.mounts,
      tmpfs: root.tmpfs,
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
        this.take(new Pending(AT_RANDOM, this.lastSeq, tid, NO_ITEM, 0, undefined, NO_REGIONS, NO_REGIONS, fresh, 0n));
        return fresh;
      },
      // Signals take effect at points the trace names ('signal' records).
      signalPoints: 'record',
      rdtsc: (tid, fresh) => {
        this.take(new Pending(RDTSC, this.lastSeq, tid, NO_ITEM, 0, undefined, NO_REGIONS, NO_REGIONS, NO_BYTES, fresh));
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
        this.take(new Pending(EVENT, seq, 0, event, 0, undefined, NO_REGIONS, NO_REGIONS, NO_BYTES, 0n));
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
    this.take(new Pending(SYSCALL, r.seq, 0, r, Number(now - this.start), start, reads, writes, NO_BYTES, 0n));
  }

  private push(item: TraceRecord): void {
    this.take(new Pending(OTHER, 0, 0, item, 0, undefined, NO_REGIONS, NO_REGIONS, NO_BYTES, 0n));
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
        case SYSCALL:
          records.syscall(p.item as SyscallRecord, p.time, p.start, p.reads, p.writes);
          break;
        case EVENT:
          records.event(p.seq, p.item);
          break;
        case AT_RANDOM:
          records.input(p.seq, p.tid, 'at_random', p.bytes);
          break;
        case RDTSC:
          records.inputU64(p.seq, p.tid, 'rdtsc', p.value);
          break;
        default:
          records.record(p.item);
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
