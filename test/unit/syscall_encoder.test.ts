// The recorder's hand-made syscall records: cbor-x record structures that the trace reader's
// Decoder reads back, among records cbor-x encoded (copied into the same buffer), as the objects
// cbor-x would have written.
import { expect } from 'chai';

import { Decoder, Encoder } from 'cbor-x';

import { SyscallEncoder, type SyscallFields } from '../../src/trace/syscall_encoder.js';

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

describe('trace writer: syscall records encoded by hand', () => {
  it('decode as the objects they stand for, interleaved with records of cbor-x', () => {
    const cbor = new Encoder({ useRecords: true, sequential: true });
    const parts: Uint8Array[] = [];
    // A small buffer: it is drained many times, and a record larger than it gets one of its own.
    const mine = new SyscallEncoder(1024, (bytes) => parts.push(Buffer.from(bytes)));
    const event = { type: 'event', seq: 1, event: { type: 'FdClosed', pid: 1, fd: 3 } };
    for (const c of [...calls, ...calls]) {
      mine.encode(c);
      mine.append(cbor.encode(event));
    }
    mine.drain();
    expect(mine.size).to.equal(0);
    const back = new Decoder({ mapsAsObjects: true, structures: [] }).decodeMultiple(Buffer.concat(parts)) as unknown[];
    const expected = [...calls, ...calls].flatMap((c) => [asRecord(c), event]);
    expect(back).to.deep.equal(expected);
  });
});
