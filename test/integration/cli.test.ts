// `tsvisor run`'s options and its bad-input paths: each a one-line `tsvisor: ...` error on
// stderr with the documented exit status (125 tsvisor's own error, 127 command not found, 126
// not executable), never a stack trace; and the --strace, --cwd options.

import { expect } from 'chai';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildPrograms, programPath, REPO_ROOT } from '../support/programs.js';
import {
  expectNoStackTrace,
  expectOneLineError,
  lines,
  runNative,
  runSandbox,
  runTsvisor,
  summarize,
  type RunResult,
} from '../support/run.js';
import { shQuote } from '../conformance/harness.js';

/** stderr's lines with strace's column padding before ` = ` (if any) taken out. */
function straceLines(r: RunResult): string[] {
  return lines(r.stderr).map((l) => l.replace(/\)\s+= /, ') = '));
}

/** Runs a path with sh's `exec`, which reports execve's own error (Node's spawn, like
 * execvp, would retry an ENOEXEC file with /bin/sh). */
function shExec(path: string): RunResult {
  return runNative(['/bin/sh', '-c', 'exec "$1"', 'sh', path]);
}

/** Asserts a bad-input run: the exit status, one `tsvisor: ` line, no stack trace, no output. */
function expectBadInput(r: RunResult, status: number): string {
  expect(r.signal, summarize(r)).to.equal(null);
  expect(r.status, summarize(r)).to.equal(status);
  expectNoStackTrace(r);
  expect(r.stdout, summarize(r)).to.equal('');
  return expectOneLineError(r);
}

describe('tsvisor run: bad input', function () {
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-cli-'));
  const paths = {
    notExecutable: join(dir, 'not-executable'),
    notElf: join(dir, 'not-elf'),
    truncated: join(dir, 'truncated-elf'),
    otherArch: join(dir, 'aarch64-elf'),
    emptyFile: join(dir, 'empty'),
    badInterpreter: join(dir, 'bad-interpreter'),
  };

  before(() => {
    // A real ELF, but mode 0644.
    copyFileSync('/bin/true', paths.notExecutable);
    chmodSync(paths.notExecutable, 0o644);
    // Text with exec permission, neither ELF nor `#!`. Shells (dash, and execvp in env(1))
    // would run it as a shell script after ENOEXEC, which would print "this: not found" and
    // exit 127; tsvisor is not a shell: it reports ENOEXEC as execve does and exits 126.
    writeFileSync(paths.notElf, 'this is not a program\n', { mode: 0o755 });
    // The first 100 bytes of an ELF: the header, and program headers cut short.
    writeFileSync(paths.truncated, readFileSync('/bin/true').subarray(0, 100), { mode: 0o755 });
    // /bin/true with e_machine (bytes 18-19) patched to EM_AARCH64 (0xB7).
    copyFileSync('/bin/true', paths.otherArch);
    const fd = openSync(paths.otherArch, 'r+');
    writeSync(fd, Buffer.from([0xb7, 0x00]), 0, 2, 18);
    closeSync(fd);
    chmodSync(paths.otherArch, 0o755);
    writeFileSync(paths.emptyFile, '', { mode: 0o755 });
    writeFileSync(paths.badInterpreter, '#!/nonexistent/interpreter\necho hi\n', { mode: 0o755 });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the fixtures fail natively as expected (the host agrees they are bad)', () => {
    const denied = shExec(paths.notExecutable);
    expect([denied.status, denied.stderr], summarize(denied)).to.deep.equal([
      126,
      `sh: 1: exec: ${paths.notExecutable}: Permission denied\n`,
    ]);
    for (const path of [paths.truncated, paths.otherArch]) {
      const r = shExec(path);
      expect([r.status, r.stderr], summarize(r)).to.deep.equal([126, `sh: 1: exec: ${path}: Exec format error\n`]);
    }
  });

  it('a missing --rootfs directory: exit 125', () => {
    const line = expectBadInput(runSandbox(['/bin/true'], { rootfs: join(dir, 'no-such-rootfs') }), 125);
    expect(line).to.include('no-such-rootfs');
  });

  it('a --rootfs that is a file, not a directory: exit 125', () => {
    expectBadInput(runSandbox(['/bin/true'], { rootfs: paths.notElf }), 125);
  });

  it('an unknown option: exit 125', () => {
    expectBadInput(runTsvisor(['run', '--no-such-option', '--', '/bin/true']), 125);
  });

  it('no command after --: exit 125', () => {
    expectBadInput(runTsvisor(['run', '--']), 125);
  });

  it('a command path that does not exist: exit 127', () => {
    const line = expectBadInput(runSandbox([join(dir, 'no-such-command')]), 127);
    expect(line).to.include('no-such-command');
  });

  it('a command name not found on PATH: exit 127', () => {
    const line = expectBadInput(runSandbox(['tsvisor-no-such-command-xyz']), 127);
    expect(line).to.include('tsvisor-no-such-command-xyz');
  });

  it('a file without execute permission: exit 126', () => {
    expectBadInput(runSandbox([paths.notExecutable]), 126);
  });

  it('a directory as the command: exit 126', () => {
    expectBadInput(runSandbox([dir]), 126);
  });

  it('an executable text file that is neither ELF nor #! script: exit 126', () => {
    expectBadInput(runSandbox([paths.notElf]), 126);
  });

  it('an empty executable file: exit 126', () => {
    expectBadInput(runSandbox([paths.emptyFile]), 126);
  });

  it('a truncated ELF (first 100 bytes of /bin/true): exit 126', () => {
    expectBadInput(runSandbox([paths.truncated]), 126);
  });

  it('an ELF for another architecture (EM_AARCH64): exit 126', () => {
    expectBadInput(runSandbox([paths.otherArch]), 126);
  });

  it('a #! script whose interpreter does not exist: exit 127 as shells report ENOENT', () => {
    // execve of such a script fails with ENOENT, which shells report as 127.
    const native = shExec(paths.badInterpreter);
    expect(native.status, summarize(native)).to.equal(127);
    expectBadInput(runSandbox([paths.badInterpreter]), 127);
  });
});

