// replay --exec's view of the recorded order (src/replay/recorded_run.ts): which completions and
// exits must have happened before a call recorded with a given trap number may begin.
import { expect } from 'chai';

import { RecordedRun } from '../../src/replay/recorded_run.js';
import type { TraceRecord } from '../../src/trace/trace_schema.js';

function call(seq: number, trap: number, tid: number, nr: number): TraceRecord {
  return { type: 'syscall', seq, trap, time: 0, pid: tid, tid, nr, args: [0, 0, 0, 0, 0, 0], result: 0, text: '', writes: [] };
}

/** Parent 1 parks in wait4 (trap 2) while child 2 writes (trap 3) and exits (trap 4); the wait completes at 4. */
const RECORDS: TraceRecord[] = [
  call(1, 1, 1, 57),
  call(3, 3, 2, 1),
  call(4, 4, 2, 231),
  { type: 'event', seq: 4, event: { type: 'ProcessExited', pid: 2, waitStatus: 0 } },
  call(4, 2, 1, 61),
  call(5, 5, 1, 1),
];

function* generate(): Generator<TraceRecord> {
  yield* RECORDS;
}

describe('the recorded order replay --exec keeps', () => {
  it('a call waits for every completion and exit recorded with a lower seq; an exit for those before it in the file', () => {
    const run = new RecordedRun({ header: { type: 'header', magic: 'tsvisor-trace', version: 6, tsvisor: '', argv: [], platform: '', host: { kernel: '', arch: '' }, startedAt: '' }, records: generate() });
    const fork = run.nextCall(1)!;
    expect(fork.record.trap).to.equal(1);
    expect(run.doneBefore(2)).to.equal(false);
    fork.done = true;
    expect(run.doneBefore(2)).to.equal(true);
    // The child's write (trap 3) may begin once the parent's wait4 has begun (trap 2): no completion is due before it.
    expect(run.peekCall(2)!.record.trap).to.equal(3);
    expect(run.doneBefore(3)).to.equal(true);
    const write = run.nextCall(2)!;
    write.done = true;
    const exitGroup = run.nextCall(2)!;
    exitGroup.done = true;
    // The child's exit comes after its exit_group's completion; the parent's next call after the exit and the wait4.
    const exit = run.exitOf(2)!;
    expect(run.isNext(exit)).to.equal(true);
    expect(run.doneBefore(5)).to.equal(false);
    run.exited(2);
    expect(run.doneBefore(5)).to.equal(false);
    run.nextCall(1)!.done = true;
    expect(run.doneBefore(5)).to.equal(true);
  });
});
