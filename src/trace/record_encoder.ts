// Every record of a trace, encoded by hand: the recorder's hottest path. The bytes are those
// cbor-x's Encoder({ useRecords: true, sequential: true }) writes (format 4 on: cbor-x record
// structures, a structure's keys once, then arrays of values), value for value, so the reader's
// Decoder takes them as before; only the structures' ids are this encoder's own.
// Why not cbor-x itself: a short run is over before cbor-x's general encoder has been compiled
// (each event cost it ~10 us, and compiling it kept a second CPU busy); this one is small, and
// syscall records, the bulk of a trace, have a path of their own with a fixed structure, their
// numbers encoded by the native addon in one call (native/syscall_record.cc: the same bytes);
// the most frequent events have per-kind code and fixed structures too (eventOfKind).
// The buffer records are encoded in is the writer's output buffer, written out when full or
// asked, so no record's bytes outlive it as an object of their own (which the young-generation
// GC would copy while they wait to be written).

import { loadAddon, type NativeAddon } from '../platform/native_addon.js';
import type { MemoryRegion } from './recorded_memory.js';

/**
 * The fields of a syscall record the kernel's record has as they are (see trace_schema.ts,
 * SyscallRecordSchema; format 6); the recorder gives the others (times, regions) beside it.
 */
export interface SyscallCall {
  readonly seq: number;
  readonly trap: number;
  readonly pid: number;
  readonly tid: number;
  readonly nr: number;
  readonly args: readonly number[];
  readonly result: number | 'noreturn';
}

const SYSCALL_KEYS = ['type', 'seq', 'trap', 'time', 'start', 'pid', 'tid', 'nr', 'args', 'result', 'reads', 'writes'];
const SYSCALL_KEYS_NO_START = SYSCALL_KEYS.filter((k) => k !== 'start');
const REGION_KEYS = ['addr', 'bytes'];
const EVENT_KEYS = ['type', 'seq', 'event'];
const INPUT_KEYS = ['type', 'seq', 'tid', 'kind', 'bytes'];
/**
 * Structure ids: cbor-x reads tags 0xe000-0xffff as structures, looked up by their low 13 bits,
 * so 0xfff9-0xffff would shadow its own tags 0xdff9-0xdfff. The structures of the frequent
 * records (syscall, event, input) have fixed ids; the others (headers, ends, the events
 * themselves) are numbered as they are met.
 */
const ID_SYSCALL = 0xff00;
const ID_SYSCALL_NO_START = 0xff01;
const ID_REGION = 0xff02;
const ID_EVENT = 0xff03;
const ID_INPUT = 0xff04;
const FIRST_SHAPE_ID = 0xe000;
const END_SHAPE_IDS = 0xff00;
/** cbor-x's tag for a structure's definition followed by the object's values. */
const TAG_RECORD_INLINE = 0xdfff;
/** RFC 8746: a Uint8Array (cbor-x's encoding of one; a Buffer is a bare byte string). */
const TAG_UINT8ARRAY = 64;
/** RFC 8949 bignums, for bigints beyond 64 bits. */
const TAG_BIGNUM = 2;
const TAG_NEGATIVE_BIGNUM = 3;
/** cbor-x writes strings this long or longer with the host's UTF-8 encoder, shorter ones itself. */
const LONG_STRING = 0x40;
/**
 * The strings whose encoding is kept for the next time they come: up to this length, until
 * their encodings take this many bytes in all (events repeat theirs: every exec's environment
 * and argv, the paths of files mapped and opened).
 */
const KEPT_STRING_MAX = 1024;
const KEPT_STRINGS_BYTES = 1 << 20;
/**
 * Arrays of strings whose encoding is kept whole (an exec's argv and envp: the same ones exec
 * after exec), the most recent this many, each of at most this many bytes.
 */
const KEPT_ARRAYS = 8;
const KEPT_ARRAY_BYTES = 1 << 16;

/** An array of strings met before and its encoding. */
interface KeptArray {
  readonly strings: readonly string[];
  readonly bytes: Uint8Array;
}

/** Buffer's native UTF-8 writer (cbor-x's own way to write strings on node): bytes written. */
interface Utf8Writing {
  utf8Write(s: string, offset: number, max: number): number;
}

