// The recorder's hand-made records: cbor-x record structures that the trace reader's Decoder
// reads back as the values cbor-x's own Encoder (the one the recorder used before) gives it,
// value for value and type for type.
import { expect } from 'chai';

import { Decoder, Encoder } from 'cbor-x';

import { RecordEncoder, type SyscallCall } from '../../src/trace/record_encoder.js';
import type { MemoryRegion } from '../../src/trace/recorded_memory.js';

/** A syscall record's fields: the kernel's record and what the recorder gives beside it. */
interface SyscallFields extends SyscallCall {
  time: number;
  start: number | undefined;
  reads: readonly MemoryRegion[];
  writes: readonly MemoryRegion[];
}

const calls: SyscallFields[] = [
  {
    seq: 1, trap: 1, time: 12_372_904, start: 12_000_000, pid: 1, tid: 1, nr: 257,
    args: [-100, 140737488351000, 0x80000, 0, -1, 2 ** 40], result: 3,
    reads: [{ addr: 140737488351000, bytes: new TextEncoder().encode('/etc/passwd\0') }],
    writes: [],
  },
  {
    seq: 3, trap: 2, time: 5_000_000_123, start: undefined, pid: 1, tid: 2, nr: 0,
    args: [3, 4096, 300, 0, 0, 0], result: 300, reads: [],
    writes: [{ addr: 4096, bytes: new Uint8Array(300).fill(7) }, { addr: 8192, bytes: new Uint8Array(0) }],
  },
  { seq: 3, trap: 3, time: 7.5, start: 1, pid: 2, tid: 2, nr: 231, args: [0, 0, 0, 0, 0, 0], result: 'noreturn', reads: [], writes: [] },
  { seq: 4, trap: 4, time: 8, start: 2, pid: 2, tid: 2, nr: 2, args: [0, 0, 0, 0, 0, 0], result: -2, reads: [{ addr: 2 ** 46, bytes: new Uint8Array(70_000).fill(0x78) }], writes: [] },
];

/** The object cbor-x would have been given for it. */
function asRecord(c: SyscallFields): Record<string, unknown> {
  const { start, ...rest } = c;
  const record: Record<string, unknown> = { type: 'syscall', seq: c.seq, trap: c.trap, time: c.time };
  if (start !== undefined) record.start = start;
  const regions = (list: SyscallFields['writes']) => list.map((m) => ({ addr: m.addr, bytes: m.bytes }));
  return { ...record, ...rest, args: [...c.args], reads: regions(c.reads), writes: regions(c.writes) };
}

/** Every boundary of the encodings cbor-x chooses between. */
const NUMBERS = [
  0, -0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 64, -1, -24, -25, -256,
  -257, -65536, -65537, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 32), -(2 ** 32) - 1, 1.5, -0.25, 1e300, Number.NaN, Infinity, -Infinity,
];
const BIGINTS = [0n, 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 100n + 7n, -1n, -(2n ** 64n), -(2n ** 64n) - 1n, -(2n ** 90n)];
const STRINGS = [
  '', 'a', 'x'.repeat(23), 'x'.repeat(24), 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(255), 'x'.repeat(256), 'y'.repeat(70_000),
  'é', 'ü'.repeat(40), '€ and 𝄞', '\ud800 lone high', 'lone low \udc00', `long ${'\ud800'.repeat(70)}`, `${'ab'.repeat(40)}\udfff`,
  '\u0000nul', 'aé€𝄞'.repeat(30),
];

