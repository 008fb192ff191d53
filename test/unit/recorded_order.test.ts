// replay --exec's view of the recorded order (src/replay/recorded_run.ts): which completions and
// exits must have happened before a call recorded with a given trap number may begin.
import { expect } from 'chai';

import { RecordedRun } from '../../src/replay/recorded_run.js';
import type { TraceRecord } from '../../src/trace/trace_schema.js';

function call(seq: number, trap: number, tid: number, nr: number, result = 0): TraceRecord {
  return { type: 'syscall', seq, trap, time: 0, pid: tid, tid, nr, args: [0, 0, 0, 0, 0, 0], result, text: '', writes: [] };
}

/** A replay's reading of these records, of a trace of this format version. */
function runOf(records: readonly TraceRecord[], version: number): RecordedRun {
  return new RecordedRun({
    header: { type: 'header', magic: 'tsvisor-trace', version, tsvisor: '', argv: [], platform: '', host: { kernel: '', arch: '' }, startedAt: '' },
    records: (function* () {
      yield* records;
    })(),
  });
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

describe('the recorded order replay --exec keeps', () => {
  it('a call waits for every completion and exit recorded with a lower seq; an exit for those before it in the file', () => {
    const run = runOf(RECORDS, 6);
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

/**
 * Children 2 and 3 exit; the parent's sigsuspend (trap 5) is interrupted by a SIGCHLD recorded
 * after 3's exit, then its wait4(WNOHANG) reaps 3.
 */
const SIGCHLD_RECORDS: TraceRecord[] = [
  call(2, 2, 2, 231),
  { type: 'event', seq: 2, event: { type: 'ProcessExited', pid: 2, waitStatus: 0 } },
  call(4, 4, 3, 231),
  { type: 'event', seq: 4, event: { type: 'ProcessExited', pid: 3, waitStatus: 0 } },
  call(5, 5, 1, 130, -514),
  { type: 'signal', seq: 5, tid: 1, sig: 17, at: 'return', trap: 5 },
  call(6, 6, 1, 61, 3),
];

describe('the recorded cause of a SIGCHLD', () => {
  it('a SIGCHLD takes effect once the last exit recorded before it has happened; a wait4 that reaps a child waits for its exit', () => {
    const run = runOf(SIGCHLD_RECORDS, 7);
    // The parent's sigsuspend, recorded as interrupted: its signal is known at its trap, caused by 3's exit.
    const [atTrap] = run.signalsAtNextReturn(1);
    expect(atTrap?.sig).to.equal(17);
    expect(atTrap?.cause?.done).to.equal(false);
    run.exited(2);
    expect(atTrap?.cause?.done).to.equal(false);
    run.exited(3);
    expect(atTrap?.cause?.done).to.equal(true);
    run.nextCall(1)!.done = true;
    const [atReturn] = run.takeSignals(1, { at: 'return', trap: 5 });
    expect(atReturn?.cause).to.equal(atTrap?.cause);
    const wait = run.nextCall(1)!;
    expect(run.exitPendingBefore(3, wait)).to.equal(undefined);
  });

  it('a wait4 recorded as reaping a child whose exit the replay has not made: the exit is pending before it', () => {
    const run = runOf(SIGCHLD_RECORDS, 7);
    run.nextCall(1);
    const wait = run.nextCall(1)!;
    expect(run.exitPendingBefore(3, wait)?.seq).to.equal(4);
    expect(run.exitPendingBefore(4, wait)).to.equal(undefined);
    run.exited(3);
    expect(run.exitPendingBefore(3, wait)).to.equal(undefined);
  });
});
