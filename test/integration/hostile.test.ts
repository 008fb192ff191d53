// Hostile programs (test/programs/hostile_*.c, listed in test/support/hostile.ts): the
// sandbox's kernel must survive them and hold its limits.
//
// - hostile_garbage: 100+ raw syscalls with garbage pointers and absurd lengths, compared with
//   native Linux line by line. Two tests per linkage: the kernel survives (same status, every
//   call answered, nothing on stderr but the one-line reports of unsupported syscalls), and
//   every call gets the errno Linux gives (the only differences allowed are listed below with
//   their reason).
// - hostile_forkbomb: only ever run in the sandbox, with --pids-limit 64.
// - hostile_memhog and a python3 allocation loop under --memory 256m.
// - hostile_fds under --fds-limit 32 against native `prlimit --nofile=32:32`.
// After each run of a limit test, no host process of that sandbox may remain.

import { expect } from 'chai';

import { HOSTILE_PROGRAMS } from '../support/hostile.js';
import { leftoverProcs, runWatched, ticksNow, type Watched } from '../support/host_procs.js';
import { LINKAGES, buildPrograms, programNames, programPath } from '../support/programs.js';
import {
  expectNoStackTrace,
  lines,
  runNative,
  runSandbox,
  shellStatus,
  summarize,
  type RunResult,
} from '../support/run.js';

/**
 * Lines of hostile_garbage where tsvisor legitimately differs from Linux, by call name: the
 * syscalls tsvisor's table lists as unsupported answer ENOSYS (and are reported once on
 * stderr), and so do syscall numbers that do not exist (as natively).
 */
const UNSUPPORTED_CALLS: Readonly<Record<string, string>> = {
  'unsupported io_uring_setup params B1': 'io_uring_setup',
};

/** The report lines tsvisor prints for hostile_garbage, in order of first use. */
const EXPECTED_REPORTS: readonly RegExp[] = [
  ...Object.values(UNSUPPORTED_CALLS).map((n) => new RegExp(`^tsvisor: unsupported syscall ${n} \\(\\d+\\)$`)),
  /^tsvisor: unsupported syscall syscall_-1 \(-1\)$/,
  /^tsvisor: unsupported syscall syscall_100000 \(100000\)$/,
];

const PIDS_LIMIT_LINE = 'tsvisor: pids limit reached (64 tasks): fork and clone fail with EAGAIN';

/** `name: result` lines as [name, result]. */
function parseCalls(stdout: string): [string, string][] {
  return lines(stdout).map((l) => {
    const i = l.lastIndexOf(': ');
    return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 2)];
  });
}

/** Asserts what every run of a hostile program must show: tsvisor survived it. */
function expectSurvived(r: RunResult, what: string): void {
  expect(r.error, `${what}: ${summarize(r)}`).to.equal(undefined);
  expect(r.signal, `tsvisor died of a signal: ${what}: ${summarize(r)}`).to.equal(null);
  expect(r.status, `${what}: ${summarize(r)}`).to.not.equal(125);
  expect(r.stderr, `${what}: ${summarize(r)}`).to.not.match(/internal error/i);
  expectNoStackTrace(r);
}

/** Waits (up to 3 s) until none of the processes seen below a tsvisor run exists any more. */
async function expectNothingLeft(w: Watched, since: number, what: string): Promise<void> {
  const { left, orphans } = await leftoverProcs(w, since);
  expect(left, `host processes of the sandbox still there after ${what}`).to.deep.equal([]);
  expect(orphans, `orphaned sandbox processes after ${what}`).to.deep.equal([]);
}

// ---------------------------------------------------------------------------------------------

