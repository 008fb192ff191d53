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

describe('trace reader: compiled record check', () => {
  const check = compileCheck(TraceRecordSchema);

  it('passes valid records of every kind', () => {
    for (const r of [syscall, exec, input, { type: 'end', seq: 2, waitStatus: 0, digest: 'ab' }]) {
      expect(TraceRecordSchema.safeParse(r).success, JSON.stringify(r)).to.equal(true);
      expect(check(r), JSON.stringify(r)).to.equal(true);
    }
  });

  it('refuses what zod refuses, and what zod would change (a default to fill in)', () => {
    const bad: unknown[] = [
      { ...syscall, seq: 1.5 },
      { ...syscall, seq: '1' },
      { ...syscall, args: [0, Number.NaN] },
      { ...syscall, result: 'later' },
      { ...syscall, writes: [{ addr: 1, bytes: [1] }] },
      { ...syscall, type: 'sycall' },
      { ...exec, event: { ...exec.event, brkStart: -1 } },
      { ...exec, event: { ...exec.event, type: 'NoSuchEvent' } },
      { type: 'end', seq: 2, waitStatus: 0 },
      null,
      [syscall],
    ];
    for (const r of bad) {
      expect(check(r), JSON.stringify(r)).to.equal(false);
      expect(TraceRecordSchema.safeParse(r).success, JSON.stringify(r)).to.equal(false);
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

    it('a corrupt record is a one-line error naming the record and the field', () => {
      const file = write('corrupt.trace', [header, syscall, { ...syscall, seq: 2, tid: 'one' }, syscall]);
      const read = () => [...openTrace(file, () => {}).records];
      expect(read).to.throw(TraceError, /^.*corrupt\.trace: record 2 is corrupt \(tid: .+\)$/);
    });
  });
});
