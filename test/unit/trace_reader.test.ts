// Reading traces fast without checking less: the compiled check (fast_check.ts) passes only
// what zod passes unchanged, and a corrupt record is still named by zod's message.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Encoder } from 'cbor-x';

import { compileCheck } from '../../src/trace/fast_check.js';
import { openTrace, TraceError } from '../../src/trace/trace_reader.js';
import { TRACE_MAGIC, TraceRecordSchema, type TraceRecord } from '../../src/trace/trace_schema.js';

const header = { type: 'header', magic: TRACE_MAGIC, version: 2, tsvisor: 'test', argv: ['x'], platform: 'ptrace', host: { kernel: 'k', arch: 'x64' }, startedAt: 'now' };
const syscall = { type: 'syscall', seq: 1, time: 5, pid: 1, tid: 1, nr: 39, args: [0, 0, 0, 0, 0, 0], result: 1, text: 'getpid() = 1', writes: [{ addr: 4096, bytes: new Uint8Array([1]) }] };
const exec = {
  type: 'event', seq: 0,
  event: { type: 'ExecCompleted', pid: 1, exe: '/x', argv: ['x'], envp: [], comm: 'x', brkStart: 4096, mappings: [{ start: 0, end: 4096, prot: 5, flags: 2 }] },
};
const input = { type: 'input', seq: 0, tid: 1, kind: 'at_random', bytes: new Uint8Array(16) };
/** A file mapping: its dev and ino are bigints with a lower bound (z.bigint().nonnegative()). */
const mapped = {
  type: 'event', seq: 3,
  event: { type: 'MemoryMapped', pid: 1, mapping: { start: 4096, end: 8192, prot: 1, flags: 2, path: '/lib/x.so', offset: 0, dev: 2049n, ino: 0n } },
};
/** Format 6: the raw memory the text is made from, no text. */
const syscall6 = { type: 'syscall', seq: 2, time: 6, start: 5, pid: 1, tid: 1, nr: 2, args: [4096, 0, 0, 0, 0, 0], result: -2, reads: [{ addr: 4096, bytes: new Uint8Array([0x2f, 0]) }], writes: [] };

