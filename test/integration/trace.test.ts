// Recording a run, reading the trace back, and rebuilding the kernel state from it.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openTrace } from '../../src/trace/trace_reader.js';
import { expectNoStackTrace, expectOneLineError, runSandbox, runTsvisor, summarize } from '../support/run.js';

describe('trace: record, show, stats, replay', function () {
  this.timeout(60_000);
  let dir: string;
  let trace: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-trace-'));
    trace = join(dir, 'run.trace');
    const r = runSandbox(['/bin/sh', '-c', 'cat /no/such/file; exec 3</etc/hostname; echo done'], { extraArgs: ['--record', trace] });
    expect(r.stdout, summarize(r)).to.equal('done\n');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('show --failed lists the failed open with its errno, strace-style', () => {
    const r = runTsvisor(['trace', 'show', trace, '--failed']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.match(/\d+ 2\/2 openat\(AT_FDCWD, "\/no\/such\/file", O_RDONLY\) = -1 ENOENT \(No such file or directory\)/);
    for (const line of r.stdout.trim().split('\n')) expect(line).to.match(/= -1 E[A-Z]+ /);
  });

  it('show filters by syscall and pid, and prints JSON lines', () => {
    const r = runTsvisor(['trace', 'show', trace, '--syscall', 'execve', '--pid', '2', '--json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; pid: number });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ name: 'execve', pid: 2 });
  });

  it('stats counts calls and errors per syscall', () => {
    const r = runTsvisor(['trace', 'stats', trace]);
    expect(r.stdout).to.match(/openat {2}\(ENOENT \d+\)/);
    expect(r.stdout).to.match(/ total\n$/);
  });

  it('replay --verify rebuilds the final state exactly (digest match)', () => {
    const r = runTsvisor(['replay', trace, '--verify']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.match(/verify: OK/);
  });

  it("a large pipe write's events hold the bytes written (the recorder encodes records in batches, after the pipe has moved on)", () => {
    // Writes larger than PIPE_BUF go through the pipe's reused ring when nothing keeps the
    // events; a recording must have them in bytes of their own. replay --verify cannot tell
    // (the pipe is empty at the end), so the trace's PipeWritten bytes are compared with the data.
    const data = randomBytes(3 << 20);
    const input = join(dir, 'random.bin');
    writeFileSync(input, data);
    const file = join(dir, 'pipe.trace');
    const r = runSandbox(['/bin/sh', '-c', `cat ${input} | md5sum`], { extraArgs: ['--record', file] });
    const md5 = createHash('md5').update(data).digest('hex');
    expect(r.stdout, summarize(r)).to.equal(`${md5}  -\n`);
    const written = createHash('md5');
    let total = 0;
    for (const record of openTrace(file, () => undefined).records) {
      if (record.type !== 'event' || record.event.type !== 'PipeWritten') continue;
      written.update(record.event.bytes);
      total += record.event.bytes.length;
    }
    expect(total).to.equal(data.length);
    expect(written.digest('hex')).to.equal(md5);
  });

  it('replay --to shows the state at that point', () => {
    const show = runTsvisor(['trace', 'show', trace, '--grep', '/etc/hostname']).stdout;
    const seq = Number(/^\s*(\d+) /.exec(show)![1]);
    const r = runTsvisor(['replay', trace, '--to', String(seq), '--state', 'fds']);
    expect(r.stdout).to.match(/3: \/etc\/hostname \(host, r, offset 0\)/);
  });

  it('replay --explain tells why: the missing path component and its nearest names; a closed fd', () => {
    const file = join(dir, 'explain.trace');
    runSandbox(['/bin/sh', '-c', 'cat /etc/hostnam; exec 3</dev/null; exec 3<&-; cat <&3; true'], { extraArgs: ['--record', file] });
    const r = runTsvisor(['replay', file, '--explain']);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stdout).to.match(/openat\(AT_FDCWD, "\/etc\/hostnam", O_RDONLY\) = -1 ENOENT[^\n]*\n  ENOENT: No such file or directory\n  the path "\/etc\/hostnam" [^\n]*\n  the deepest directory that exists is \/etc; it has no entry "hostnam"\n  nearest names there: hostname/);
    expect(r.stdout).to.match(/= -1 EBADF \(Bad file descriptor\)\n  EBADF: Bad file descriptor\n  fd 3 was closed at seq \d+\n  pid 1's open fds: /);
    const lastOnly = runTsvisor(['replay', file, '--explain', '--last']);
    expect(lastOnly.stdout.split('\n').filter((l) => /^seq /.test(l))).to.have.length(1);
  });

  it('export --format perfetto writes Chrome trace-event JSON: named tracks, syscall slices, process instants', () => {
    const out = join(dir, 'run.json');
    const r = runTsvisor(['trace', 'export', trace, '--format', 'perfetto', '-o', out]);
    expect(r.status, summarize(r)).to.equal(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: Array<{ ph: string; name: string; pid: number; tid: number; ts?: number; dur?: number; args?: { name?: string; call?: string } }> };
    const meta = json.traceEvents.filter((e) => e.ph === 'M');
    expect(meta.map((e) => e.args?.name)).to.include.members(['sh (pid 1)', 'cat (pid 2)']);
    const slices = json.traceEvents.filter((e) => e.ph === 'X');
    expect(slices.length).to.be.greaterThan(50);
    for (const e of slices) expect(e.dur!).to.be.at.least(0);
    expect(slices.some((e) => e.name === 'openat' && e.args?.call?.includes('/no/such/file'))).to.equal(true);
    const instants = json.traceEvents.filter((e) => e.ph === 'i').map((e) => e.name);
    expect(instants).to.include('fork -> 2');
    expect(instants.some((n) => n.startsWith('exec '))).to.equal(true);
  });

  it('a trace cut short reads up to its last whole record, with a warning', () => {
    const bytes = readFileSync(trace);
    const cut = join(dir, 'cut.trace');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = runTsvisor(['trace', 'show', cut]);
    expect(r.status).to.equal(0);
    expect(r.stderr).to.match(/^tsvisor: warning: .*cut short/m);
    expect(r.stdout.split('\n').length).to.be.greaterThan(10);
    expectNoStackTrace(r);
  });

  it('replay --verify of a trace cut in the middle of a record is one line saying so (found by npm run fuzz)', () => {
    const bytes = readFileSync(trace);
    const cut = join(dir, 'cut-verify.trace');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2) + 1));
    const r = runTsvisor(['replay', cut, '--verify']);
    expect(r.status, summarize(r)).to.equal(125);
    expect(expectOneLineError(r)).to.match(/no closing record \(cut short\?\)/);
    expectNoStackTrace(r);
  });

  it('random bytes, an empty file and a missing file are one-line errors', () => {
    const noise = join(dir, 'noise.trace');
    writeFileSync(noise, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const empty = join(dir, 'empty.trace');
    writeFileSync(empty, '');
    for (const file of [noise, empty, join(dir, 'missing.trace')]) {
      const r = runTsvisor(['trace', 'show', file]);
      expect(r.status, summarize(r)).to.equal(125);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/^tsvisor: /);
      expectNoStackTrace(r);
    }
  });
});