/** The values records hold (see RecordEncoder.record), in several shapes and nestings. */
function sampleRecords(): object[] {
  const list: object[] = [
    { type: 'header', magic: 'tsvisor-trace', version: 6, argv: ['sh', '-c', 'true'], host: { kernel: '6.1', arch: 'x64' } },
    { type: 'event', seq: 1, event: { type: 'FdClosed', pid: 1, fd: 3 } },
    { type: 'event', seq: 2, event: { type: 'FdClosed', pid: 1, fd: 4 } },
    { type: 'input', seq: 2, tid: 1, kind: 'rdtsc', bytes: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) },
    { type: 'input', seq: 3, tid: 1, kind: 'at_random', bytes: new Uint8Array(16).fill(9) },
    { numbers: NUMBERS, bigints: BIGINTS, strings: STRINGS },
    { yes: true, no: false, nothing: null, missing: undefined, empty: [], many: Array.from({ length: 30 }, (_, i) => i * 1000) },
    { nested: { a: { b: { c: [{ d: 1 }, { d: 2, e: 'two' }, { e: 'three', d: 3 }] } } } },
    // An object holding one with the same keys, then both again.
    { a: { a: { a: 1 } } }, { a: { a: { a: 2 } } }, { x: 1, y: { x: 2, y: { x: 3, y: null } } },
    // 24 keys and more: a longer header than the usual one.
    Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, i])),
    Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, `v${i}`])),
    // Key lists that extend one another (cbor-x reuses a structure id for them).
    { a: 1 }, { a: 1, b: 2 }, { a: 1, b: 2, c: 3 }, { a: 1 }, { b: 2, a: 1 },
    Object.assign(Object.create(null) as object, { bare: 'no prototype' }),
    { buffers: [Buffer.alloc(0), new Uint8Array(0), Buffer.alloc(300, 1), new Uint8Array(70_000).fill(2), Buffer.from('abc').subarray(1)] },
  ];
  for (const n of NUMBERS) list.push({ n });
  for (const s of STRINGS) list.push({ s });
  return list;
}

/** Deep equality that also tells a Buffer from a Uint8Array and NaN from other numbers. */
function expectSame(actual: unknown, expected: unknown, at = 'record'): void {
  if (typeof expected === 'number' && Number.isNaN(expected)) {
    expect(Number.isNaN(actual), at).to.equal(true);
    return;
  }
  if (expected instanceof Uint8Array) {
    expect(actual, at).to.be.instanceOf(Uint8Array);
    expect((actual as Uint8Array).constructor.name, `${at}: type`).to.equal(expected.constructor.name);
    expect(Buffer.from(actual as Uint8Array).equals(Buffer.from(expected)), `${at}: bytes`).to.equal(true);
    return;
  }
  if (typeof expected !== 'object' || expected === null) {
    expect(Object.is(actual, expected) || actual === expected, `${at}: ${String(actual)} vs ${String(expected)}`).to.equal(true);
    expect(typeof actual, `${at}: type`).to.equal(typeof expected);
    return;
  }
  expect(typeof actual, at).to.equal('object');
  expect(Array.isArray(actual), `${at}: array`).to.equal(Array.isArray(expected));
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  expect(Object.keys(a), `${at}: keys`).to.deep.equal(Object.keys(e));
  for (const k of Object.keys(e)) expectSame(a[k], e[k], `${at}.${k}`);
}

function decodeAll(bytes: Uint8Array): unknown[] {
  return new Decoder({ mapsAsObjects: true, structures: [] }).decodeMultiple(bytes) as unknown[];
}

/** What the trace reader gets from cbor-x's own encoding of the same records. */
function viaCborX(records: object[]): unknown[] {
  const cbor = new Encoder({ useRecords: true, sequential: true });
  return decodeAll(Buffer.concat(records.map((r) => cbor.encode(r))));
}

function viaRecordEncoder(capacity: number, fill: (enc: RecordEncoder) => void): unknown[] {
  const parts: Uint8Array[] = [];
  const enc = new RecordEncoder(capacity, (bytes) => parts.push(Buffer.from(bytes)));
  fill(enc);
  enc.drain();
  expect(enc.size).to.equal(0);
  return decodeAll(Buffer.concat(parts));
}