/** A record for an assertion's message (bigints as numbers with an n). */
const show = (r: unknown) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe('trace reader: compiled record check', () => {
  const check = compileCheck(TraceRecordSchema);

  it('passes valid records of every kind', () => {
    const signals = [
      { type: 'signal', seq: 3, tid: 1, sig: 17, at: 'call' },
      { type: 'signal', seq: 3, tid: 1, sig: 14, at: 'return', trap: 2 },
      { type: 'signal', seq: 3, tid: 2, sig: 15, at: 'anywhere' },
    ];
    for (const r of [syscall, syscall6, exec, input, mapped, ...signals, { type: 'end', seq: 2, waitStatus: 0, digest: 'ab' }]) {
      expect(TraceRecordSchema.safeParse(r).success, show(r)).to.equal(true);
      expect(check(r), show(r)).to.equal(true);
    }
  });

  it('refuses what zod refuses, and what zod would change (a default to fill in)', () => {
    const bad: unknown[] = [
      { ...syscall, seq: 1.5 },
      { ...syscall, seq: '1' },
      { ...syscall, args: [0, Number.NaN] },
      { ...syscall, result: 'later' },
      { ...syscall, writes: [{ addr: 1, bytes: [1] }] },
      { ...syscall6, reads: [{ addr: 1, bytes: [1] }] },
      { ...syscall6, reads: [{ bytes: new Uint8Array(1) }] },
      { ...syscall, type: 'sycall' },
      { ...exec, event: { ...exec.event, brkStart: -1 } },
      { ...mapped, event: { ...mapped.event, mapping: { ...mapped.event.mapping, dev: -1n } } },
      { ...mapped, event: { ...mapped.event, mapping: { ...mapped.event.mapping, ino: 5 } } },
      { ...exec, event: { ...exec.event, type: 'NoSuchEvent' } },
      { type: 'end', seq: 2, waitStatus: 0 },
      { type: 'signal', seq: 3, tid: 1, sig: 17, at: 'somewhere' },
      { type: 'signal', seq: 3, tid: 1, at: 'call' },
      null,
      [syscall],
    ];
    for (const r of bad) {
      expect(check(r), show(r)).to.equal(false);
      expect(TraceRecordSchema.safeParse(r).success, show(r)).to.equal(false);
    }
    const { envp: _, ...withoutEnvp } = exec.event;
    const old = { ...exec, event: withoutEnvp };
    expect(check(old)).to.equal(false);
    expect(TraceRecordSchema.safeParse(old).success).to.equal(true);
  });

  describe('reading a file', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'tsvisor-reader-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    function write(name: string, items: unknown[]): string {
      const encoder = new Encoder({ useRecords: false, mapsAsObjects: false });
      const file = join(dir, name);
      writeFileSync(file, Buffer.concat(items.map((i) => encoder.encode(i))));
      return file;
    }

    it('gives zod-parsed records where zod fills something in (traces from before envp)', () => {
      const { envp: _, ...withoutEnvp } = exec.event;
      const records: TraceRecord[] = [...openTrace(write('old.trace', [header, { ...exec, event: withoutEnvp }, syscall]), () => {}).records];
      expect(records).to.have.length(2);
      expect(records[0]).to.deep.include({ type: 'event' });
      expect((records[0] as { event: { envp: string[] } }).event.envp).to.deep.equal([]);
    });

    /** A trace's closing record (a trace without one reads with a warning). */
    const end = (seq: number) => ({ type: 'end', seq, waitStatus: 0, digest: 'd' });

    /** Many records of a few shapes, and some that differ (no start; another event), in order. */
    function manyRecords(n: number): unknown[] {
      const out: unknown[] = [];
      for (let i = 1; i <= n; i++) {
        out.push(i % 7 === 0 ? { ...syscall, seq: i, text: `call ${i}` } : { ...syscall, seq: i, start: i - 1, text: `call ${i}` });
        out.push(i % 11 === 0 ? { ...exec, seq: i } : { type: 'event', seq: i, event: { type: 'FdClosed', pid: 1, fd: 3 } });
      }
      return out;
    }

    it('format 4 (record structures) reads across chunk boundaries, as formats 1-3 (plain maps) do', () => {
      const records = [...manyRecords(3000), end(3000)];
      const sequential = new Encoder({ useRecords: true, sequential: true });
      const v4 = join(dir, 'v4.trace');
      writeFileSync(v4, Buffer.concat([{ ...header, version: 4 }, ...records].map((i) => sequential.encode(i))));
      const v3 = write('v3.trace', [{ ...header, version: 3 }, ...records]);
      const read4 = [...openTrace(v4, () => expect.fail('no warning')).records];
      const read3 = [...openTrace(v3, () => expect.fail('no warning')).records];
      expect(read4).to.have.length(records.length);
      expect(read4).to.deep.equal(records);
      expect(read3).to.deep.equal(records);
    });

    it('a format-4 trace cut anywhere reads up to its last whole record, with a warning', () => {
      const sequential = new Encoder({ useRecords: true, sequential: true });
      const items = [{ ...header, version: 4 }, ...manyRecords(2000)].map((i) => Buffer.from(sequential.encode(i)));
      const whole = Buffer.concat(items);
      for (const at of [items[0]!.length + 1, 65536, 65537, 100_003, whole.length - 1]) {
        const file = join(dir, 'cut.trace');
        writeFileSync(file, whole.subarray(0, at));
        const warnings: string[] = [];
        const read = [...openTrace(file, (m) => warnings.push(m)).records];
        let complete = 0;
        for (let end = items[0]!.length; complete + 1 < items.length && end + items[complete + 1]!.length <= at; complete++) end += items[complete + 1]!.length;
        expect(read, `cut at ${at}`).to.have.length(complete);
        expect(warnings, `cut at ${at}`).to.have.length(1);
        expect(warnings[0]).to.match(/cut short/);
      }
    });

    it('a trace that ends between two records, without its closing one, reads with a warning', () => {
      const warnings: string[] = [];
      expect([...openTrace(write('between.trace', [header, syscall]), (m) => warnings.push(m)).records]).to.have.length(1);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/without its closing record \(cut short\?\)/);
    });

    it('an item that claims more bytes than the file has left reads as cut short', () => {
      const file = join(dir, 'claims.trace');
      const plain = new Encoder({ useRecords: false, mapsAsObjects: false });
      writeFileSync(file, Buffer.concat([plain.encode(header), plain.encode(syscall), Buffer.from([0x5a, 0x40, 0, 0, 0, 1, 2, 3])]));
      const warnings: string[] = [];
      expect([...openTrace(file, (m) => warnings.push(m)).records]).to.have.length(1);
      expect(warnings.join('\n')).to.match(/cut short/);
    });

    it('a header larger than a chunk (a restored run\'s initial state) reads', () => {
      const initialState = new Uint8Array(300_000).map((_, i) => i % 251);
      const sequential = new Encoder({ useRecords: true, sequential: true });
      const file = join(dir, 'big-header.trace');
      writeFileSync(file, Buffer.concat([{ ...header, version: 4, initialState }, syscall, end(1)].map((i) => sequential.encode(i))));
      const trace = openTrace(file, () => expect.fail('no warning'));
      expect(trace.header.initialState).to.deep.equal(initialState);
      expect([...trace.records]).to.have.length(2);
    });

    it('a corrupt record is a one-line error naming the record and the field', () => {
      const file = write('corrupt.trace', [header, syscall, { ...syscall, seq: 2, tid: 'one' }, syscall]);
      const read = () => [...openTrace(file, () => {}).records];
      expect(read).to.throw(TraceError, /^.*corrupt\.trace: record 2 is corrupt \(tid: .+\)$/);
      // The records before it are given first, then the error (they are checked a batch at a time).
      const given: TraceRecord[] = [];
      expect(() => {
        for (const r of openTrace(file, () => {}).records) given.push(r);
      }).to.throw(TraceError);
      expect(given).to.deep.equal([syscall]);
    });

    it('gives the same records a batch at a time as one at a time', () => {
      const records = [...manyRecords(3000), end(3000)];
      const sequential = new Encoder({ useRecords: true, sequential: true });
      const file = join(dir, 'batches.trace');
      writeFileSync(file, Buffer.concat([{ ...header, version: 4 }, ...records].map((i) => sequential.encode(i))));
      const batches = [...openTrace(file, () => expect.fail('no warning')).batches];
      expect(batches.length).to.be.greaterThan(1);
      expect(batches.flat()).to.deep.equal(records);
    });
  });
});
