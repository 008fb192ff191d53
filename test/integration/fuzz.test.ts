// Fuzzing, a fixed set of seeds (docs/fuzzing.md; `npm run fuzz -- --seeds 1..1000` runs long
// campaigns): raw syscalls over the whole table in the sandbox, read-only calls with garbage
// pointers compared with Linux, and damaged traces, checkpoint images and OCI configs. Plus the
// focused regressions of what fuzzing found.

import { expect } from 'chai';

import { runFileInputCampaign } from '../fuzz/file_inputs.js';
import { RSS_LIMIT_KIB, runSyscallCampaign, type Finding } from '../fuzz/syscall_campaign.js';
import { buildPrograms, programPath } from '../support/programs.js';
import { lines, runNative, runSandbox, summarize } from '../support/run.js';

function show(findings: readonly Finding[]): string {
  return findings.map((f) => `seeds ${f.seeds}: ${f.what}\n${f.detail}\nreproduce: ${f.reproduce}`).join('\n\n');
}

describe('fuzzing', function () {
  this.timeout(300_000);

  before(async function () {
    this.timeout(300_000);
    await buildPrograms();
  });

  for (const [linkage, first, last] of [
    ['static', 1, 30],
    ['dynamic', 31, 45],
  ] as const) {
    it(`seeds ${first}..${last} of raw syscalls (${linkage}): tsvisor stands, the host is untouched, nothing is left`, async () => {
      const r = await runSyscallCampaign({ first, last, calls: 200, linkage, seedsPerRun: last - first + 1 });
      expect(r.findings, show(r.findings)).to.deep.equal([]);
      // Thousands of calls, and batches that ran to their chosen end (not all cut short).
      expect(r.calls, `calls made`).to.be.greaterThan(150 * (last - first + 1));
      expect(r.endings.get('exit 0') ?? 0, `batch endings: ${[...r.endings].join(' ')}`).to.be.greaterThan(0);
      expect(r.unsupported.size, 'unsupported syscall numbers reported').to.be.greaterThan(10);
      expect(r.maxRssKib).to.be.lessThan(RSS_LIMIT_KIB);
    });
  }

  it('read-only calls with garbage pointers get the errno Linux gives (fuzz_syscalls --safe, 3000 calls)', () => {
    // Safe natively as root: only calls that read, only invalid pointers (see the program).
    const argv = [programPath('fuzz_syscalls', 'static'), '--safe', '1', '30', '100'];
    const native = runNative(argv);
    expect(native.status, summarize(native)).to.equal(0);
    expect(lines(native.stdout)).to.have.lengthOf(3000);
    const sandbox = runSandbox(argv);
    expect(sandbox.status, summarize(sandbox)).to.equal(0);
    expect(sandbox.stderr, summarize(sandbox)).to.equal('');
    const nat = lines(native.stdout);
    const sbx = lines(sandbox.stdout);
    const wrong = nat.flatMap((l, i) => (sbx[i] === l ? [] : [`native  ${l}\ntsvisor ${sbx[i] ?? '(missing)'}`]));
    expect(wrong, `calls answered differently (${wrong.length}):\n${wrong.slice(0, 20).join('\n')}`).to.deep.equal([]);
  });

  it('damaged traces, checkpoint images and OCI configs are answered in one line at most, never a stack trace', async () => {
    const r = await runFileInputCampaign({ perTarget: 8, seed: 1 });
    expect(r.findings, show(r.findings)).to.deep.equal([]);
    expect(r.cases.get('restore'), [...r.cases].join(' ')).to.equal(8);
  });

  it('an overlay file past 4 GiB takes such sizes, as a sparse file on Linux (the fuzzer once found an internal error there)', () => {
    const r = runSandbox([programPath('overlay_huge_size', 'static')]);
    expect(r.stderr, summarize(r)).to.equal('');
    expect(lines(r.stdout)).to.deep.equal([
      'ftruncate 2^40: ok',
      'ftruncate 2^40 - 1: ok',
      'ftruncate 5 GiB: ok',
      'pwrite at 2^40: ok',
      'pwrite at 5 GiB: ok',
      'fallocate to 5 GiB: ok',
      'ftruncate 1 MiB: ok',
      'pwrite at 1 MiB - 1: ok',
      'size: 1048576',
    ]);
  });

  it('waits of centuries end at a signal like any other, without a word from Node (found by the fuzzer)', () => {
    const r = runSandbox([programPath('huge_timeouts', 'static')]);
    expect(r.status, summarize(r)).to.equal(0);
    expect(r.stderr, summarize(r)).to.equal('');
    expect(lines(r.stdout).every((l) => l.endsWith(': EINTR')), r.stdout).to.equal(true);
  });
});
