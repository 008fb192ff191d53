// While a recorded or replayed sandbox runs, tsvisor's own thread traps rdtsc too
// (native/own_rdtsc.cc): node's clock reads then fault and are answered by a handler. These run
// in a child node so that the test process keeps its own counter.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { REPO_ROOT } from '../support/programs.js';

const ADDON = join(REPO_ROOT, 'dist', 'src', 'platform', 'native_addon.js');

function runChild(body: string): ReturnType<typeof spawnSync> {
  const script = `import { loadAddon } from ${JSON.stringify(ADDON)};\nconst a = loadAddon();\n${body}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
}

describe("the tracer's own rdtsc trap", function () {
  this.timeout(120_000);

  it("answers node's clock reads within a few microseconds of the clock, never going back, and only while it is set", () => {
    const r = runChild(`
      if (!a.setOwnRdtscTrap(true)) throw new Error('prctl refused');
      let reads = 0, outside = 0, back = 0, prev = 0n, worst = 0n;
      const end = a.monotonicNs() + 400e6;
      while (a.monotonicNs() < end) {
        const before = BigInt(a.monotonicNs());
        const t = process.hrtime.bigint();
        const after = BigInt(a.monotonicNs());
        reads++;
        if (t < prev) back++;
        prev = t;
        const off = t < before ? before - t : t > after ? t - after : 0n;
        if (off > 5000n) outside++;
        if (off > worst) worst = off;
      }
      const d0 = Date.now();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      const slept = Date.now() - d0;
      const answered = a.ownRdtscEmulated();
      a.setOwnRdtscTrap(false);
      for (let i = 0; i < 1000; i++) process.hrtime.bigint();
      console.log(JSON.stringify({ reads, outside, back, worst: Number(worst), slept, answered, after: a.ownRdtscEmulated() - answered }));
    `);
    expect(r.status, String(r.stderr)).to.equal(0);
    const got = JSON.parse(String(r.stdout)) as { reads: number; outside: number; back: number; worst: number; slept: number; answered: number; after: number };
    expect(got.reads).to.be.greaterThan(1000);
    // Every read was answered by the handler (a fault each), and none once the flag is cleared.
    expect(got.answered).to.be.at.least(got.reads);
    expect(got.after).to.equal(0);
    expect(got.back, 'reads that went back').to.equal(0);
    // A real read is paired with the clock to within 1 us, and the rate is known to a few parts in
    // 10^5 once extrapolation starts: 5 us leaves room for a loaded host, not for a wrong counter.
    expect(got.outside, `reads more than 5 us outside the syscall clock's (worst ${got.worst} ns)`).to.equal(0);
    expect(got.slept).to.be.within(45, 1000);
  });

  it('passes any other SIGSEGV on: a sent one still ends the process as before', () => {
    const r = runChild(`a.setOwnRdtscTrap(true); process.kill(process.pid, 'SIGSEGV'); setTimeout(() => console.log('survived'), 2000);`);
    expect(r.signal).to.equal('SIGSEGV');
    expect(String(r.stdout)).to.equal('');
  });
});
