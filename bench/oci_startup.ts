// Issue 6's start-up number: wall time of `ctr run --rm IMAGE ID echo hi` under a private
// containerd with runc, tsvisor (bin/tsvisor-runc) and runsc (ptrace platform), medians of a
// few alternated rounds after a warm-up one. Target: tsvisor within 1.2x of runc and faster than runsc.
// Also an exec into a running container (`ctr task exec ID echo hi`: the shim's
// `exec --process F --detach --pid-file P`, what `docker exec` does), medians alike.
// `npm run bench` measures it once, unpinned (workload oci-startup); skipped with the reason
// where containerd or ctr is missing. Run alone: node dist/bench/oci_startup.js [RUNS] (needs
// root, containerd, ctr, busybox-static).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { missingTools, startContainerd } from '../test/support/engines.js';
import { makeRootfs, missingBusybox, RUNC_BIN } from '../test/support/oci.js';
import { writeOciArchive } from '../test/support/oci_image.js';

export interface OciStartupResult {
  /** Median wall time in ms per runtime, or why it could not run. */
  medians: Map<string, number | string>;
  /** The same for `ctr task exec` into a running container. */
  execMedians: Map<string, number | string>;
}

type Client = ReturnType<typeof startContainerd>['client'];

function median(t: number[]): number {
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
}

/** Why a ctr command failed, in one line: its status and its first line of stderr, or of stdout when stderr is empty. */
function failure(r: { status: number | null; stdout: string; stderr: string }): string {
  const first = (text: string): string => text.trim().split('\n')[0] ?? '';
  const said = first(r.stderr) || (r.stdout === '' ? 'no output' : `printed ${JSON.stringify(first(r.stdout))} instead of "hi"`);
  return `failed (status ${r.status}): ${said}`;
}

/** Medians of `ctr task exec --exec-id eN ID echo hi` into one running container per runtime, rounds alternated. */
function measureExec(client: Client, image: string, runtimes: Map<string, string | null>, runs: number): Map<string, number | string> {
  const medians = new Map<string, number | string>();
  const times = new Map<string, number[]>();
  const ids = new Map<string, string>();
  try {
    for (const [name, bin] of runtimes) {
      if (!bin) {
        medians.set(name, 'not installed');
        continue;
      }
      const id = `x-${name}`;
      const r = client(['run', '-d', '--runc-binary', bin, image, id, 'sleep', '3600']);
      if (r.status !== 0) medians.set(name, failure(r));
      else {
        ids.set(name, id);
        times.set(name, []);
      }
    }
    let n = 0;
    for (let i = 0; i <= runs; i++) {
      for (const [name, id] of ids) {
        if (medians.has(name)) continue;
        const started = process.hrtime.bigint();
        const r = client(['task', 'exec', '--exec-id', `e${n++}`, id, 'echo', 'hi']);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (r.status !== 0 || r.stdout !== 'hi\n') medians.set(name, failure(r));
        else if (i > 0) times.get(name)!.push(ms);
      }
    }
    for (const [name, t] of times) if (!medians.has(name)) medians.set(name, median(t));
  } finally {
    for (const id of ids.values()) {
      client(['task', 'kill', '-s', 'SIGKILL', id]);
      client(['task', 'delete', '--force', id]);
      client(['container', 'delete', id]);
    }
  }
  return medians;
}

