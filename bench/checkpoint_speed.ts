// Issue 5's checkpoint numbers (tsvisor only): a program that touched 10 MB, 100 MB and 1 GB
// of memory is checkpointed (tsvisor checkpoint, the sandbox's own account of the time and
// the command's wall time), and restored (tsvisor restore's wall time, less the 3 s the
// restored program sleeps before it exits). Targets: 100 MB checkpointed and restored in
// under 0.5 s each, memory copied at >= 1 GB/s, image within 1.1x of the touched memory.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerFailure, stats, timeRun, type RunOptions, type Stats } from './measure.js';
import type { Outcome } from './workloads.js';

export const CHECKPOINT_SIZES_MIB = [10, 100, 1024] as const;
/** The restored program sleeps this long before it exits (taken out of the restore time). */
const PROGRAM_SLEEP_MS = 3000;
const NAME = 'bench-checkpoint';

export interface CheckpointSizeResult {
  mib: number;
  /** What the sandbox reports: time from the request to the image renamed into place, and MiB/s of memory. */
  checkpointS: Stats;
  copyMiBPerS: number;
  /** Wall time of the `tsvisor checkpoint` command (node start-up included). */
  checkpointWallS: Stats;
  restoreS: Stats;
  imageBytes: number;
}

export interface CheckpointSpeedResult {
  sizes: CheckpointSizeResult[];
}

function buildProgram(root: string): string {
  const out = join(root, 'build', 'bench', 'touch_memory');
  mkdirSync(join(root, 'build', 'bench'), { recursive: true });
  const r = spawnSync('cc', ['-O2', '-static', '-o', out, join(root, 'bench', 'programs', 'touch_memory.c')], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) throw new PeerFailure(`cc touch_memory.c: ${(r.stderr ?? r.error?.message ?? '').trim().split('\n')[0]}`);
  return out;
}

/** A synchronous sleep (the bench is synchronous). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** One checkpoint and restore of the program with `mib` MiB touched. */
function once(tsvisor: (args: readonly string[]) => string[], program: string, work: string, mib: number, opts: RunOptions) {
  const stateRoot = join(work, 'state');
  const image = join(work, `image-${mib}`);
  rmSync(image, { recursive: true, force: true });
  const outPath = join(work, 'out.txt');
  const out = openSync(outPath, 'w');
  const [file, ...args] = tsvisor(['--root', stateRoot, 'run', '--name', NAME, '--', program, String(mib)]);
  const child = spawn(file!, args, { stdio: ['ignore', out, 'ignore'], cwd: opts.cwd });
  closeSync(out);
  try {
    const deadline = Date.now() + opts.timeoutSeconds * 1000;
    while (!readFileSync(outPath, 'utf8').includes('ready\n')) {
      if (Date.now() > deadline) throw new PeerFailure(`touch_memory ${mib}: no "ready" in time`);
      pause(20);
    }
    const ck = timeRun(tsvisor(['--root', stateRoot, 'checkpoint', '--image', image, NAME]), { ...opts, capture: true });
    if (!ck.ok) throw new PeerFailure(`checkpoint: ${ck.failure}`);
    const m = /of memory \(([\d.]+) MiB\/s\), image [\d.]+ MiB, ([\d.]+) s/.exec(ck.stderr);
    if (!m) throw new PeerFailure(`checkpoint printed no summary: ${ck.stderr.trim()}`);
    const rs = timeRun(tsvisor(['restore', '--image', image]), { ...opts, capture: true });
    if (!rs.ok || !rs.stdout.startsWith('sum ')) throw new PeerFailure(`restore: ${rs.failure ?? rs.stdout}`);
    return { checkpointS: Number(m[2]), rate: Number(m[1]), wallS: ck.seconds, restoreS: Math.max(0, rs.seconds - PROGRAM_SLEEP_MS / 1e3), imageBytes: dirBytes(image) };
  } finally {
    child.kill('SIGKILL');
    rmSync(image, { recursive: true, force: true });
  }
}

export function measureCheckpointSpeed(root: string, tsvisor: (args: readonly string[]) => string[], quick: boolean, opts: RunOptions): Outcome<CheckpointSpeedResult> {
  const work = mkdtempSync(join(tmpdir(), 'tsvisor-bench-ckpt-'));
  try {
    const program = buildProgram(root);
    const sizes: CheckpointSizeResult[] = [];
    for (const mib of CHECKPOINT_SIZES_MIB) {
      const runs = quick || mib >= 1024 ? 1 : 3;
      const samples = Array.from({ length: runs }, () => once(tsvisor, program, work, mib, opts));
      sizes.push({
        mib,
        checkpointS: stats(samples.map((s) => s.checkpointS)),
        copyMiBPerS: stats(samples.map((s) => s.rate)).median,
        checkpointWallS: stats(samples.map((s) => s.wallS)),
        restoreS: stats(samples.map((s) => s.restoreS)),
        imageBytes: samples[0]!.imageBytes,
      });
    }
    return { ok: true, value: { sizes } };
  } catch (e) {
    if (e instanceof PeerFailure) return { ok: false, failure: e.message };
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The report's lines for this workload. */
export function renderCheckpointSpeed(o: Outcome<CheckpointSpeedResult>): string[] {
  const out = ['', 'checkpoint and restore (issue 5): touch_memory N MiB, tsvisor checkpoint then tsvisor restore'];
  if (!o.ok) return [...out, `  failed (${o.failure})`];
  out.push('  memory      checkpoint  (command wall)  copy rate    restore   image size / touched');
  for (const s of o.value.sizes) {
    const touched = s.mib * 1024 * 1024;
    out.push(
      `  ${String(s.mib).padStart(5)} MiB  ${s.checkpointS.median.toFixed(3).padStart(8)} s  ${s.checkpointWallS.median.toFixed(3).padStart(10)} s  ` +
        `${(s.copyMiBPerS / 1024).toFixed(2).padStart(6)} GiB/s  ${s.restoreS.median.toFixed(3).padStart(6)} s   ${(s.imageBytes / touched).toFixed(3)}x`,
    );
  }
  const hundred = o.value.sizes.find((s) => s.mib === 100);
  if (hundred) {
    const met = (b: boolean) => (b ? 'met' : 'not met');
    out.push(
      `  targets: 100 MiB checkpoint < 0.5 s: ${met(hundred.checkpointS.median < 0.5)}; restore < 0.5 s: ${met(hundred.restoreS.median < 0.5)}; ` +
        `copy >= 1 GiB/s: ${met(hundred.copyMiBPerS >= 1024)}; image <= 1.1x touched: ${met(hundred.imageBytes <= 1.1 * hundred.mib * 1024 * 1024)}`,
      `  (restore: wall time of tsvisor restore, node start-up included, less the restored program's own ${PROGRAM_SLEEP_MS} ms sleep)`,
    );
  }
  return out;
}
