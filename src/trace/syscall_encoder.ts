// The syscall records of a trace, encoded by hand: the recorder's hottest path. They are cbor-x
// record structures (format 4 on: a structure's keys once, then arrays of values) with ids of
// their own, so the reader's Decoder takes them as it takes the rest of the file;
// numbers are encoded as cbor-x encodes them (32-bit integers as integers, others as float64),
// so they decode to the same values. A short run is over before cbor-x's general encoder has
// been optimized; this one is small enough to be fast from the start.
// The buffer they are encoded in is the writer's output buffer, which the other records are
// copied into: one buffer, written out when full or asked, so no record's bytes outlive it as an
// object of their own (which the young-generation GC would copy while they wait to be written).

import type { MemoryRegion } from './recorded_memory.js';

/** The syscall record as the writer has it (see trace_schema.ts, SyscallRecordSchema; format 6). */
export interface SyscallFields {
  seq: number;
  trap: number;
  time: number;
  start: number | undefined;
  pid: number;
  tid: number;
  nr: number;
  args: readonly number[];
  result: number | 'noreturn';
  reads: readonly MemoryRegion[];
  writes: readonly MemoryRegion[];
}

const SYSCALL_KEYS = ['type', 'seq', 'trap', 'time', 'start', 'pid', 'tid', 'nr', 'args', 'result', 'reads', 'writes'];
const SYSCALL_KEYS_NO_START = SYSCALL_KEYS.filter((k) => k !== 'start');
const REGION_KEYS = ['addr', 'bytes'];
/**
 * Structure ids near the top of cbor-x's range (0xe000-0xffff, minus the few it reserves at
 * 0xdff9-0xdfff & 0x1fff): its own encoder numbers the trace's other shapes up from 0xe000.
 */
const ID_SYSCALL = 0xff00;
const ID_SYSCALL_NO_START = 0xff01;
const ID_REGION = 0xff02;
/** cbor-x's tag for a structure's definition followed by the object's values. */
const TAG_RECORD_INLINE = 0xdfff;
/** RFC 8746: a Uint8Array (cbor-x's encoding of one). */
const TAG_UINT8ARRAY = 64;
export class SyscallEncoder {
  private buf: Buffer;
  private pos = 0;
  private readonly defined = new Set<number>();

  /** `out` is given the encoded bytes (a view it must not keep) when `capacity` would be exceeded, and on drain(). */
  constructor(
    private readonly capacity: number,
    private readonly out: (bytes: Uint8Array) => void,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes encoded and not yet drained. */
  get size(): number {
    return this.pos;
  }

  encode(r: SyscallFields): void {
    let bound = 160 + r.args.length * 9;
    for (const m of r.reads) bound += 32 + m.bytes.length;
    for (const w of r.writes) bound += 32 + w.bytes.length;
    this.reserve(bound);
    const withStart = r.start !== undefined;
    this.structure(withStart ? ID_SYSCALL : ID_SYSCALL_NO_START, withStart ? SYSCALL_KEYS : SYSCALL_KEYS_NO_START);
    this.string('syscall');
    this.number(r.seq);
    this.number(r.trap);
    this.number(r.time);
    if (r.start !== undefined) this.number(r.start);
    this.number(r.pid);
    this.number(r.tid);
    this.number(r.nr);
    this.head(4, r.args.length);
    for (const a of r.args) this.number(a);
    if (r.result === 'noreturn') this.string(r.result);
    else this.number(r.result);
    this.regions(r.reads);
    this.regions(r.writes);
  }

  /** Bytes encoded elsewhere (the other records), after what is there. */
  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Hands what is encoded to `out`; the buffer is then reused. */
  drain(): void {
    if (this.pos === 0) return;
    this.out(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Room for `bound` more bytes: what is there is drained first if they would not fit. */
  private reserve(bound: number): void {
    if (this.pos + bound <= this.buf.length) return;
    this.drain();
    if (bound > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(bound, this.capacity));
  }

  private regions(list: readonly MemoryRegion[]): void {
    this.head(4, list.length);
    for (const m of list) {
      this.structure(ID_REGION, REGION_KEYS);
      this.number(m.addr);
      this.head(6, TAG_UINT8ARRAY);
      this.head(2, m.bytes.length);
      this.buf.set(m.bytes, this.pos);
      this.pos += m.bytes.length;
    }
  }

  /** The start of an object of that structure: its definition the first time, then its id. */
  private structure(id: number, keys: readonly string[]): void {
    if (this.defined.has(id)) {
      this.head(6, id);
      this.head(4, keys.length);
      return;
    }
    this.defined.add(id);
    this.head(6, TAG_RECORD_INLINE);
    this.head(4, keys.length + 2);
    this.number(id);
    this.head(4, keys.length);
    for (const k of keys) this.string(k);
  }

  /** A major type and its argument (a length, a tag, an unsigned integer below 2^32). */
  private head(major: number, n: number): void {
    const b = this.buf;
    const m = major << 5;
    if (n < 24) b[this.pos++] = m | n;
    else if (n < 0x100) {
      b[this.pos++] = m | 24;
      b[this.pos++] = n;
    } else if (n < 0x10000) {
      b[this.pos++] = m | 25;
      b.writeUInt16BE(n, this.pos);
      this.pos += 2;
    } else {
      b[this.pos++] = m | 26;
      b.writeUInt32BE(n, this.pos);
      this.pos += 4;
    }
  }

  private number(v: number): void {
    if (v >>> 0 === v) this.head(0, v);
    else if (v >> 0 === v) this.head(1, -1 - v);
    else {
      this.buf[this.pos++] = 0xfb;
      this.buf.writeDoubleBE(v, this.pos);
      this.pos += 8;
    }
  }

  /** An ASCII string (the record's keys, 'syscall', 'noreturn'). */
  private string(s: string): void {
    this.head(3, s.length);
    this.pos += this.buf.write(s, this.pos, s.length, 'latin1');
  }
}
