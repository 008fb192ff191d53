// The replay corpus (replay/*.c, see replay/README.md): each program is built and recorded
// afresh; `replay --explain --last` must print replay/NAME.explain (seq numbers and addresses
// aside), and `replay --exec` must run it again as recorded. Then replay --exec on its own:
// nondeterminism reproduced, divergences reported, --stop-at.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeMultiple, Encoder } from 'cbor-x';

import { buildPrograms, programPath, REPO_ROOT } from '../support/programs.js';
import { expectNoStackTrace, runNative, runSandbox, runTsvisor, summarize, TSVISOR_BIN } from '../support/run.js';

const CORPUS = join(REPO_ROOT, 'replay');
const OUT = join(REPO_ROOT, 'build', 'replay-programs');

/** Seq numbers and addresses depend on the host's C library; the explanations do not. */
function normalize(text: string): string {
  return text.replace(/seq \d+/g, 'seq N').replace(/0x[0-9a-f]+/g, '0x?');
}

function build(name: string, extra: readonly string[] = []): string {
  const out = join(OUT, name);
  const r = spawnSync(process.env.CC ?? 'cc', ['-std=c11', '-O1', '-Wall', '-Wextra', '-Werror', ...extra, '-static', '-o', out, join(CORPUS, `${name}.c`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cc ${name}.c: ${r.stderr}${r.error?.message ?? ''}`);
  return out;
}

/** Rewrites a trace with one syscall record's argument changed. */
function editArgument(from: string, to: string, seq: number, index: number, value: number): void {
  const items: Array<{ type: string; seq: number; args?: number[] }> = [];
  decodeMultiple(readFileSync(from), (item) => {
    items.push(item as (typeof items)[number]);
  });
  const encoder = new Encoder({ useRecords: false, mapsAsObjects: false });
  for (const item of items) if (item.type === 'syscall' && item.seq === seq) item.args![index] = value;
  writeFileSync(to, Buffer.concat(items.map((i) => encoder.encode(i))));
}

/**
 * Records argv into trace (status 0, stdout matching expected) and replays it with --exec twice:
 * each replay must end with status 0 and print what the recording printed.
 */
function recordAndReplayTwice(argv: readonly string[], trace: string, expected: string | RegExp): void {
  const recorded = runSandbox(argv, { extraArgs: ['--record', trace] });
  expect(recorded.status, summarize(recorded)).to.equal(0);
  if (typeof expected === 'string') expect(recorded.stdout).to.equal(expected);
  else expect(recorded.stdout).to.match(expected);
  for (let again = 0; again < 2; again++) {
    const r = runTsvisor(['replay', trace, '--exec']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(recorded.stdout);
  }
}

describe('replay corpus and replay --exec', function () {
  this.timeout(120_000);
  let dir: string;
  const names = readdirSync(CORPUS).filter((f) => f.endsWith('.explain')).map((f) => f.slice(0, -'.explain'.length));

  before(() => {
    mkdirSync(OUT, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-replay-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the cases issue 4 asks for', () => {
    expect(names).to.include.members(['missing_config', 'permission_denied', 'fd_after_close', 'broken_pipe', 'never_waited', 'empty_pipe', 'unsupported']);
  });

  for (const name of names) {
    it(`${name}: --explain tells why it failed; --verify and --exec replay it`, () => {
      const program = build(name);
      const trace = join(dir, `${name}.trace`);
      const recorded = runSandbox([program], { sandboxCwd: '/', extraArgs: ['--record', trace] });
      expect(recorded.status, summarize(recorded)).to.equal(1);
      const explain = runTsvisor(['replay', trace, '--explain', '--last']);
      expect(explain.status, summarize(explain)).to.equal(0);
      expect(normalize(explain.stdout)).to.equal(readFileSync(join(CORPUS, `${name}.explain`), 'utf8'));
      const failed = runTsvisor(['trace', 'show', trace, '--failed']);
      expect(failed.stdout).to.include(explain.stdout.split('\n')[0]!.replace(/^seq (\d+), pid (\d+)\/(\d+): /, ''));
      const closedAt = /closed at seq (\d+)/.exec(explain.stdout)?.[1];
      if (closedAt !== undefined) {
        const at = runTsvisor(['trace', 'show', trace, '--seq', `${closedAt}..${closedAt}`]).stdout;
        expect(at).to.match(/ close\(\d+\)/);
      }
      expect(runTsvisor(['replay', trace, '--verify']).stdout).to.match(/verify: OK/);
      const again = runTsvisor(['replay', trace, '--exec']);
      expect(again.status, summarize(again)).to.equal(1);
      expect(again.stdout).to.equal(recorded.stdout);
      expect(again.stderr).to.match(/replay: \d+ syscalls as recorded/);
      expectNoStackTrace(again);
    });
  }

  it('reproduces the time, random bytes, a stack address, an rdtsc difference and stdin, whatever stdin is now', () => {
    const program = build('nondeterminism');
    const trace = join(dir, 'nondeterminism.trace');
    const recorded = runSandbox([program], { input: 'hello\n', extraArgs: ['--record', trace] });
    expect(recorded.stdout, summarize(recorded)).to.match(/^time \d+\.\d{9} \d+\.\d{6}\nrandom [0-9a-f]{32}\nstack 0x[0-9a-f]+\nrdtsc [1-9]\d*\nstdin hello\n$/);
    // The counter is the kernel's clock (nanoseconds): the two rdtscs, a few syscalls apart, differ by more than 1 us.
    expect(Number(/rdtsc (\d+)/.exec(recorded.stdout)![1])).to.be.above(1000);
    for (const input of ['hello\n', 'something else\n', '']) {
      const r = runTsvisor(['replay', trace, '--exec'], { input });
      expect(r.status, summarize(r)).to.equal(0);
      expect(r.stdout).to.equal(recorded.stdout);
    }
  });

  it("replays to other stdio than the recording's: what the host's stdio is (fcntl F_GETFL, F_GETPIPE_SZ) is answered as recorded", () => {
    const trace = join(dir, 'stdio_flags.trace');
    const script = 'import fcntl; print(fcntl.fcntl(1, fcntl.F_GETFL), fcntl.fcntl(1, fcntl.F_GETPIPE_SZ))';
    // Recorded with stdout a pipe (node's own stdio pipes are socket pairs); replayed into a file (O_LARGEFILE, no pipe size).
    const tsvisor = [process.execPath, TSVISOR_BIN];
    const recorded = runNative(['/bin/sh', '-c', '"$@" | cat', 'sh', ...tsvisor, 'run', '--record', trace, '--', 'python3', '-c', script]);
    expect(recorded.status, summarize(recorded)).to.equal(0);
    expect(recorded.stdout).to.equal(runNative(['/bin/sh', '-c', '"$@" | cat', 'sh', 'python3', '-c', script]).stdout);
    const out = join(dir, 'stdio_flags.out');
    const r = runNative(['/bin/sh', '-c', '"$@" > "$0" 2>&1', out, ...tsvisor, 'replay', trace, '--exec']);
    expect(r.status, summarize(r) + readFileSync(out, 'utf8')).to.equal(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).to.equal(recorded.stdout.trim());
  });

  it('a shell pipeline with processes replays with the same output', () => {
    const trace = join(dir, 'shell.trace');
    const recorded = runSandbox(['/bin/sh', '-c', 'cat /etc/hostname; ls / | head -3; date; echo done'], { extraArgs: ['--record', trace] });
    expect(recorded.status, summarize(recorded)).to.equal(0);
    const r = runTsvisor(['replay', trace, '--exec']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(recorded.stdout);
  });

  it('a process still in a call when pid 1 exits: the call is recorded as never returning, and the replay ends it there again', () => {
    const trace = join(dir, 'left_running.trace');
    const recorded = runSandbox(['/bin/sh', '-c', 'sleep 30 & sleep 1; echo started'], { extraArgs: ['--record', trace] });
    expect([recorded.status, recorded.stdout], summarize(recorded)).to.deep.equal([0, 'started\n']);
    const shown = runTsvisor(['trace', 'show', trace, '--syscall', 'clock_nanosleep,nanosleep']);
    expect(shown.stdout).to.match(/^ *\d+ 2\/2 (clock_)?nanosleep\(.*\) = \?$/m);
    for (let again = 0; again < 2; again++) {
      const r = runTsvisor(['replay', trace, '--exec']);
      expect(r.status, summarize(r)).to.equal(0);
      expect(r.stdout).to.equal(recorded.stdout);
      expect(r.stderr).to.match(/^tsvisor: replay: \d+ syscalls as recorded .*exit status 0 as recorded\n$/);
    }
  });

  it('a run with --mount and --tmpfs replays on the same root: the bound files are read again', () => {
    const host = join(dir, 'bound');
    mkdirSync(host);
    writeFileSync(join(host, 'f'), 'from the host\n');
    const trace = join(dir, 'mounts.trace');
    const script = 'cat /mnt/f; echo x > /mnt/g; ls /mnt; echo y > /scratch/z; cat /scratch/z; grep -c " /mnt \\| /scratch " /proc/mounts';
    const recorded = runSandbox(['/bin/sh', '-c', script], { extraArgs: ['--record', trace, '--mount', `${host}:/mnt`, '--tmpfs', '/scratch'] });
    expect([recorded.status, recorded.stdout], summarize(recorded)).to.deep.equal([0, 'from the host\nf\ng\ny\n2\n']);
    const r = runTsvisor(['replay', trace, '--exec']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(recorded.stdout);
  });

  it('a run that writes a :rw bind\'s file through shared mappings (forked, shrunk to SIGBUS) replays as recorded', async () => {
    await buildPrograms();
    const host = join(dir, 'mapped');
    mkdirSync(host);
    const trace = join(dir, 'mapped.trace');
    const argv = [programPath('map_shared_bind', 'static'), host];
    const recorded = runSandbox(argv, { extraArgs: ['--record', trace, '--mount', `${host}:${host}:rw`] });
    expect(recorded.status, summarize(recorded)).to.equal(0);
    expect(recorded.stdout).to.contain('child status 0; parent sees [forked] [own map]').and.contain('store past the end: SIGBUS code 2');
    const r = runTsvisor(['replay', trace, '--exec']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.equal(recorded.stdout);
  });

  it("signals that end pselect6, ppoll and epoll_pwait(2) waits: recorded, every handler's frame holds the caller's mask and it is whole after; each recording replays as it was", async () => {
    await buildPrograms();
    const program = programPath('pselect_mask_restore', 'static');
    for (let run = 0; run < 2; run++) {
      const trace = join(dir, `wait_mask${run}.trace`);
      const recorded = runSandbox([program], { extraArgs: ['--record', trace] });
      expect(recorded.status, summarize(recorded)).to.equal(0);
      const after = [...recorded.stdout.matchAll(/mask after (\S+),/g)].map((m) => m[1]);
      expect(after).to.have.length(33);
      expect(new Set(after)).to.deep.equal(new Set(['USR1+USR2+WINCH']));
      const frames = [...recorded.stdout.matchAll(/in the USR1 handler: mask \S+, frame's uc_sigmask (\S+),/g)].map((m) => m[1]);
      expect(frames).to.have.length(12);
      expect(new Set(frames)).to.deep.equal(new Set(['USR1+USR2+WINCH']));
      for (let again = 0; again < 2; again++) {
        const r = runTsvisor(['replay', trace, '--exec']);
        expect(r.status, summarize(r)).to.equal(0);
        expect(r.stdout).to.equal(recorded.stdout);
      }
    }
  });

  it('threads and processes whose output depends on their order: each recording replays as it was, again and again', () => {
    const race = build('race_order', ['-pthread']);
    for (let run = 0; run < 3; run++) {
      const trace = join(dir, `race${run}.trace`);
      const recorded = runSandbox([race], { extraArgs: ['--record', trace] });
      expect(recorded.status, summarize(recorded)).to.equal(0);
      expect(recorded.stdout).to.match(/^reaped child \d, status 1\d$/m);
      for (let again = 0; again < 2; again++) {
        const r = runTsvisor(['replay', trace, '--exec']);
        expect(r.status, summarize(r)).to.equal(0);
        expect(r.stdout).to.equal(recorded.stdout);
      }
    }
  });

  it('signals that land wherever the program is: each recording replays as it was; those of code that makes no syscall are said not to be at a recorded point', () => {
    const program = build('signal_points');
    for (let run = 0; run < 3; run++) {
      const trace = join(dir, `signals${run}.trace`);
      const recorded = runSandbox([program], { extraArgs: ['--record', trace] });
      expect(recorded.status, summarize(recorded)).to.equal(0);
      expect(recorded.stdout).to.match(/^step 39: \d+ signals\nin all: \d+ signals\ncounting child: exit 0\nbusy child: killed by signal 15\nbusy loop: alarm taken\n$/m);
      for (let again = 0; again < 2; again++) {
        const r = runTsvisor(['replay', trace, '--exec']);
        expect(r.status, summarize(r)).to.equal(0);
        expect(r.stdout).to.equal(recorded.stdout);
        expect(r.stderr).to.match(/; 2 signals took effect where the host delivered them, not at a recorded point\), exit status 0 as recorded/);
      }
    }
  });

  it('SIGCHLDs at the return of the fork or vfork whose child has already exited: each recording replays as it was, again and again', () => {
    const program = build('child_exits');
    for (let run = 0; run < 3; run++) {
      const trace = join(dir, `child_exits${run}.trace`);
      const recorded = runSandbox([program], { extraArgs: ['--record', trace] });
      expect(recorded.status, summarize(recorded)).to.equal(0);
      expect(recorded.stdout).to.match(/^(v?fork \d+: \d+ SIGCHLDs before it returned\n){30}$/);
      for (let again = 0; again < 2; again++) {
        const r = runTsvisor(['replay', trace, '--exec']);
        expect(r.status, summarize(r)).to.equal(0);
        expect(r.stdout).to.equal(recorded.stdout);
      }
    }
  });

  it('a child that computes while its parent polls for it with WNOHANG between sleeps (wait4, waitid): each recording replays as it was', () => {
    const program = build('busy_child');
    for (const how of ['wait4', 'waitid']) {
      for (let run = 0; run < 2; run++) {
        recordAndReplayTwice([program, how], join(dir, `busy_child_${how}${run}.trace`), /^child exited with 7, found at poll \d+\n$/);
      }
    }
  });

  it('a signal that lands between the check of the flag its handler sets and a blocking poll: never lost when recording, and each recording replays as it was', () => {
    const program = build('flag_then_poll');
    const expected = [0, 1, 2, 3, 4].map((round) => `round ${round}: woken\n`).join('');
    for (let run = 0; run < 3; run++) recordAndReplayTwice([program], join(dir, `flag_then_poll${run}.trace`), expected);
  });

  it('a thread killed by the exit of its process while it makes calls: each recording replays as it was, however far the thread gets', () => {
    const program = build('killed_thread', ['-pthread']);
    for (let run = 0; run < 3; run++) {
      const trace = join(dir, `killed_thread${run}.trace`);
      const recorded = runSandbox([program], { extraArgs: ['--record', trace] });
      expect(recorded.status, summarize(recorded)).to.equal(0);
      for (let again = 0; again < 2; again++) {
        const r = runTsvisor(['replay', trace, '--exec']);
        expect(r.status, summarize(r)).to.equal(0);
        expect(r.stdout).to.equal('main thread done\n');
        expect(r.stderr).to.match(/^tsvisor: replay: \d+ syscalls as recorded .*exit status 0 as recorded\n$/);
      }
    }
  });

  it('threads that spin in their code waiting for each other: each replay ends, as recorded, or with a divergence where writes would come in another order', () => {
    const program = build('spin_wait', ['-pthread']);
    for (const args of [[], ['write']]) {
      for (let run = 0; run < 2; run++) {
        const trace = join(dir, `spin_wait${args.length}_${run}.trace`);
        const recorded = runSandbox([program, ...args], { extraArgs: ['--record', trace] });
        expect(recorded.status, summarize(recorded)).to.equal(0);
        for (let again = 0; again < 2; again++) {
          const r = runTsvisor(['replay', trace, '--exec']);
          if (args.length === 0 || r.status === 0) {
            expect(r.status, summarize(r)).to.equal(0);
            expect(r.stdout).to.equal(recorded.stdout);
          } else {
            expect(r.status, summarize(r)).to.equal(3);
            expect(r.stderr).to.match(/^replay diverged at seq \d+ \(pid\/tid 1\/\d+\): this write was recorded before the one of seq \d+ to the same file, which went first in the replay, out of its turn/);
          }
        }
      }
    }
  });

  it('an exec by the main thread or another one while threads are parked or make calls: the new image runs as the main thread, and each recording replays as it was', () => {
    const program = build('exec_thread', ['-pthread']);
    for (const by of ['main', 'thread']) {
      const native = spawnSync(program, [by], { encoding: 'utf8' });
      expect(native.stdout).to.equal('new image: pid == tid: 1\n');
      for (let run = 0; run < 3; run++) {
        const trace = join(dir, `exec_thread_${by}${run}.trace`);
        const recorded = runSandbox([program, by], { extraArgs: ['--record', trace] });
        expect(recorded.status, summarize(recorded)).to.equal(0);
        expect(recorded.stdout).to.equal(native.stdout);
        for (let again = 0; again < 2; again++) {
          const r = runTsvisor(['replay', trace, '--exec']);
          expect(r.status, summarize(r)).to.equal(0);
          expect(r.stdout).to.equal(native.stdout);
          expect(r.stderr).to.match(/^tsvisor: replay: \d+ syscalls as recorded .*exit status 0 as recorded\n$/);
        }
      }
    }
  });

  it('threads synchronised by futexes: a mutex and condition variable ping-pong replays as recorded; a barrier and a semaphore as recorded or with a divergence report, never a hang', () => {
    const program = build('futex_sync', ['-pthread']);
    for (const args of [['pingpong', '2'], ['pingpong', '4'], ['barrier', '3'], ['sem', '3']]) {
      for (let run = 0; run < 2; run++) {
        const trace = join(dir, `futex_${args.join('_')}${run}.trace`);
        const recorded = runSandbox([program, ...args], { extraArgs: ['--record', trace] });
        expect(recorded.status, summarize(recorded)).to.equal(0);
        expect(recorded.stdout).to.match(new RegExp(`${args[0]} with ${args[1]} threads done\\n$`));
        for (let again = 0; again < 2; again++) {
          const r = runTsvisor(['replay', trace, '--exec']);
          if (args[0] === 'pingpong' || r.status === 0) {
            expect(r.status, summarize(r)).to.equal(0);
            expect(r.stdout).to.equal(recorded.stdout);
          } else {
            // A thread that took another's part (arrived last at the barrier, took the semaphore
            // first) makes a call the recording has at another seq, or one more than its own.
            expect(r.status, summarize(r)).to.equal(3);
            expect(r.stderr).to.match(/^replay diverged (at seq \d+|after the end of the recording) \(pid\/tid 1\/\d+\): /);
          }
        }
      }
    }
  });

  it('children of a shell exiting close together, with and without a CHLD trap: each recording replays as it was, however the SIGCHLDs merged', function () {
    // 27 runs of bash: ~40 s on a quiet host, past 120 s at load average 10.
    this.timeout(300_000);
    const scripts = [
      'trap "echo chld" CHLD; for i in 1 2 3 4; do (exit $i) & done; wait; echo done',
      'for i in 1 2 3 4; do (exit $i) & done; wait; echo done',
      'trap "echo chld" CHLD; for i in 1 2 3 4; do (exit $i) & done; for i in 1 2 3 4; do wait -n; echo $?; done',
    ];
    scripts.forEach((script, n) => {
      for (let run = 0; run < 3; run++) {
        const trace = join(dir, `sigchld${n}_${run}.trace`);
        const recorded = runSandbox(['/bin/bash', '-c', script], { extraArgs: ['--record', trace] });
        expect(recorded.status, summarize(recorded)).to.equal(0);
        for (let again = 0; again < 2; again++) {
          const r = runTsvisor(['replay', trace, '--exec']);
          expect(r.status, summarize(r)).to.equal(0);
          expect(r.stdout).to.equal(recorded.stdout);
        }
      }
    });
  });

  it("a pipeline, then `sleep & wait` (busybox sh, dash): a SIGCHLD of the pipeline's children never stands in for the sleeping child's, and each recording replays as it was", () => {
    // The pipeline's two SIGCHLDs may merge when recorded and not in the replay: the one left
    // held used to end the shell's sigsuspend before the sleeping child had exited, and its
    // wait4(WNOHANG) then found no child (18 of 20 replays of busybox sh before).
    const script = 'for r in 1 2 3 4 5; do echo a | busybox cat | busybox wc -l; busybox sleep 0.05 & wait; echo bg $?; done';
    const expected = '1\nbg 0\n'.repeat(5);
    for (const shell of ['/bin/busybox', '/bin/dash']) {
      const args = shell.endsWith('busybox') ? [shell, 'sh', '-c', script] : [shell, '-c', script];
      for (let run = 0; run < 2; run++) recordAndReplayTwice(args, join(dir, `sleep_wait_${run}${shell.replace(/\//g, '_')}.trace`), expected);
    }
  });

  it('pipelines, then a child that computes for a second while the shell waits for it (dash, busybox sh): the blocking wait4 ends as recorded, and each recording replays as it was', () => {
    // Two SIGCHLDs of the pipelines' children that merged when recorded come apart in the
    // replay: the one no recorded point takes stays held, and after a second held it was sent
    // while the shell was parked in its wait4 for the computing child, which it ended with
    // EINTR (8 of 8 replays of dash, 2 of 4 of busybox sh before).
    const compute = build('compute');
    for (const shell of ['/bin/dash', '/bin/busybox']) {
      const cat = shell.endsWith('busybox') ? 'busybox cat' : 'cat';
      const script = `echo a | ${cat} | ${cat}; echo b | ${cat} | ${cat}; ${compute} 1500000000; echo done $?`;
      const args = shell.endsWith('busybox') ? [shell, 'sh', '-c', script] : [shell, '-c', script];
      for (let run = 0; run < 2; run++) recordAndReplayTwice(args, join(dir, `compute_${run}${shell.replace(/\//g, '_')}.trace`), 'a\nb\ndone 0\n');
    }
  });

  it('a trace edited to change a recorded argument: the divergence is reported at that seq (status 3)', () => {
    const program = build('nondeterminism');
    const trace = join(dir, 'edited-source.trace');
    runSandbox([program], { extraArgs: ['--record', trace] });
    const write = runTsvisor(['trace', 'show', trace, '--syscall', 'write', '--json']).stdout.trim().split('\n')[0]!;
    const { seq, args } = JSON.parse(write) as { seq: number; args: number[] };
    const edited = join(dir, 'edited.trace');
    editArgument(trace, edited, seq, 2, args[2]! - 1);
    const r = runTsvisor(['replay', edited, '--exec']);
    expect(r.status, summarize(r)).to.equal(3);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(new RegExp(`^replay diverged at seq ${seq} \\(pid/tid 1/1\\): argument 3 \\(size\\) is ${args[2]}, the recording's was ${args[2]! - 1}\n  recorded: 1/1 write\\(1, `));
    expect(r.stderr).to.match(/\n {2}now: {6}1\/1 write\(1, "time /);
    expect(r.stderr).to.match(/the last calls that matched:\n( +\d+ 1\/1 .*\n){5}$/);
    expectNoStackTrace(r);
  });

  it('--stop-at SEQ stops before that syscall with the registers and the state', () => {
    const program = build('fd_after_close');
    const trace = join(dir, 'stop.trace');
    runSandbox([program], { extraArgs: ['--record', trace] });
    const closes = runTsvisor(['trace', 'show', trace, '--syscall', 'close', '--json']).stdout.trim().split('\n');
    const { seq } = closes.map((l) => JSON.parse(l) as { seq: number; text: string }).find((c) => c.text === 'close(3) = 0')!;
    const r = runTsvisor(['replay', trace, '--exec', '--stop-at', String(seq)]);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stderr).to.match(new RegExp(`^stopped before seq ${seq}, pid/tid 1/1: close\\(3\\) = 0\nregisters:\n +rip=0x`));
    expect(r.stderr).to.match(/orig_rax=0x0{15}3\b/);
    expect(r.stderr).to.match(/== fds\npid 1 \(fd_after_close\):\n(.*\n){3} +3: \/dev\/null \(dev, r, offset 0\)/);
  });
});