describe('hostile programs', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(300_000);
    await buildPrograms();
  });

  it('every hostile program exists', () => {
    expect(HOSTILE_PROGRAMS.filter((n) => !programNames().includes(n))).to.deep.equal([]);
  });

  for (const linkage of LINKAGES) {
    describe(`garbage syscall arguments (${linkage})`, () => {
      let native: RunResult;
      let sandbox: RunResult;

      before(() => {
        const prog = programPath('hostile_garbage', linkage);
        native = runNative([prog]);
        expect(native.error, summarize(native)).to.equal(undefined);
        expect(native.status, `native run: ${summarize(native)}`).to.equal(0);
        sandbox = runSandbox([prog]);
      });

      it('makes 100+ calls natively', () => {
        const last = lines(native.stdout).at(-1) ?? '';
        const m = /^calls: (\d+)$/.exec(last);
        expect(m, `last line of native output: ${last}`).to.not.equal(null);
        expect(Number(m![1])).to.be.greaterThanOrEqual(100);
      });

      it('the kernel survives: same status, every call answered, only unsupported-syscall reports on stderr', () => {
        expectSurvived(sandbox, 'hostile_garbage');
        expect(sandbox.status, summarize(sandbox)).to.equal(shellStatus(native));
        const names = (out: string): string[] => parseCalls(out).map(([n]) => n);
        expect(names(sandbox.stdout), 'the calls the program got through in the sandbox').to.deep.equal(
          names(native.stdout),
        );
        const errLines = lines(sandbox.stderr);
        const unexpected = errLines.filter((l) => !EXPECTED_REPORTS.some((re) => re.test(l)));
        expect(unexpected, `unexpected lines on tsvisor's stderr:\n${sandbox.stderr}`).to.deep.equal([]);
        expect(errLines, `one report per unsupported syscall:\n${sandbox.stderr}`).to.have.lengthOf(
          EXPECTED_REPORTS.length,
        );
      });

      it('every call gets the errno Linux gives (differences only where the syscall is unsupported)', () => {
        const nat = parseCalls(native.stdout);
        const sbx = new Map(parseCalls(sandbox.stdout));
        const wrong: string[] = [];
        for (const [name, want] of nat) {
          const got = sbx.get(name);
          const expected = name in UNSUPPORTED_CALLS ? 'ENOSYS' : want;
          if (got !== expected) wrong.push(`${name}: native ${want}, tsvisor ${got ?? '(missing)'}`);
        }
        expect(wrong, `calls answered differently from Linux (${wrong.length}):\n${wrong.join('\n')}\n`).to.deep.equal(
          [],
        );
      });
    });
  }

  for (const linkage of LINKAGES) {
    it(`a fork bomb stops at --pids-limit 64 with one clear message and leaves nothing behind (${linkage})`, async () => {
      const since = ticksNow();
      const w = await runWatched([programPath('hostile_forkbomb', linkage)], {
        extraArgs: ['--pids-limit', '64'],
        timeoutMs: 90_000,
      });
      const r = w.result;
      expectSurvived(r, 'the fork bomb');
      expect(r.stderr, summarize(r)).to.equal(`${PIDS_LIMIT_LINE}\n`);
      expect(lines(r.stdout), summarize(r)).to.deep.equal(['saw EAGAIN: yes', 'saw other failures: no']);
      expect(r.status, summarize(r)).to.equal(0);
      expect(w.descendants.size, 'host processes seen below tsvisor').to.be.greaterThan(0);
      await expectNothingLeft(w, since, 'the fork bomb');
    });
  }

  for (const linkage of LINKAGES) {
    it(`a memory hog ends at --memory 256m: malloc returns NULL, and nothing is left (${linkage})`, async () => {
      const since = ticksNow();
      const w = await runWatched([programPath('hostile_memhog', linkage)], { extraArgs: ['--memory', '256m'] });
      const r = w.result;
      expectSurvived(r, 'the memory hog');
      expect(r.status, summarize(r)).to.equal(0);
      const m = /^reached (\d+) MiB$/.exec(lines(r.stdout)[0] ?? '');
      expect(m, summarize(r)).to.not.equal(null);
      const mib = Number(m![1]);
      expect(mib, summarize(r)).to.be.lessThan(256);
      expect(mib, summarize(r)).to.be.greaterThan(64);
      await expectNothingLeft(w, since, 'the memory hog');
    });
  }

  it('python3 allocating until MemoryError under --memory 256m exits from its handler', async () => {
    const script = [
      'import sys',
      'hoard = []',
      'try:',
      '    while True:',
      '        hoard.append(bytearray(16 << 20))',
      'except MemoryError:',
      '    hoard = None',
      '    sys.exit(3)',
    ].join('\n');
    const since = ticksNow();
    const w = await runWatched(['/usr/bin/python3', '-c', script], { extraArgs: ['--memory', '256m'] });
    const r = w.result;
    expectSurvived(r, 'the python memory hog');
    expect(r.status, summarize(r)).to.equal(3);
    await expectNothingLeft(w, since, 'the python memory hog');
  });

  for (const linkage of LINKAGES) {
    it(`--fds-limit 32 gives EMFILE after 29 opens, like ulimit -n 32 natively (${linkage})`, async () => {
      const prog = programPath('hostile_fds', linkage);
      const native = runNative(['prlimit', '--nofile=32:32', prog]);
      expect(native.error, summarize(native)).to.equal(undefined);
      expect(lines(native.stdout)[0], summarize(native)).to.equal('opened 29, highest fd 31, then EMFILE');
      const since = ticksNow();
      const w = await runWatched([prog], { extraArgs: ['--fds-limit', '32'] });
      const r = w.result;
      expectSurvived(r, 'the fd hog');
      expect(r.stdout, summarize(r)).to.equal(native.stdout);
      expect(r.status, summarize(r)).to.equal(native.status);
      await expectNothingLeft(w, since, 'the fd hog');
    });
  }
});
