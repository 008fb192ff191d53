// CPython's own regression tests (python3 -m test -v MODULE...) for some fast, OS-facing
// modules, natively and under `tsvisor run`: every test that passes natively passes in the
// sandbox (see docs/python-test-suite.md for the whole table). A test the sandbox skips where
// Linux runs it must be listed below, with the reason.
//
// The CPython of pyenv is used because Debian's /usr/bin/python3 lacks the test package; the
// suite is pending where it is not installed.

import { expect } from 'chai';
import { existsSync } from 'node:fs';

import { runNative, runSandbox, summarize, type RunResult } from '../support/run.js';

const PYTHON = '/root/.pyenv/versions/3.11.7/bin/python3';
const MODULES = [
  'test_select', 'test_poll', 'test_epoll', 'test_stat', 'test_pwd', 'test_grp', 'test_wait4',
  'test_fork1', 'test_file', 'test_fileio', 'test_glob', 'test_posix',
  'test_termios', 'test_tty', 'test_getpass', 'test_sched', 'test_site', 'test_sys',
  // Since the third round: O_ASYNC/F_NOTIFY (fcntl), MSG_OOB (ftplib's abort), ptys, files.
  'test_fcntl', 'test_ftplib', 'test_pty', 'test_tempfile', 'test_resource', 'test_pathlib',
  // asyncio's OS-facing parts, one subpackage each (the whole of test_asyncio is minutes long).
  'test_asyncio.test_unix_events', 'test_asyncio.test_selector_events', 'test_asyncio.test_sock_lowlevel',
  'test_asyncio.test_sendfile', 'test_asyncio.test_streams', 'test_asyncio.test_server',
  // Since the fourth round: os and shutil (extended attributes), EINTR around files, threads,
  // pipes, ptys and mailbox locking.
  'test_os', 'test_shutil', 'test_file_eintr', 'test_threading_local', 'test_syslog', 'test_pipes',
  'test_openpty', 'test_threadedtempfile', 'test_mailbox', 'test_atexit',
];
/** Tests the sandbox skips (or may skip) while Linux runs them, and why. */
const SKIPPED_BY_DESIGN: Readonly<Record<string, string>> = {};
/**
 * Tests whose CPython code asserts on wall-clock time, which a loaded machine (2 shared CPUs,
 * every syscall a trap) can exceed: their failure counts only if regrtest's rerun of them
 * (--rerun) fails too.
 */
const WALL_CLOCK_BOUND: Readonly<Record<string, string>> = {
  'test.test_epoll.TestEPoll.test_control_and_wait': 'epoll_wait with events ready must return within 10 ms',
};

type Outcome = 'ok' | 'FAIL' | 'ERROR' | 'skipped' | 'expected failure' | 'unexpected success';

/** Where regrtest's --rerun pass starts (it runs the failed tests again, each alone). */
const RERUN_MARK = /^.*Re-running \d+ failed tests? in verbose mode/m;

/**
 * The outcome of each test of a verbose run: "name (module.Class.name) ... ok", where a test
 * with a docstring has it on a line of its own before the " ... ".
 */
function outcomesOf(text: string): Map<string, Outcome> {
  const found = new Map<string, Outcome>();
  const pattern = /^\w+ \((test\.[\w.]+)\)\n?(?:[^\n]*?)? \.\.\. (ok|FAIL|ERROR|skipped|expected failure|unexpected success)/gm;
  for (const m of text.matchAll(pattern)) {
    if (!found.has(m[1]!)) found.set(m[1]!, m[2] as Outcome);
  }
  return found;
}

/** The verdicts of the run proper, and those of the rerun of its failures. */
function outcomes(r: RunResult): { first: Map<string, Outcome>; rerun: Map<string, Outcome> } {
  const text = r.stdout + r.stderr;
  const mark = RERUN_MARK.exec(text)?.index ?? text.length;
  return { first: outcomesOf(text.slice(0, mark)), rerun: outcomesOf(text.slice(mark)) };
}

describe('python test suite: CPython regression tests, native vs sandbox', function () {
  const installed = existsSync(PYTHON);

  it(`${MODULES.length} modules: what passes natively passes in the sandbox${installed ? '' : ` (pending: no ${PYTHON})`}`, function () {
    if (!installed) this.skip();
    this.timeout(540_000);
    const argv = [PYTHON, '-m', 'test', '-v', '--rerun', ...MODULES];
    const native = runNative(argv, { timeoutMs: 240_000, cwd: '/tmp' });
    const sandbox = runSandbox(argv, { timeoutMs: 240_000, cwd: '/tmp' });
    const nat = outcomes(native).first;
    const sbx = outcomes(sandbox);
    expect(nat.size, `no tests found natively:\n${summarize(native)}`).to.be.greaterThan(100);
    const differences: string[] = [];
    for (const [name, outcome] of nat) {
      const there = sbx.first.get(name);
      if (outcome !== 'ok' || there === 'ok') continue;
      if (there === 'skipped' && SKIPPED_BY_DESIGN[name]) continue;
      if (WALL_CLOCK_BOUND[name] && sbx.rerun.get(name) === 'ok') continue;
      differences.push(`${name}: native ${outcome}, sandbox ${there ?? 'not run'}`);
    }
    expect(differences, summarize(sandbox)).to.deep.equal([]);
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
  });
});