describe('trace writer: records encoded by hand', () => {
  it('syscall records decode as the objects they stand for, interleaved with other records', () => {
    const event = { type: 'event', seq: 1, event: { type: 'FdClosed', pid: 1, fd: 3 } };
    // A small buffer: it is drained many times, and a record larger than it gets one of its own.
    const back = viaRecordEncoder(1024, (enc) => {
      for (const c of [...calls, ...calls]) {
        enc.syscall(c, c.time, c.start, c.reads, c.writes);
        enc.record(event);
      }
    });
    expectSame(back, [...calls, ...calls].flatMap((c) => [asRecord(c), event]));
  });

  it("a syscall record's numbers (encoded natively) decode as cbor-x's encoding of them does, at every boundary", () => {
    const numbered: SyscallFields[] = [];
    for (let i = 0; i < NUMBERS.length; i += 6) {
      const args = NUMBERS.slice(i, i + 6);
      const n = NUMBERS[i]!;
      // Every field takes a number; a result is never NaN (NaN stands for 'noreturn').
      const result = Number.isNaN(n) ? -1 : n;
      numbered.push({ seq: n, trap: n, time: n, start: n, pid: n, tid: n, nr: n, args, result, reads: [], writes: [] });
      numbered.push({ seq: i, trap: i, time: i + 0.5, start: undefined, pid: 1, tid: 1, nr: 0, args: [], result, reads: [], writes: [] });
    }
    const back = viaRecordEncoder(256, (enc) => numbered.forEach((c) => enc.syscall(c, c.time, c.start, c.reads, c.writes)));
    expectSame(back, viaCborX(numbered.map(asRecord)));
  });

  it('event and input records decode as the objects they stand for, among generic records of the same shapes', () => {
    const event = { type: 'ExecCompleted', pid: 2, exe: '/bin/true', argv: ['true'], mappings: [{ start: 4096, end: 8192, prot: 5, flags: 2, path: '/bin/true', offset: 0 }] };
    const rdtsc = Buffer.alloc(8);
    rdtsc.writeBigUInt64LE(0x1234_5678_9abc_def0n);
    const expected = [
      { type: 'event', seq: 7, event },
      { type: 'input', seq: 7, tid: 3, kind: 'at_random', bytes: Buffer.alloc(16, 5) },
      { type: 'input', seq: 8, tid: 3, kind: 'rdtsc', bytes: rdtsc },
      { type: 'input', seq: 9, tid: 1, kind: 'at_random', bytes: new Uint8Array(16).fill(6) },
      { type: 'event', seq: 10, event: { type: 'FdClosed', pid: 1, fd: 3 } },
    ];
    const back = viaRecordEncoder(40, (enc) => {
      enc.event(7, event);
      enc.input(7, 3, 'at_random', Buffer.alloc(16, 5));
      enc.inputU64(8, 3, 'rdtsc', 0x1234_5678_9abc_def0n);
      enc.input(9, 1, 'at_random', new Uint8Array(16).fill(6));
      enc.record(expected[4]!);
    });
    expectSame(back, viaCborX(expected));
  });

  it('events of the kinds with a structure of their own decode as cbor-x encodes them, in that structure or not', () => {
    const mapping = { start: 2 ** 46, end: 2 ** 46 + 8192, prot: 5, flags: 2, path: '/lib/libc.so.6', offset: 4096 };
    const usual = [
      { type: 'FdClosed', pid: 1, fd: 3 },
      { type: 'MemoryMapped', pid: 1, mapping },
      { type: 'FdInstalled', pid: 1, fd: 3, fileId: 7, cloexec: true },
      { type: 'FileOpened', fileId: 7, kind: 'host', path: '/etc/passwd', flags: 0x80000 },
      { type: 'FileOffsetSet', fileId: 7, offset: 2 ** 40 },
      { type: 'ClearChildTidSet', tid: 2, addr: 2 ** 47 - 8 },
      { type: 'ProcessExited', pid: 2, waitStatus: 256 },
      { type: 'ProcessForked', pid: 2, ppid: 1, hostTid: 4242, startMs: 1_764_000_000_123.5 },
      { type: 'ProcessReaped', pid: 2 },
      {
        type: 'ExecCompleted', pid: 2, exe: '/bin/true', argv: ['true'], envp: ['A=1', 'B=é'], comm: 'true', brkStart: 2 ** 45,
        mappings: [mapping, { start: 0, end: 4096, prot: 0, flags: 0x22 }, { ...mapping, path: '/bin/true' }],
      },
    ];
    // The same kinds in other structures: an optional field, other orders, values of other types, no prototype.
    const other = [
      { type: 'FdClosed', fd: 3, pid: 1 },
      { type: 'FdClosed', pid: 1, fd: 3, extra: 'x' },
      { type: 'FdClosed', pid: 1 },
      { type: 'MemoryMapped', pid: 1, mapping: { start: 4096, end: 8192, prot: 3, flags: 0x22 } },
      { type: 'MemoryMapped', pid: 1, mapping: null },
      { type: 'FileOpened', fileId: 8, kind: 'host', path: '/x', flags: 0, hostFd: 12 },
      { type: 'ProcessForked', pid: 3, ppid: 1, hostTid: 4243, comm: 'sh', startMs: 5 },
      { type: 'ProcessForked', pid: 3, ppid: 1, hostTid: 4243 },
      { type: 'ProcessExited', pid: 'two', waitStatus: -1.5 },
      { type: 'FdInstalled', pid: 1, fd: 3, fileId: 7n, cloexec: undefined },
      { type: 'ExecCompleted', pid: 2, exe: '/bin/true', argv: [], envp: [], comm: 'true', brkStart: 0, mappings: [], creds: { uid: 0 } },
      { type: 'ExecCompleted', pid: 2, exe: 7, argv: 'no', envp: [1], comm: null, brkStart: -1, mappings: 'none' },
      { type: 'FdClosed', pid: 1, fd: '3' },
      { type: 'FdInstalled', pid: 1, fd: 3, fileId: 7, cloexec: 1 },
      { type: 'FileOpened', fileId: 8, kind: 3, path: '/x', flags: 0 },
      { type: 'FileOpened', fileId: 8, kind: 'host', path: '/x', flags: 1n },
      { type: 'MemoryMapped', pid: '1', mapping },
      { type: 'MemoryMapped', pid: 1, mapping: { ...mapping, path: 7 } },
      { type: 'MemoryMapped', pid: 1, mapping: { ...mapping, offset: undefined } },
      { type: 'FileOffsetSet', fileId: 7, offset: 2n ** 70n },
      { type: 'ProcessForked', pid: 3, ppid: 1, hostTid: 4243, startMs: null },
      { type: 'ProcessReaped', pid: [2] },
      { type: 'ExecCompleted', pid: 2, exe: '/bin/true', argv: ['true'], envp: [], comm: 'true', brkStart: '0', mappings: [mapping] },
      { type: 'ExecCompleted', pid: 2, exe: '/bin/true', argv: ['true'], envp: [], comm: 'true', brkStart: 0, mappings: [mapping, { ...mapping, prot: true }, null] },
      Object.assign(Object.create(null) as object, { type: 'FdClosed', pid: 1, fd: 4 }),
      { type: 'NotAKind', pid: 1, fd: 3 },
      { pid: 1, fd: 3 },
    ];
    // Each list twice: a structure's definition the first time, its id after.
    const events = [...usual, ...other, ...usual, ...other, { pid: 1, fd: 3 }];
    for (const capacity of [48, 1 << 20]) {
      const back = viaRecordEncoder(capacity, (enc) => events.forEach((event, i) => enc.event(i, event)));
      expectSame(back, viaCborX(events.map((event, i) => ({ type: 'event', seq: i, event }))));
    }
  });

  for (const capacity of [64, 1 << 20]) {
    it(`other records decode as cbor-x's encoding of them does (a buffer of ${capacity} bytes)`, () => {
      const records = sampleRecords();
      expectSame(viaRecordEncoder(capacity, (enc) => records.forEach((r) => enc.record(r))), viaCborX(records));
    });
  }

  it('goes on when every structure id has been given (a definition replaces the earlier one)', () => {
    const records: object[] = [];
    for (let i = 0; i < 9000; i++) records.push({ [`k${i}`]: i, type: 'many' });
    records.push({ k0: 'again', type: 'many' }, { a: 1 });
    expectSame(viaRecordEncoder(1 << 16, (enc) => records.forEach((r) => enc.record(r))), viaCborX(records));
  });

  it('goes on when the ids run out inside an object, between values of the objects around it', () => {
    // Each record defines new structures, one inside another; the ids run out at one of them,
    // with values written before and after it.
    const records: object[] = [];
    for (let i = 0; i < 4200; i++) records.push({ type: 'outer', [`o${i}`]: 'before', inner: { seen: i, [`i${i}`]: { deep: [i] } }, after: `a${i}` });
    records.push({ type: 'outer', o0: 'before', inner: { seen: 0, i0: { deep: [0] } }, after: 'a0' }, { a: { a: 1 } });
    // A small buffer as well: drained between and within records.
    for (const capacity of [1 << 16, 48]) expectSame(viaRecordEncoder(capacity, (enc) => records.forEach((r) => enc.record(r))), viaCborX(records));
  });

  it('refuses values no trace record holds, rather than writing something else', () => {
    for (const v of [new Map([[1, 2]]), new Set([1]), new Date(0), new Int32Array(2), () => 1, Symbol('s')]) {
      const enc = new RecordEncoder(1024, () => undefined);
      expect(() => enc.record({ v }), String(v)).to.throw(TypeError, /a trace record holds/);
    }
  });
});
