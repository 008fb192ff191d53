// The CPUs the sandbox runs on stay within those tsvisor was given: a program that computes is
// widened from the tracer's CPU to "every CPU", which must mean every CPU of tsvisor's own
// affinity (taskset, a container's cpuset), not the first N of the machine. The widening is per
// thread: threads that compute in parallel get every CPU while another thread of theirs traps.

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../support/programs.js';
import { TSVISOR_BIN, testEnv } from '../support/run.js';

const BUSY = join(REPO_ROOT, 'build', 'test-programs-cpu', 'busy');
const PARALLEL = join(REPO_ROOT, 'build', 'test-programs-cpu', 'parallel');

// Two threads compute; meanwhile the main thread makes a trapped syscall (nanosleep) every few
// microseconds, so the sandbox as a whole is never quiet.
const PARALLEL_C = `
#include <pthread.h>
#include <time.h>
static volatile int done;
static void *work(void *a) {
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 1500000000UL; i++) x += i;
  __atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
  return a;
}
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, work, 0);
  struct timespec ts = {0, 1000};
  while (__atomic_load_n(&done, __ATOMIC_SEQ_CST) < 2) nanosleep(&ts, 0);
  pthread_join(t[0], 0);
  pthread_join(t[1], 0);
  return 0;
}
`;

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

/** The sandbox's host threads (traced by a descendant of root): affinity and user CPU time in ticks. */
function sandboxThreads(root: number): { tid: string; cpus: string; ticks: number }[] {
  const found: { tid: string; cpus: string; ticks: number }[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const tracer = field(pid, 'TracerPid');
    if (!tracer || tracer === '0' || !descendsFrom(tracer, root)) continue;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const cpus = field(`${pid}/task/${tid}`, 'Cpus_allowed_list');
      let ticks = 0;
      try {
        // utime is field 14; the fields after the command name (which may hold ") ") start at 3.
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        ticks = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[11]);
      } catch {
        continue;
      }
      if (cpus !== undefined) found.push({ tid, cpus, ticks });
    }
  }
  return found;
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
    const p = spawnSync(process.env.CC ?? 'cc', ['-O1', '-pthread', '-x', 'c', '-o', PARALLEL, '-'], { input: PARALLEL_C, encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`cc: ${p.stderr}`);
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

  it('threads that compute get every CPU while another thread of the program traps all the time', async () => {
    const every = readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.*)$/m)![1]!.trim();
    const child = spawn(process.execPath, [TSVISOR_BIN, 'run', '--', PARALLEL], { env: testEnv(), stdio: 'ignore' });
    // Each computing thread (one with a tenth of a second of CPU) as it was seen at each look.
    const computing = new Map<string, Set<string>>();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      for (const t of sandboxThreads(child.pid!)) {
        if (t.ticks >= 10) computing.set(t.tid, (computing.get(t.tid) ?? new Set()).add(t.cpus));
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect(await exited).to.equal(0);
    expect(computing.size, 'no computing thread was seen while it ran').to.be.greaterThan(0);
    // They are widened after 5 ms without a stop, long before a tenth of a second of CPU.
    for (const [tid, seen] of computing) expect([...seen], `thread ${tid}`).to.deep.equal([every]);
  });
});
