// The machine's strace run inside the sandbox (ptrace.ts: PTRACE_TRACEME, syscall, exec,
// fork and exit stops, GET_SYSCALL_INFO) and natively: the same program output, the same set
// of syscall names but for those the sandbox's seccomp filter lets the host run without a
// trap (the tracer inside cannot see them) and the clock calls the hidden vDSO makes syscalls.
import { expect } from 'chai';
import { existsSync } from 'node:fs';

import { runNative, runSandbox, summarize, type RunResult } from '../support/run.js';

const STRACE = '/usr/bin/strace';

/** Calls the stub's seccomp filter lets through (native/: the allowlist): never trapped, so never seen by a tracer inside. */
const UNTRAPPED = new Set(['arch_prctl', 'futex', 'madvise', 'mprotect', 'mremap', 'munmap', 'rseq', 'rt_sigprocmask', 'rt_sigreturn', 'sched_yield', 'set_robust_list', 'sigaltstack']);
/** Calls the program makes through the vDSO natively, as syscalls in the sandbox (its vDSO is hidden). */
const VDSO = new Set(['clock_gettime', 'clock_getres', 'gettimeofday', 'time', 'getcpu']);

/** The syscall names of strace's lines ("NAME(", with -f "[pid N] NAME(", resumed lines left out). */
function names(text: string): Set<string> {
  const found = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(?:\[pid +\d+\] )?([a-z_0-9]+)\(/.exec(line);
    if (m) found.add(m[1]!);
  }
  return found;
}

/** The same syscall names, but for the untrapped and vDSO ones. */
function expectSameNames(native: RunResult, sandbox: RunResult): void {
  const n = [...names(native.stderr)].filter((x) => !UNTRAPPED.has(x) && !VDSO.has(x)).sort();
  const s = [...names(sandbox.stderr)].filter((x) => !VDSO.has(x)).sort();
  expect(n.length).to.be.greaterThan(5);
  expect(s, summarize(sandbox)).to.deep.equal(n);
}

describe('strace in the sandbox', function () {
  before(function () {
    if (!existsSync(STRACE)) this.skip();
  });

  it('strace CMD: the calls of /bin/true, its execve first and its exit last', () => {
    const native = runNative([STRACE, '/bin/true']);
    const sandbox = runSandbox([STRACE, '/bin/true']);
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
    expectSameNames(native, sandbox);
    const lines = sandbox.stderr.split('\n').filter((l) => /^[a-z_0-9]+\(|^\+\+\+/.test(l));
    expect(lines[0]).to.match(/^execve\("\/bin\/true", \["\/bin\/true"\], 0x[0-9a-f]+ \/\* \d+ vars \*\/\) = 0$/);
    expect(lines.at(-2)).to.equal('exit_group(0)                           = ?');
    expect(lines.at(-1)).to.equal('+++ exited with 0 +++');
  });

  it('strace -f follows a pipeline of forked children: same output, same calls', () => {
    const argv = [STRACE, '-f', 'sh', '-c', 'ls / | wc -l; exit 3'];
    const native = runNative(argv);
    const sandbox = runSandbox(argv);
    expect(sandbox.status, summarize(sandbox)).to.equal(3);
    expect(sandbox.stdout).to.equal(native.stdout);
    expectSameNames(native, sandbox);
    // Three processes, each one's end seen.
    expect(sandbox.stderr.match(/\+\+\+ exited with \d+ \+\+\+/g), summarize(sandbox)).to.have.length(3);
    expect(sandbox.stderr).to.match(/\n\+\+\+ exited with 3 \+\+\+\n$/);
    expect(sandbox.stderr).to.match(/--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=\d+, si_uid=0, si_status=0/);
  });

  it('strace -e trace=openat -o FILE: the same lines as natively', () => {
    const script = 'strace -e trace=openat -o /tmp/strace.out cat /etc/hostname && cat /tmp/strace.out';
    const native = runNative(['sh', '-c', script.replaceAll('/tmp/strace.out', `/tmp/strace-native-${process.pid}.out`)]);
    const sandbox = runSandbox(['sh', '-c', script]);
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
    expect(sandbox.stdout).to.equal(native.stdout);
    expect(sandbox.stdout).to.match(/^openat\(AT_FDCWD, "\/etc\/hostname", O_RDONLY\) = 3$/m);
  });

  it('strace -c counts the calls', () => {
    const argv = [STRACE, '-c', '-U', 'name,calls,errors', 'ls', '/'];
    const native = runNative(argv);
    const sandbox = runSandbox(argv);
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
    expect(sandbox.stdout).to.equal(native.stdout);
    const counts = (r: RunResult) => new Map([...r.stderr.matchAll(/^([a-z_0-9]+) +(\d+)/gm)].map((m) => [m[1]!, m[2]!] as const));
    const n = counts(native);
    const s = counts(sandbox);
    for (const call of ['openat', 'close', 'getdents64', 'write', 'execve']) expect(s.get(call), `${call}\n${sandbox.stderr}`).to.equal(n.get(call));
  });

  it('strace -p attaches to a process parked in a sleep and sees it to its end', () => {
    const sandbox = runSandbox(['sh', '-c', 'sleep 1 & sleep 0.3; strace -p $!; echo status $?']);
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
    expect(sandbox.stdout).to.equal('status 0\n');
    expect(sandbox.stderr).to.match(/strace: Process \d+ attached\n/);
    expect(sandbox.stderr).to.match(/\nexit_group\(0\) += \?\n\+\+\+ exited with 0 \+\+\+\n$/);
  });
});
