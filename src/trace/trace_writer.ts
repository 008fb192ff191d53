// --record: writes the kernel's bus to a trace file, buffered off the per-syscall path.
import fs from 'node:fs';
import os from 'node:os';

import { hostPathArg } from '../byte_string.js';
import { hostMonotonicNs } from '../platform/host_clock.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RootDescription } from '../kernel/vfs/path_walk.js';
import { stateDigest } from './state_digest.js';
import { captureCallMemory, capturesMemory } from './input_capture.js';
import { ThreadMemory } from './thread_memory.js';
import { RecordEncoder, putSyscallFields, SYSCALL_FIELD_SLOTS } from './record_encoder.js';
import type { MemoryRegion } from './recorded_memory.js';
import type { TraceHeader, TraceRecord } from './trace_schema.js';
import { TRACE_MAGIC, TRACE_VERSION } from './trace_version.js';

const FLUSH_BYTES = 1 << 20;
const FLUSH_MS = 200;
const NO_REGIONS: readonly MemoryRegion[] = [];
/** Records kept before they are encoded, together (see TraceWriter.queued). */
const BATCH = 256;

const SYSCALL = 0;
const EVENT = 1;
const AT_RANDOM = 2;
const RDTSC = 3;
const OTHER = 4;

export class TraceWriter {
  private readonly fd: number;
  /**
   * Record structures (format 4): the first object of each shape defines its keys once, later
   * ones are arrays of values. Sequential: the definitions stay valid for the rest of the file.
   * Its buffer is the file's, written out when full.
   */
  private readonly records = new RecordEncoder(FLUSH_BYTES, (bytes) => fs.writeSync(this.fd, bytes));
  private readonly timer: NodeJS.Timeout;
  /** The run's start (process.hrtime, ns, as a number like the kernel's trappedAt). */
  private readonly start = hostMonotonicNs();
  /** The seq of the latest record (input records take it). */
  private lastSeq = 0;
  /**
   * Records taken since the last encoding: they are encoded BATCH at a time, so that the
   * encoder's code and data stay in the CPU's caches while it runs, rather than being brought
   * back between two traps of the kernel's. What they hold is not changed once taken (events
   * and the kernel's values; the memory regions are copies). Kept in columns (a record's kind,
   * seq, thread, object and rdtsc value at the same index), so that taking one makes no object.
   */
  private queued = 0;
  private readonly kinds = new Uint8Array(BATCH);
  private readonly seqs = new Float64Array(BATCH);
  private readonly tids = new Int32Array(BATCH);
  /** A syscall's reads (the memory its text needs), an event, AT_RANDOM's bytes, another record. */
  private readonly items: (object | undefined)[] = new Array<object | undefined>(BATCH).fill(undefined);
  private readonly tscs = new BigUint64Array(BATCH);
  /** A syscall's numbers (putSyscallFields: SYSCALL_FIELD_SLOTS at each index) and writes. */
  private readonly calls = new Float64Array(BATCH * SYSCALL_FIELD_SLOTS);
  private readonly writes: (readonly MemoryRegion[])[] = new Array<readonly MemoryRegion[]>(BATCH).fill(NO_REGIONS);

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
        this.take(AT_RANDOM, this.lastSeq, tid, fresh);
        return fresh;
      },
      // Signals take effect at points the trace names ('signal' records).
      signalPoints: 'record',
      rdtsc: (tid, fresh) => {
        this.tscs[this.queued] = fresh;
        this.take(RDTSC, this.lastSeq, tid, undefined);
        return fresh;
      },
    };
    kernel.recordSink = {
      syscall: (seq, trap, pid, tid, nr, args, result, writes, strings, trappedAt) => {
        this.lastSeq = seq;
        const t0 = this.start;
        const now = hostMonotonicNs() - t0;
        const n = this.queued;
        putSyscallFields(this.calls, n * SYSCALL_FIELD_SLOTS, seq, trap, now, trappedAt === undefined ? undefined : trappedAt - t0, pid, tid, nr, args, result);
        const w = writes ?? NO_REGIONS;
        this.writes[n] = w;
        // The thread is stopped: what its text will need is read now, the text made later.
        const reads = capturesMemory(nr) ? captureCallMemory(nr, args, result, memory.of(tid, w, strings), w) : NO_REGIONS;
        this.take(SYSCALL, seq, tid, reads);
      },
      event: (seq, event) => {
        this.lastSeq = seq;
        this.take(EVENT, seq, 0, event);
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

  private push(item: TraceRecord): void {
    this.take(OTHER, 0, 0, item);
  }

  /** Queues a record (an rdtsc's value is put in tscs by the caller). */
  private take(kind: number, seq: number, tid: number, item: object | undefined): void {
    const n = this.queued;
    this.kinds[n] = kind;
    this.seqs[n] = seq;
    this.tids[n] = tid;
    this.items[n] = item;
    this.queued = n + 1;
    if (n + 1 === BATCH) this.encodeQueue();
  }

  /** Encodes the records taken so far, in order. */
  private encodeQueue(): void {
    const n = this.queued;
    const kinds = this.kinds;
    const items = this.items;
    const records = this.records;
    for (let i = 0; i < n; i++) {
      switch (kinds[i]) {
        case SYSCALL:
          records.syscallFrom(this.calls, i * SYSCALL_FIELD_SLOTS, items[i] as readonly MemoryRegion[], this.writes[i]!);
          break;
        case EVENT:
          records.event(this.seqs[i]!, items[i]!);
          break;
        case AT_RANDOM:
          records.input(this.seqs[i]!, this.tids[i]!, 'at_random', items[i] as Uint8Array);
          break;
        case RDTSC:
          records.inputU64(this.seqs[i]!, this.tids[i]!, 'rdtsc', this.tscs[i]!);
          break;
        default:
          records.record(items[i]!);
      }
    }
    // Nothing encoded is held on to.
    items.fill(undefined, 0, n);
    this.writes.fill(NO_REGIONS, 0, n);
    this.queued = 0;
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