function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The medians, or why they could not be measured (tools missing, containerd not starting). */
export function measureOciStartup(runs: number): OciStartupResult | string {
  const missing = missingBusybox() ?? missingTools(['containerd', 'ctr']);
  if (missing) return missing;
  const dir = mkdtempSync(join(tmpdir(), 'tsv-bench-oci-'));
  let ctr: ReturnType<typeof startContainerd> | undefined;
  try {
    mkdirSync(join(dir, 'ctrd'));
    ctr = startContainerd(join(dir, 'ctrd'), `tsvisor-bench-${process.pid}`);
    makeRootfs(join(dir, 'rootfs'));
    const image = 'localhost/tsvisor-bench:latest';
    ctr.client(['images', 'import', writeOciArchive(join(dir, 'rootfs'), dir, image, ['sh'])]);
    const runtimes = new Map<string, string | null>([['runc', which('runc')], ['tsvisor', RUNC_BIN], ['runsc', null]]);
    const runsc = which('runsc');
    if (runsc) {
      const wrapper = join(dir, 'runsc-ptrace');
      writeFileSync(wrapper, `#!/bin/sh\nexec '${runsc}' --platform=ptrace --network=none --ignore-cgroups "$@"\n`);
      chmodSync(wrapper, 0o755);
      runtimes.set('runsc', wrapper);
    }
    // Rounds of one run per runtime, alternated, so that the machine's load (shared, noisy)
    // weighs on each alike; the first round warms caches and is not counted.
    const medians = new Map<string, number | string>();
    const times = new Map<string, number[]>();
    for (const [name, bin] of runtimes) {
      if (!bin) medians.set(name, 'not installed');
      else times.set(name, []);
    }
    let n = 0;
    for (let i = 0; i <= runs; i++) {
      for (const [name, bin] of runtimes) {
        if (!bin || medians.has(name)) continue;
        const started = process.hrtime.bigint();
        const r = ctr.client(['run', '--rm', '--runc-binary', bin, image, `b${n++}`, 'echo', 'hi']);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (r.status !== 0 || r.stdout !== 'hi\n') medians.set(name, failure(r));
        else if (i > 0) times.get(name)!.push(ms);
      }
    }
    for (const [name, t] of times) if (!medians.has(name)) medians.set(name, median(t));
    return { medians, execMedians: measureExec(ctr.client, image, runtimes, runs) };
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  } finally {
    ctr?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function ociStartupJson(r: OciStartupResult | string): object {
  if (typeof r === 'string') return { skipped: r };
  const runc = r.medians.get('runc');
  const ms: Record<string, number | string> = {};
  for (const [name, v] of r.medians) ms[name] = typeof v === 'number' ? Math.round(v) : v;
  const t = r.medians.get('tsvisor');
  const s = r.medians.get('runsc');
  return {
    command: 'ctr run --rm IMG echo hi',
    median_ms: ms,
    tsvisor_vs_runc: typeof t === 'number' && typeof runc === 'number' ? Number((t / runc).toFixed(3)) : null,
    targets: {
      within_1_2x_runc: typeof t === 'number' && typeof runc === 'number' ? t <= 1.2 * runc : null,
      faster_than_runsc: typeof t === 'number' && typeof s === 'number' ? t < s : null,
    },
    exec: { command: 'ctr task exec ID echo hi', median_ms: Object.fromEntries([...r.execMedians].map(([name, v]) => [name, typeof v === 'number' ? Math.round(v) : v])) },
  };
}

export function renderOciStartup(r: OciStartupResult | string): string[] {
  if (typeof r === 'string') return [`ctr run --rm IMG echo hi: skipped (${r})`];
  const runc = r.medians.get('runc');
  const lines = ['ctr run --rm IMG echo hi (median wall time):'];
  for (const [name, v] of r.medians) {
    const ratio = typeof v === 'number' && typeof runc === 'number' ? ` (${(v / runc).toFixed(2)}x runc)` : '';
    lines.push(`  ${name.padEnd(8)} ${typeof v === 'number' ? `${v.toFixed(0)} ms${ratio}` : v}`);
  }
  const t = r.medians.get('tsvisor');
  const s = r.medians.get('runsc');
  if (typeof t === 'number' && typeof runc === 'number') lines.push(`  target tsvisor <= 1.2x runc: ${t <= 1.2 * runc ? 'met' : 'not met'}${typeof s === 'number' ? `; faster than runsc: ${t < s ? 'met' : 'not met'}` : ''}`);
  const execRunc = r.execMedians.get('runc');
  lines.push('ctr task exec ID echo hi, into a running container (median wall time):');
  for (const [name, v] of r.execMedians) {
    const ratio = typeof v === 'number' && typeof execRunc === 'number' ? ` (${(v / execRunc).toFixed(2)}x runc)` : '';
    lines.push(`  ${name.padEnd(8)} ${typeof v === 'number' ? `${v.toFixed(0)} ms${ratio}` : v}`);
  }
  return lines;
}

if (process.argv[1]?.endsWith('oci_startup.js')) {
  for (const line of renderOciStartup(measureOciStartup(Number(process.argv[2] ?? 5)))) console.log(line);
}
