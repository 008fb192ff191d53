// The CPUs the sandbox runs on stay within those tsvisor was given: a program that computes is
// widened from the tracer's CPU to "every CPU", which must mean every CPU of tsvisor's own
// affinity (taskset, a container's cpuset), not the first N of the machine.

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../support/programs.js';
import { TSVISOR_BIN, testEnv } from '../support/run.js';

const BUSY = join(REPO_ROOT, 'build', 'test-programs-cpu', 'busy');

function field(pid: string, name: string): string | undefined {
  try {
    return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** Whether pid is ancestor or a descendant of it (through /proc's PPid). */
function descendsFrom(pid: string, ancestor: number): boolean {
  for (let p: string | undefined = pid, depth = 0; p && p !== '0' && depth < 64; depth++) {
    if (Number(p) === ancestor) return true;
    p = field(p, 'PPid');
  }
  return false;
}

/** The affinity (Cpus_allowed_list) of every host process traced by a descendant of root. */
function sandboxAffinities(root: number): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const tracer = field(pid, 'TracerPid');
    if (!tracer || tracer === '0' || !descendsFrom(tracer, root)) continue;
    const cpus = field(pid, 'Cpus_allowed_list');
    if (cpus !== undefined) found.push(cpus);
  }
  return found;
}

describe('CPU placement', function () {
  this.timeout(120_000);

  before(function () {
    if (availableParallelism() < 2 || spawnSync('taskset', ['--version']).error) this.skip();
    spawnSync('mkdir', ['-p', join(REPO_ROOT, 'build', 'test-programs-cpu')]);
    const c = 'int main(void) { volatile unsigned long x = 0; for (unsigned long i = 0; i < 400000000UL; i++) x += i; return 0; }';
    const r = spawnSync(process.env.CC ?? 'cc', ['-O1', '-x', 'c', '-o', BUSY, '-'], { input: c, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cc: ${r.stderr}`);
  });

  it('a program that computes under taskset -c 1 runs only on CPU 1, before and after it is widened', async () => {
    const child = spawn('taskset', ['-c', '1', process.execPath, TSVISOR_BIN, 'run', '--', BUSY], { env: testEnv(), stdio: 'ignore' });
    const seen = new Set<string>();
    let samples = 0;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      for (const cpus of sandboxAffinities(child.pid!)) {
        seen.add(cpus);
        samples++;
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect(await exited).to.equal(0);
    expect(samples, 'no sandbox process was seen while it ran').to.be.greaterThan(0);
    expect([...seen]).to.deep.equal(['1']);
  });
});