/**
 * The slots of the numbers a syscall record's values are encoded from natively (the native
 * addon's encodeSyscallFields, native/syscall_record.h: the same bytes as putNumber's).
 */
const F_SEQ = 0;
const F_TRAP = 1;
const F_TIME = 2;
/** NaN: no start. */
const F_START = 3;
const F_PID = 4;
const F_TID = 5;
const F_NR = 6;
/** NaN: 'noreturn'. */
const F_RESULT = 7;
const F_ARG_COUNT = 8;
const F_ARGS = 9;
const MAX_ARGS = 6;
/** The slots one syscall record's numbers take (see putSyscallFields). */
export const SYSCALL_FIELD_SLOTS = F_ARGS + MAX_ARGS;

/**
 * A syscall record's numbers (but its regions), put in f from slot `at` (a multiple of
 * SYSCALL_FIELD_SLOTS), for RecordEncoder.syscallFrom: a caller that keeps records before they
 * are encoded keeps them so, without an object per record.
 */
export function putSyscallFields(
  f: Float64Array,
  at: number,
  seq: number,
  trap: number,
  time: number,
  start: number | undefined,
  pid: number,
  tid: number,
  nr: number,
  args: readonly number[],
  result: number | 'noreturn',
): void {
  if (args.length > MAX_ARGS) throw new TypeError(`a syscall record with ${args.length} arguments`);
  f[at + F_SEQ] = seq;
  f[at + F_TRAP] = trap;
  f[at + F_TIME] = time;
  f[at + F_START] = start ?? Number.NaN;
  f[at + F_PID] = pid;
  f[at + F_TID] = tid;
  f[at + F_NR] = nr;
  f[at + F_RESULT] = typeof result === 'number' ? result : Number.NaN;
  f[at + F_ARG_COUNT] = args.length;
  for (let i = 0; i < args.length; i++) f[at + F_ARGS + i] = args[i]!;
}
/** Room a syscall record takes besides its regions: its first bytes (a definition at most) and its values. */
const SYSCALL_BOUND = 320;

/** The bytes head() takes for n. */
function headSize(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}
const TWO_64 = 1n << 64n;

/** A CBOR head (major type, argument below 2^32) written at p; the position after it. */
function putHead(b: Uint8Array, p: number, major: number, n: number): number {
  const m = major << 5;
  if (n < 24) {
    b[p] = m | n;
    return p + 1;
  }
  if (n < 0x100) {
    b[p] = m | 24;
    b[p + 1] = n;
    return p + 2;
  }
  if (n < 0x10000) {
    b[p] = m | 25;
    b[p + 1] = n >> 8;
    b[p + 2] = n & 0xff;
    return p + 3;
  }
  b[p] = m | 26;
  b[p + 1] = n >>> 24;
  b[p + 2] = (n >> 16) & 0xff;
  b[p + 3] = (n >> 8) & 0xff;
  b[p + 4] = n & 0xff;
  return p + 5;
}

/**
 * A number as cbor-x writes it, at p: integers of 32 bits (and negative ones down to -2^32) as
 * integers, the rest as float64. The position after it.
 */
function putNumber(b: Uint8Array, view: DataView, p: number, v: number): number {
  if (v >>> 0 === v) return putHead(b, p, 0, v);
  if (v >> 0 === v || (v < 0 && v >= -0x100000000 && Math.floor(v) === v)) return putHead(b, p, 1, -1 - v);
  b[p] = 0xfb;
  view.setFloat64(p + 1, v);
  return p + 9;
}

/** What an input record holds (see trace_schema.ts, InputRecordSchema). */
export type InputKind = 'at_random' | 'rdtsc';
/** A short ASCII string's encoding (made at load: not by putHead, whose stores then see only the output's Buffers). */
const asciiBytes = (s: string): Uint8Array => Uint8Array.from([0x60 | s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))]);
const KIND_RDTSC = asciiBytes('rdtsc');
const KIND_AT_RANDOM = asciiBytes('at_random');

/**
 * The constant first bytes of a record of a fixed structure: its definition (the first time in
 * a file) or its id, then the value of its first key when that is a constant ('syscall').
 */
