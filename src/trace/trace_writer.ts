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
    this.push(header);
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
        this.records.input(this.lastSeq, tid, 'at_random', fresh);
        return fresh;
      },
      // Signals take effect at points the trace names ('signal' records).
      signalPoints: 'record',
      rdtsc: (tid, fresh) => {
        this.records.inputU64(this.lastSeq, tid, 'rdtsc', fresh);
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
        this.records.event(seq, event);
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
    this.records.syscall(r, Number(now - this.start), r.trappedAt === undefined ? undefined : Number(r.trappedAt - this.start), reads, writes);
  }

  private push(item: TraceHeader | TraceRecord): void {
    this.records.record(item);
  }

  private flush(): void {
    this.records.drain();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    fs.closeSync(this.fd);
  }
}