describe('tsvisor run: options', function () {
  before(async function () {
    this.timeout(300_000);
    await buildPrograms();
  });

  it('--cwd sets the working directory', () => {
    const r = runSandbox(['/bin/pwd'], { sandboxCwd: '/usr/bin' });
    expect(r.stdout, summarize(r)).to.equal('/usr/bin\n');
    expect(r.status, summarize(r)).to.equal(0);
  });

  it("without --cwd (root /), the program starts in tsvisor's current directory", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tsvisor-cwd-'));
    try {
      const r = runSandbox(['/bin/pwd'], { cwd });
      expect(r.stdout, summarize(r)).to.equal(`${cwd}\n`);
      expect(r.status, summarize(r)).to.equal(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('arguments, environment and working directory that are not UTF-8 reach the program as given (node and the launcher)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsvisor-bytes-'));
    try {
      // A shell makes the bytes (spawn's string arguments are UTF-8): a dir d\375, V=a\376, and
      // the arguments x\377y and a cut sequence \342\202.
      const show = `printf '%s|' "$@" "$V" "$(pwd)" | od -An -c`;
      const script = (runner: string): string =>
        `mkdir -p "d$(printf '\\375')" && cd "d$(printf '\\375')" && ` +
        `env "$(printf 'V=a\\376')" ${runner} /bin/sh -c ${shQuote(show)} sh "$(printf 'x\\377y')" "$(printf '\\342\\202')"`;
      const native = runNative(['/bin/sh', '-c', script('')], { cwd: dir });
      expect(native.stdout, summarize(native)).to.include('x 377   y').and.include('342 202').and.include('a 376').and.include('d 375');
      for (const runner of [`${shQuote(process.execPath)} ${shQuote(join(REPO_ROOT, 'bin', 'tsvisor.js'))} run --`, `${shQuote(join(REPO_ROOT, 'build', 'Release', 'tsvisor'))} run --`]) {
        const r = runNative(['/bin/sh', '-c', script(runner)], { cwd: dir });
        expect(r.stdout, `${runner}\n${summarize(r)}`).to.equal(native.stdout);
        expect(r.status, summarize(r)).to.equal(0);
      }
      // tsvisor's own message names such a command with strace's escapes.
      const missing = runNative(['/bin/sh', '-c', `${shQuote(process.execPath)} ${shQuote(join(REPO_ROOT, 'bin', 'tsvisor.js'))} run -- "/no-such-$(printf '\\377')"`]);
      expect(expectOneLineError(missing)).to.equal('tsvisor: /no-such-\\377: no such file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a --cwd that does not exist in the sandbox: exit 125 with one line', () => {
    expectBadInput(runSandbox(['/bin/pwd'], { sandboxCwd: '/no-such-directory-tsvisor' }), 125);
  });

  it('--strace prints strace-style lines on stderr and leaves stdout alone', () => {
    const r = runSandbox([programPath('hello', 'dynamic')], { strace: true });
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout, summarize(r)).to.equal('hello, world\n');
    expectNoStackTrace(r);
    const errLines = straceLines(r);
    // The dynamic loader opens libc.
    expect(
      errLines.some((l) => /^openat\(AT_FDCWD, "[^"]*libc\.so\.6", O_RDONLY\|O_CLOEXEC\) = \d+$/.test(l)),
      summarize(r),
    ).to.equal(true);
    expect(errLines, summarize(r)).to.include('write(1, "hello, world\\n", 13) = 13');
    expect(errLines[errLines.length - 1], summarize(r)).to.equal('exit_group(0) = ?');
  });

  it('--strace shows a failed call with its errno name and message', () => {
    const r = runSandbox([programPath('errno_cases', 'static'), '/etc/passwd'], { strace: true });
    expect(r.status, summarize(r)).to.equal(0);
    expect(straceLines(r), summarize(r)).to.include(
      'openat(AT_FDCWD, "/nonexistent-tsvisor-test/file", O_RDONLY) = -1 ENOENT (No such file or directory)',
    );
    const errLines = straceLines(r);
    expect(
      errLines.some((l) => /^read\(99, 0x[0-9a-f]+, 1\) = -1 EBADF \(Bad file descriptor\)$/.test(l)),
      summarize(r),
    ).to.equal(true);
    expect(
      errLines.some((l) => /^read\(\d+, 0x1, 10\) = -1 EFAULT \(Bad address\)$/.test(l)),
      summarize(r),
    ).to.equal(true);
  });

  it('without --strace nothing is printed on stderr for a clean program', () => {
    const r = runSandbox([programPath('hello', 'static')]);
    expect(r.stdout, summarize(r)).to.equal('hello, world\n');
    expect(r.stderr, summarize(r)).to.equal('');
  });
});