class FixedStart {
  private static bytes(parts: readonly (readonly [major: number, n: number] | string)[]): Uint8Array {
    const out: number[] = [];
    for (const p of parts) {
      if (typeof p === 'string') {
        out.push(0x60 | p.length, ...Array.from(p, (ch) => ch.charCodeAt(0)));
        continue;
      }
      const [major, n] = p;
      if (n < 24) out.push((major << 5) | n);
      else if (n < 0x100) out.push((major << 5) | 24, n);
      else out.push((major << 5) | 25, n >> 8, n & 0xff);
    }
    return Uint8Array.from(out);
  }

  private static count = 0;
  /** How many there are (all are made when the module is loaded). */
  static get made(): number {
    return FixedStart.count;
  }

  /** Its place in an encoder's list of what it has defined. */
  readonly index = FixedStart.count++;
  readonly definition: Uint8Array;
  readonly use: Uint8Array;

  constructor(
    id: number,
    readonly keys: readonly string[],
    first: string | undefined,
  ) {
    const value = first === undefined ? [] : [first];
    this.definition = FixedStart.bytes([[6, TAG_RECORD_INLINE], [4, keys.length + 2], [0, id], [4, keys.length], ...keys, ...value]);
    this.use = FixedStart.bytes([[6, id], [4, keys.length], ...value]);
  }
}

const SYSCALL_START = new FixedStart(ID_SYSCALL, SYSCALL_KEYS, 'syscall');
const SYSCALL_NO_START_START = new FixedStart(ID_SYSCALL_NO_START, SYSCALL_KEYS_NO_START, 'syscall');
const REGION_START = new FixedStart(ID_REGION, REGION_KEYS, undefined);
const EVENT_START = new FixedStart(ID_EVENT, EVENT_KEYS, 'event');
const INPUT_START = new FixedStart(ID_INPUT, INPUT_KEYS, 'input');

/**
 * The events a run makes most of (a shell's fork, exec, exit: ~20 a process), in their usual
 * structure, with fixed ids after the records': written by eventOfKind, field by field, the
 * type's string part of their first bytes. Events of these kinds with other keys (an optional
 * field present) and all other events take the generic walk.
 */
const EV_FD_CLOSED = new FixedStart(0xff05, ['type', 'pid', 'fd'], 'FdClosed');
const EV_MEMORY_MAPPED = new FixedStart(0xff06, ['type', 'pid', 'mapping'], 'MemoryMapped');
/** A file mapping (MemoryMapped's, and each of ExecCompleted's). */
const MAPPING = new FixedStart(0xff07, ['start', 'end', 'prot', 'flags', 'path', 'offset'], undefined);
const EV_FD_INSTALLED = new FixedStart(0xff08, ['type', 'pid', 'fd', 'fileId', 'cloexec'], 'FdInstalled');
const EV_FILE_OPENED = new FixedStart(0xff09, ['type', 'fileId', 'kind', 'path', 'flags'], 'FileOpened');
const EV_FILE_OFFSET_SET = new FixedStart(0xff0a, ['type', 'fileId', 'offset'], 'FileOffsetSet');
const EV_CLEAR_CHILD_TID_SET = new FixedStart(0xff0b, ['type', 'tid', 'addr'], 'ClearChildTidSet');
const EV_PROCESS_EXITED = new FixedStart(0xff0c, ['type', 'pid', 'waitStatus'], 'ProcessExited');
const EV_PROCESS_FORKED = new FixedStart(0xff0d, ['type', 'pid', 'ppid', 'hostTid', 'startMs'], 'ProcessForked');
const EV_PROCESS_REAPED = new FixedStart(0xff0e, ['type', 'pid'], 'ProcessReaped');
const EV_EXEC_COMPLETED = new FixedStart(0xff0f, ['type', 'pid', 'exe', 'argv', 'envp', 'comm', 'brkStart', 'mappings', 'auxv'], 'ExecCompleted');

/** An event's fields, read by name (each kind's own code reads the same names: one shape per place). */
type EventFields = Readonly<Record<string, unknown>>;

/** Whether o is a plain object of exactly these keys, in this order (the structure a FixedStart names). */
function hasKeys(o: object, keys: readonly string[]): boolean {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) return false;
  let i = 0;
  for (const k in o) {
    if (k !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

/** A node of the tree of key lists met so far: the structure id of the list that ends here. */
class Shape {
  id = -1;
  /** The first key met after this node's, and its node: most nodes have no other (a compare, not a lookup). */
  firstKey: string | undefined = undefined;
  first: Shape | undefined = undefined;
  /** The nodes of the keys met after the first. */
  readonly others = new Map<string, Shape>();

  /** The node of key k after this one, made if it is new. */
  add(k: string): Shape {
    const node = new Shape();
    if (this.firstKey === undefined) {
      this.firstKey = k;
      this.first = node;
    } else {
      this.others.set(k, node);
    }
    return node;
  }
}

export class RecordEncoder {
  private buf: Buffer & Utf8Writing;
  private view: DataView;
  private pos = 0;
  /** Per FixedStart (by its index), whether this output has its definition yet. */
  private readonly defined = new Uint8Array(FixedStart.made);
  private shapes = new Shape();
  private nextShapeId = FIRST_SHAPE_ID;
  /** Strings met before, encoded (a lookup and a copy cost less than the native UTF-8 writer's call). */
  private readonly keptStrings = new Map<string, Uint8Array>();
  private keptStringsBytes = 0;
  /** The numbers of the syscall record being encoded (see F_SEQ). */
  private readonly fields = new Float64Array(F_ARGS + MAX_ARGS);
  private nativeAddon: NativeAddon | undefined;
  /** Arrays of strings met before, encoded (the most recent last). */
  private readonly keptArrays: KeptArray[] = [];

  /** `out` is given the encoded bytes (a view it must not keep) when the buffer is full, and on drain(). */
  constructor(
    private readonly capacity: number,
    private readonly out: (bytes: Uint8Array) => void,
  ) {
    this.buf = Buffer.allocUnsafe(capacity) as Buffer & Utf8Writing;
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** The addon, loaded at the first syscall record (not when the module is evaluated: see snapshot_entry.ts). */
  private get native(): NativeAddon {
    return (this.nativeAddon ??= loadAddon());
  }

  /** Bytes encoded and not yet drained. */
  get size(): number {
    return this.pos;
  }

  /**
   * A syscall record (the path taken ~every trap, hence its fixed structure). A short run
   * executes the recorder unoptimized, where every call, load and store costs: the values are
   * put in a Float64Array and encoded by one native call; the kernel's record is taken as it is.
   */
  syscall(r: SyscallCall, time: number, start: number | undefined, reads: readonly MemoryRegion[], writes: readonly MemoryRegion[]): void {
    putSyscallFields(this.fields, 0, r.seq, r.trap, time, start, r.pid, r.tid, r.nr, r.args, r.result);
    this.syscallFrom(this.fields, 0, reads, writes);
  }

  /** A syscall record whose numbers putSyscallFields put in f at slot `at`, with its regions. */
  syscallFrom(f: Float64Array, at: number, reads: readonly MemoryRegion[], writes: readonly MemoryRegion[]): void {
    const noRegions = reads.length === 0 && writes.length === 0;
    let bound = SYSCALL_BOUND;
    if (!noRegions) {
      for (let i = 0; i < reads.length; i++) bound += 40 + reads[i]!.bytes.length;
      for (let i = 0; i < writes.length; i++) bound += 40 + writes[i]!.bytes.length;
    }
    if (this.pos + bound > this.buf.length) this.room(bound);
    const b = this.buf;
    const fixed = Number.isNaN(f[at + F_START]) ? SYSCALL_NO_START_START : SYSCALL_START;
    let p = this.native.encodeSyscallFields(b, this.fixedAt(fixed, this.pos), f, noRegions, at);
    if (p < 0) throw new Error('the syscall record encoder had no room');
    if (!noRegions) {
      p = this.regionsAt(b, this.view, p, reads);
      p = this.regionsAt(b, this.view, p, writes);
    }
    this.pos = p;
  }

  /** An event record: { type: 'event', seq, event }. */
  event(seq: number, event: object): void {
    // room()'s test made here first, as in the other hot paths: a call less when there is room.
    if (this.pos + 40 > this.buf.length) this.room(40);
    this.pos = putNumber(this.buf, this.view, this.fixedAt(EVENT_START, this.pos), seq);
    if (!this.eventOfKind(event as EventFields)) this.value(event);
  }

  /**
   * An event of a kind with a structure of its own (see EV_FD_CLOSED), when it has that
   * structure's keys and its fields the usual types (numbers, strings, a boolean): its values read
   * by name, not by a walk over its keys (in the baseline code a short run executes, a walk's
   * loads see every kind's shape and take V8's slowest path), and written with one test for room
   * (each test, call and load costs there). False, with nothing written, for any other event,
   * which takes the generic walk (the same values in a structure of its own).
   */
  private eventOfKind(e: EventFields): boolean {
    switch (e['type']) {
      case 'FdClosed':
        return this.numbers(e, EV_FD_CLOSED);
      case 'MemoryMapped': {
        if (!hasKeys(e, EV_MEMORY_MAPPED.keys)) return false;
        const pid = e['pid'];
        if (typeof pid !== 'number') return false;
        this.pos = putNumber(this.buf, this.view, this.startAt(EV_MEMORY_MAPPED, 9), pid);
        this.mapping(e['mapping']);
        return true;
      }
      case 'FdInstalled': {
        if (!hasKeys(e, EV_FD_INSTALLED.keys)) return false;
        const pid = e['pid'];
        const fd = e['fd'];
        const fileId = e['fileId'];
        const cloexec = e['cloexec'];
        if (typeof pid !== 'number' || typeof fd !== 'number' || typeof fileId !== 'number' || typeof cloexec !== 'boolean') return false;
        let p = this.startAt(EV_FD_INSTALLED, 28);
        const b = this.buf;
        const view = this.view;
        p = putNumber(b, view, putNumber(b, view, putNumber(b, view, p, pid), fd), fileId);
        b[p] = cloexec ? 0xf5 : 0xf4;
        this.pos = p + 1;
        return true;
      }
      case 'FileOpened': {
        if (!hasKeys(e, EV_FILE_OPENED.keys)) return false;
        const fileId = e['fileId'];
        const kind = e['kind'];
        const path = e['path'];
        const flags = e['flags'];
        if (typeof fileId !== 'number' || typeof kind !== 'string' || typeof path !== 'string' || typeof flags !== 'number') return false;
        this.pos = putNumber(this.buf, this.view, this.startAt(EV_FILE_OPENED, 9), fileId);
        this.string(kind);
        this.string(path);
        this.putNum(flags);
        return true;
      }
      case 'FileOffsetSet':
        return this.numbers(e, EV_FILE_OFFSET_SET);
      case 'ClearChildTidSet':
        return this.numbers(e, EV_CLEAR_CHILD_TID_SET);
      case 'ProcessExited':
        return this.numbers(e, EV_PROCESS_EXITED);
      case 'ProcessForked':
        return this.numbers(e, EV_PROCESS_FORKED);
      case 'ProcessReaped':
        return this.numbers(e, EV_PROCESS_REAPED);
      case 'ExecCompleted': {
        if (!hasKeys(e, EV_EXEC_COMPLETED.keys)) return false;
        const pid = e['pid'];
        const exe = e['exe'];
        const comm = e['comm'];
        const brkStart = e['brkStart'];
        const mappings = e['mappings'];
        if (typeof pid !== 'number' || typeof exe !== 'string' || typeof comm !== 'string' || typeof brkStart !== 'number' || !Array.isArray(mappings)) {
          return false;
        }
        this.pos = putNumber(this.buf, this.view, this.startAt(EV_EXEC_COMPLETED, 9), pid);
        this.string(exe);
        this.value(e['argv']);
        this.value(e['envp']);
        this.string(comm);
        if (this.pos + 14 > this.buf.length) this.room(14);
        this.pos = putHead(this.buf, putNumber(this.buf, this.view, this.pos, brkStart), 4, mappings.length);
        for (let i = 0; i < mappings.length; i++) this.mapping(mappings[i]);
        this.value(e['auxv']);
        return true;
      }
      default:
        return false;
    }
  }

  /** An event whose fields after its type are all numbers, written in its structure's key order, as eventOfKind writes others. */
  private numbers(e: EventFields, start: FixedStart): boolean {
    const keys = start.keys;
    if (!hasKeys(e, keys)) return false;
    // keys[0] is 'type', written with the structure's first bytes.
    for (let i = 1; i < keys.length; i++) if (typeof e[keys[i]!] !== 'number') return false;
    let p = this.startAt(start, 9 * (keys.length - 1));
    const buf = this.buf;
    for (let i = 1; i < keys.length; i++) p = putNumber(buf, this.view, p, e[keys[i]!] as number);
    this.pos = p;
    return true;
  }

  /**
   * The first bytes of an object of start's structure at this.pos, with room for `more` bytes
   * after them (nothing is drained until they are written): the position after them. The caller
   * sets this.pos.
   */
  private startAt(start: FixedStart, more: number): number {
    const need = start.definition.length + more;
    if (this.pos + need > this.buf.length) this.room(need);
    return this.fixedAt(start, this.pos);
  }

  /**
   * A file mapping: MAPPING's structure when it has its keys and its fields their usual types
   * (numbers, a string path), else as any value.
   */
  private mapping(v: unknown): void {
    if (typeof v !== 'object' || v === null || !hasKeys(v, MAPPING.keys)) {
      this.value(v);
      return;
    }
    const m = v as EventFields;
    const start = m['start'];
    const end = m['end'];
    const prot = m['prot'];
    const flags = m['flags'];
    const path = m['path'];
    const offset = m['offset'];
    if (typeof start !== 'number' || typeof end !== 'number' || typeof prot !== 'number' || typeof flags !== 'number' || typeof path !== 'string' || typeof offset !== 'number') {
      this.value(v);
      return;
    }
    const p = this.startAt(MAPPING, 36);
    const b = this.buf;
    const view = this.view;
    this.pos = putNumber(b, view, putNumber(b, view, putNumber(b, view, putNumber(b, view, p, start), end), prot), flags);
    this.string(path);
    this.putNum(offset);
  }

  /** A number, room made for it. */
  private putNum(v: number): void {
    if (this.pos + 9 > this.buf.length) this.room(9);
    this.pos = putNumber(this.buf, this.view, this.pos, v);
  }

  /** An input record: { type: 'input', seq, tid, kind, bytes }. */
  input(seq: number, tid: number, kind: InputKind, bytes: Uint8Array): void {
    this.room(80);
    this.pos = this.inputHeadAt(this.pos, seq, tid, kind);
    this.bytes(bytes);
  }

  /**
   * An input record of a 64-bit value (rdtsc's), its bytes little-endian: the record the
   * recorder wrote for it as an 8-byte Buffer, without making one.
   */
  inputU64(seq: number, tid: number, kind: InputKind, value: bigint): void {
    this.room(80);
    const p = this.inputHeadAt(this.pos, seq, tid, kind);
    this.buf[p] = 0x48; // head(2, 8): a byte string of 8
    // setBigUint64 takes the value modulo 2^64.
    this.view.setBigUint64(p + 1, value, true);
    this.pos = p + 9;
  }

  /** An input record's fields before its bytes, at p (room made); the position after them. */
  private inputHeadAt(p: number, seq: number, tid: number, kind: InputKind): number {
    const b = this.buf;
    p = putNumber(b, this.view, this.fixedAt(INPUT_START, p), seq);
    p = putNumber(b, this.view, p, tid);
    const k = kind === 'rdtsc' ? KIND_RDTSC : KIND_AT_RANDOM;
    b.set(k, p);
    return p + k.length;
  }

  /**
   * Any other record (header, end), as cbor-x encodes it. The values a record
   * holds: plain objects, arrays, strings, numbers, bigints, booleans, null, undefined and
   * Uint8Arrays (Buffers included); anything else is a bug of the recorder's, reported as one.
   */
  record(value: object): void {
    this.value(value);
  }

  /** Hands what is encoded to `out`; the buffer is then reused. */
  drain(): void {
    if (this.pos === 0) return;
    this.out(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Room for `bound` more bytes: what is there is drained first if they would not fit. */
  private room(bound: number): void {
    if (this.pos + bound <= this.buf.length) return;
    this.drain();
    if (bound > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(bound, this.capacity)) as Buffer & Utf8Writing;
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    }
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.room(9);
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.room(1);
        this.buf[this.pos++] = v ? 0xf5 : 0xf4;
        return;
      case 'undefined':
        this.room(1);
        this.buf[this.pos++] = 0xf7;
        return;
      case 'bigint':
        this.bigint(v);
        return;
      case 'object': {
        if (v === null) {
          this.room(1);
          this.buf[this.pos++] = 0xf6;
          return;
        }
        // The most frequent first: events and what they hold are plain objects and arrays.
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto === Object.prototype || proto === null) {
          this.object(v as Record<string, unknown>);
        } else if (Array.isArray(v)) {
          if (v.length > 0 && typeof v[0] === 'string') {
            this.stringArray(v as unknown[]);
            return;
          }
          this.room(9);
          this.head(4, v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
        } else if (v instanceof Uint8Array) {
          this.bytes(v);
        } else {
          throw new TypeError(`a trace record holds a ${v.constructor?.name ?? 'foreign object'}`);
        }
        return;
      }
      default:
        throw new TypeError(`a trace record holds a ${typeof v}`);
    }
  }

  /** A plain object: its structure (by its keys, in order), then its values. */
  private object(o: Record<string, unknown>): void {
    let shape = this.shapes;
    let count = 0;
    for (const k in o) {
      let next = shape.firstKey === k ? shape.first : shape.others.get(k);
      if (next === undefined) next = shape.add(k);
      shape = next;
      count++;
    }
    this.room(24);
    if (shape.id < 0) {
      if (this.nextShapeId === END_SHAPE_IDS) {
        // Every id is taken: start again (a definition replaces the reader's earlier one).
        this.shapes = new Shape();
        this.nextShapeId = FIRST_SHAPE_ID;
        this.object(o);
        return;
      }
      shape.id = this.nextShapeId++;
      this.head(6, TAG_RECORD_INLINE);
      this.head(4, count + 2);
      this.number(shape.id);
      this.head(4, count);
      for (const k in o) this.string(k);
    } else {
      this.head(6, shape.id);
      this.head(4, count);
    }
    for (const k in o) {
      const v = o[k];
      // The values events hold most, without value()'s dispatch.
      if (typeof v === 'string') this.string(v);
      else if (typeof v === 'number' && v >>> 0 === v) {
        this.room(5);
        this.head(0, v);
      } else this.value(v);
    }
  }

  /**
   * An array whose first element is a string: copied from its kept encoding when an array of
   * the same strings was met lately (comparing the strings costs less than encoding them
   * again, even from their kept encodings), else encoded and, when it holds only strings, kept.
   */
  private stringArray(a: readonly unknown[]): void {
    const n = a.length;
    const kept = this.keptArrays;
    for (let k = kept.length - 1; k >= 0; k--) {
      const entry = kept[k]!;
      const strings = entry.strings;
      if (strings.length !== n) continue;
      let i = 0;
      while (i < n && strings[i] === a[i]) i++;
      if (i === n) {
        const bytes = entry.bytes;
        this.room(bytes.length);
        this.buf.set(bytes, this.pos);
        this.pos += bytes.length;
        return;
      }
    }
    // Room for all of it first, so that no drain cuts it: its bytes are then one piece to keep.
    let bound = 9;
    for (let i = 0; i < n; i++) {
      const s = a[i];
      if (typeof s !== 'string') {
        this.room(9);
        this.head(4, n);
        for (let j = 0; j < n; j++) this.value(a[j]);
        return;
      }
      bound += 5 + s.length * 3;
    }
    this.room(bound);
    const start = this.pos;
    this.head(4, n);
    for (let i = 0; i < n; i++) this.string(a[i] as string);
    if (this.pos - start > KEPT_ARRAY_BYTES) return;
    if (kept.length === KEPT_ARRAYS) kept.shift();
    kept.push({ strings: (a as string[]).slice(), bytes: new Uint8Array(this.buf.subarray(start, this.pos)) });
  }

  /** A list of memory regions at p (room made); the position after it. */
  private regionsAt(b: Uint8Array, view: DataView, p: number, list: readonly MemoryRegion[]): number {
    p = putHead(b, p, 4, list.length);
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      const bytes = m.bytes;
      p = putNumber(b, view, this.fixedAt(REGION_START, p), m.addr);
      b[p] = 0xd8; // head(6, TAG_UINT8ARRAY)
      b[p + 1] = TAG_UINT8ARRAY;
      p = putHead(b, p + 2, 2, bytes.length);
      b.set(bytes, p);
      p += bytes.length;
    }
    return p;
  }

  /**
   * The start of an object of a fixed structure at p (room made): its definition the first
   * time, then its id. The position after it.
   */
  private fixedAt(start: FixedStart, p: number): number {
    let bytes = start.use;
    if (this.defined[start.index] === 0) {
      this.defined[start.index] = 1;
      bytes = start.definition;
    }
    this.buf.set(bytes, p);
    return p + bytes.length;
  }

  /** A Uint8Array with cbor-x's tag; a Buffer (or other subclass) as a bare byte string. */
  private bytes(b: Uint8Array): void {
    this.room(12 + b.length);
    if (b.constructor === Uint8Array) this.head(6, TAG_UINT8ARRAY);
    this.head(2, b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  private bigint(v: bigint): void {
    if (v >= 0n && v < TWO_64) {
      this.room(9);
      this.buf[this.pos++] = 0x1b;
      this.view.setBigUint64(this.pos, v);
      this.pos += 8;
    } else if (v < 0n && v > -TWO_64) {
      this.room(9);
      this.buf[this.pos++] = 0x3b;
      this.view.setBigUint64(this.pos, -v - 1n);
      this.pos += 8;
    } else {
      // A bignum: the magnitude's bytes, most significant first.
      let n = v >= 0n ? v : -1n - v;
      const digits: number[] = [];
      while (n > 0n) {
        digits.push(Number(n & 0xffn));
        n >>= 8n;
      }
      this.room(1);
      this.head(6, v >= 0n ? TAG_BIGNUM : TAG_NEGATIVE_BIGNUM);
      this.bytes(Buffer.from(digits.reverse()));
    }
  }

  /**
   * A string as cbor-x writes it: by Buffer's own UTF-8 writer (one native call, as cbor-x
   * does for long strings), except a short one that is not ASCII, which cbor-x writes by its
   * own loop (a lone surrogate as its 3-byte form, where the native writer puts U+FFFD).
   */
  private string(s: string): void {
    const n = s.length;
    const max = n * 3;
    // Room for the loop's bound too: nothing is drained while the string is written.
    if (this.pos + 5 + max > this.buf.length) this.room(5 + max);
    const kept = n <= KEPT_STRING_MAX ? this.keptStrings.get(s) : undefined;
    if (kept !== undefined) {
      this.buf.set(kept, this.pos);
      this.pos += kept.length;
      return;
    }
    const start = this.pos;
    const guess = headSize(max);
    const at = start + guess;
    const len = this.buf.utf8Write(s, at, max);
    if (len !== n && n < LONG_STRING) {
      this.stringAsCborXLoop(s);
    } else {
      const size = headSize(len);
      if (size !== guess) this.buf.copyWithin(start + size, at, at + len);
      this.head(3, len);
      this.pos += len;
    }
    if (n <= KEPT_STRING_MAX && this.keptStringsBytes < KEPT_STRINGS_BYTES) {
      this.keptStrings.set(s, new Uint8Array(this.buf.subarray(start, this.pos)));
      this.keptStringsBytes += this.pos - start;
    }
  }

  private stringAsCborXLoop(s: string): void {
    const n = s.length;
    this.room(5 + n * 3);
    let len = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) len += 1;
      else if (c < 0x800) len += 2;
      else if ((c & 0xfc00) === 0xd800 && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        len += 4;
        i++;
      } else len += 3;
    }
    this.head(3, len);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      let c2: number;
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = (c >> 6) | 0xc0;
        b[p++] = (c & 0x3f) | 0x80;
      } else if ((c & 0xfc00) === 0xd800 && i + 1 < n && ((c2 = s.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c & 0x03ff) << 10) + (c2 & 0x03ff);
        i++;
        b[p++] = (c >> 18) | 0xf0;
        b[p++] = ((c >> 12) & 0x3f) | 0x80;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      } else {
        b[p++] = (c >> 12) | 0xe0;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      }
    }
    this.pos = p;
  }

  /** A major type and its argument (a length, a tag, an unsigned integer below 2^32); room already made. */
  private head(major: number, n: number): void {
    this.pos = putHead(this.buf, this.pos, major, n);
  }

  /** A number as cbor-x writes it (see putNumber); room already made. */
  private number(v: number): void {
    this.pos = putNumber(this.buf, this.view, this.pos, v);
  }
}
