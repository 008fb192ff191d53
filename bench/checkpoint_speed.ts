// Issue 5's checkpoint numbers: a program that touched 10 MiB, 100 MiB and 1 GiB of memory
// (bench/programs/touch_memory.c, data that does not compress) is checkpointed and restored,
// under tsvisor and under runsc (ptrace platform, from an OCI bundle made here), in the same
// invocation. Checkpoint: the checkpoint command's wall time (and, for tsvisor, the time the
// sandbox itself reports). Restore: from the start of the restore command to the first line
// the restored program prints (it ticks every 10 ms). Targets: 100 MiB checkpointed and
// restored in under 0.5 s each, memory copied at >= 1 GiB/s, image within 1.1x of the memory.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerFailure, stats, timeRun, type RunOptions, type Stats } from './measure.js';
import { findOnPath } from './peers.js';
import type { Outcome } from './workloads.js';

export const CHECKPOINT_SIZES_MIB = [10, 100, 1024] as const;
const CHECKPOINT_PEERS = ['tsvisor', 'runsc'] as const;
type CheckpointPeerName = (typeof CHECKPOINT_PEERS)[number];

export interface CheckpointSample {
  /** Wall time of the checkpoint command, and for tsvisor the sandbox's own account and copy rate. */
  checkpointWallS: Stats;
  checkpointReportedS?: Stats;
  copyMiBPerS?: number;
  restoreS: Stats;
  imageBytes: number;
}

export interface CheckpointSizeResult {
  mib: number;
  peers: Map<CheckpointPeerName, Outcome<CheckpointSample>>;
}

export interface CheckpointSpeedResult {
  sizes: CheckpointSizeResult[];
}

/** One peer's way to start the program, checkpoint it and restore it. */
interface CheckpointPeer {
  unavailable(): string | undefined;
  start(mib: number, out: string): void;
  /** Checkpoints the running program into image; the sandbox's own report for tsvisor. */
  checkpoint(image: string): { wallS: number; reportedS?: number; rate?: number };
  /** Starts a restore of image writing to out; the caller waits for its first tick. */
  restore(image: string, out: string): void;
  cleanup(): void;
}

/** A synchronous sleep (the bench is synchronous). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits until the file has a line matching re; seconds waited. runsc's restored stdout starts with NUL padding. */
function waitForLine(file: string, re: RegExp, timeoutS: number): void {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'latin1').replace(/\0/g, '') : '';
    if (re.test(text)) return;
    if (Date.now() > deadline) throw new PeerFailure(`no ${re.source} line within ${timeoutS} s in ${file}: ${text.slice(-200)}`);
    pause(2);
  }
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function buildProgram(root: string): string {
  const out = join(root, 'build', 'bench', 'touch_memory');
  mkdirSync(join(root, 'build', 'bench'), { recursive: true });
  const r = spawnSync('cc', ['-O2', '-static', '-o', out, join(root, 'bench', 'programs', 'touch_memory.c')], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) throw new PeerFailure(`cc touch_memory.c: ${(r.stderr ?? r.error?.message ?? '').trim().split('\n')[0]}`);
  return out;
}

function tsvisorPeer(tsvisor: (args: readonly string[]) => string[], program: string, work: string, opts: RunOptions): CheckpointPeer {
  const stateRoot = join(work, 'tsvisor-state');
  let running: ChildProcess | undefined;
  let restored: ChildProcess | undefined;
  const background = (args: readonly string[], out: string): ChildProcess => {
    const fd = openSync(out, 'w');
    const [file, ...rest] = tsvisor(args);
    const child = spawn(file!, rest, { stdio: ['ignore', fd, 'ignore'], cwd: opts.cwd });
    closeSync(fd);
    return child;
  };
  return {
    unavailable: () => undefined,
    start: (mib, out) => {
      running = background(['--root', stateRoot, 'run', '--name', 'bench-ckpt', '--', program, String(mib)], out);
    },
    checkpoint: (image) => {
      const r = timeRun(tsvisor(['--root', stateRoot, 'checkpoint', '--image', image, 'bench-ckpt']), { ...opts, capture: true });
      if (!r.ok) throw new PeerFailure(`checkpoint: ${r.failure}`);
      const m = /of memory \(copied at ([\d.]+) MiB\/s\), image [\d.]+ MiB, ([\d.]+) s/.exec(r.stderr);
      if (!m) throw new PeerFailure(`checkpoint printed no summary: ${r.stderr.trim()}`);
      return { wallS: r.seconds, reportedS: Number(m[2]), rate: Number(m[1]) };
    },
    restore: (image, out) => {
      restored = background(['restore', '--image', image], out);
    },
    cleanup: () => {
      for (const c of [running, restored]) c?.kill('SIGKILL');
      running = restored = undefined;
    },
  };
}

function runscPeer(program: string, work: string, opts: RunOptions): CheckpointPeer {
  const runscRoot = join(work, 'runsc-state');
  const bundle = join(work, 'runsc-bundle');
  const runsc = (...args: string[]) => ['runsc', '--root', runscRoot, '--platform=ptrace', '--network=none', ...args];
  let n = 0;
  const ids: string[] = [];
  const detached = (args: string[], out: string): void => {
    const fd = openSync(out, 'w');
    const r = spawnSync(args[0]!, args.slice(1), { stdio: ['ignore', fd, 'ignore'], timeout: opts.timeoutSeconds * 1000 });
    closeSync(fd);
    if (r.status !== 0) throw new PeerFailure(`${args.slice(4, 6).join(' ')}: exit ${r.status ?? r.signal}`);
  };
  /** An OCI bundle whose root holds only the program, made once per size. */
  const makeBundle = (mib: number) => {
    rmSync(bundle, { recursive: true, force: true });
    mkdirSync(join(bundle, 'rootfs'), { recursive: true });
    copyFileSync(program, join(bundle, 'rootfs', 'touch_memory'));
    const spec = spawnSync('runsc', ['spec'], { cwd: bundle, encoding: 'utf8' });
    if (spec.status !== 0) throw new PeerFailure(`runsc spec: ${spec.stderr.trim()}`);
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { process: { args: string[]; terminal: boolean }; root: { path: string; readonly: boolean } };
    config.process.args = ['/touch_memory', String(mib)];
    config.process.terminal = false;
    config.root = { path: 'rootfs', readonly: true };
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
  };
  return {
    unavailable: () => (findOnPath('runsc') === undefined ? 'runsc not installed, skipped' : undefined),
    start: (mib, out) => {
      makeBundle(mib);
      const id = `bench-${++n}`;
      ids.push(id);
      detached(runsc('run', '--bundle', bundle, '-detach', id), out);
    },
    checkpoint: (image) => {
      const r = timeRun(runsc('checkpoint', '--image-path', image, ids[ids.length - 1]!), { ...opts, capture: true });
      if (!r.ok) throw new PeerFailure(`runsc checkpoint: ${r.failure}`);
      return { wallS: r.seconds };
    },
    restore: (image, out) => {
      const id = `bench-${++n}`;
      ids.push(id);
      detached(runsc('restore', '--image-path', image, '--bundle', bundle, '-detach', id), out);
    },
    cleanup: () => {
      for (const id of ids.splice(0)) spawnSync('runsc', ['--root', runscRoot, 'delete', '-force', id], { stdio: 'ignore' });
    },
  };
}

/** One checkpoint and restore of the program with `mib` MiB touched. */
function once(peer: CheckpointPeer, work: string, mib: number, opts: RunOptions) {
  const image = join(work, `image-${mib}`);
  rmSync(image, { recursive: true, force: true });
  mkdirSync(image);
  const out = join(work, 'out.txt');
  const restoredOut = join(work, 'restored.txt');
  try {
    peer.start(mib, out);
    waitForLine(out, /^tick /m, opts.timeoutSeconds);
    const ck = peer.checkpoint(image);
    const began = process.hrtime.bigint();
    rmSync(restoredOut, { force: true });
    peer.restore(image, restoredOut);
    waitForLine(restoredOut, /^tick /m, opts.timeoutSeconds);
    const restoreS = Number(process.hrtime.bigint() - began) / 1e9;
    return { ...ck, restoreS, imageBytes: dirBytes(image) };
  } finally {
    peer.cleanup();
    rmSync(image, { recursive: true, force: true });
  }
}

export function measureCheckpointSpeed(root: string, tsvisor: (args: readonly string[]) => string[], quick: boolean, opts: RunOptions): Outcome<CheckpointSpeedResult> {
  const work = mkdtempSync(join(tmpdir(), 'tsvisor-bench-ckpt-'));
  try {
    const program = buildProgram(root);
    const peers = new Map<CheckpointPeerName, CheckpointPeer>([
      ['tsvisor', tsvisorPeer(tsvisor, program, work, opts)],
      ['runsc', runscPeer(program, work, opts)],
    ]);
    const sizes: CheckpointSizeResult[] = [];
    for (const mib of CHECKPOINT_SIZES_MIB) {
      const result: CheckpointSizeResult = { mib, peers: new Map() };
      sizes.push(result);
      for (const [name, peer] of peers) {
        const why = peer.unavailable();
        if (why !== undefined) {
          result.peers.set(name, { ok: false, failure: why });
          continue;
        }
        try {
          const runs = quick || mib >= 1024 ? 1 : 3;
          const samples = Array.from({ length: runs }, () => once(peer, work, mib, opts));
          const reported = samples.map((s) => s.reportedS).filter((s): s is number => s !== undefined);
          const rates = samples.map((s) => s.rate).filter((s): s is number => s !== undefined);
          result.peers.set(name, {
            ok: true,
            value: {
              checkpointWallS: stats(samples.map((s) => s.wallS)),
              ...(reported.length > 0 ? { checkpointReportedS: stats(reported) } : {}),
              ...(rates.length > 0 ? { copyMiBPerS: stats(rates).median } : {}),
              restoreS: stats(samples.map((s) => s.restoreS)),
              imageBytes: samples[0]!.imageBytes,
            },
          });
        } catch (e) {
          if (!(e instanceof PeerFailure)) throw e;
          result.peers.set(name, { ok: false, failure: e.message });
        }
      }
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
  const out = ['', 'checkpoint and restore (issue 5): touch_memory N MiB (incompressible), checkpoint then restore to the first tick'];
  if (!o.ok) return [...out, `  failed (${o.failure})`];
  out.push('  memory    peer      checkpoint (wall)  sandbox says  copy rate    restore   image / memory');
  for (const s of o.value.sizes) {
    const touched = s.mib * 1024 * 1024;
    for (const [name, r] of s.peers) {
      const head = `  ${String(s.mib).padStart(4)} MiB  ${name.padEnd(8)}`;
      if (!r.ok) {
        out.push(`${head}  ${r.failure}`);
        continue;
      }
      const v = r.value;
      out.push(
        `${head}  ${v.checkpointWallS.median.toFixed(3).padStart(8)} s        ` +
          `${v.checkpointReportedS ? v.checkpointReportedS.median.toFixed(3).padStart(7) + ' s' : '      -  '}  ` +
          `${v.copyMiBPerS !== undefined ? ((v.copyMiBPerS / 1024).toFixed(2) + ' GiB/s').padStart(10) : '         -'}  ` +
          `${v.restoreS.median.toFixed(3).padStart(6)} s   ${(v.imageBytes / touched).toFixed(3)}x`,
      );
    }
  }
  const hundred = o.value.sizes.find((s) => s.mib === 100)?.peers.get('tsvisor');
  if (hundred?.ok) {
    const v = hundred.value;
    const met = (b: boolean) => (b ? 'met' : 'not met');
    out.push(
      `  targets (tsvisor, 100 MiB): checkpoint < 0.5 s: ${met(v.checkpointWallS.median < 0.5)} (wall; ${met((v.checkpointReportedS?.median ?? Infinity) < 0.5)} as the sandbox reports it); ` +
        `restore < 0.5 s: ${met(v.restoreS.median < 0.5)}; copy >= 1 GiB/s: ${met((v.copyMiBPerS ?? 0) >= 1024)}; image <= 1.1x: ${met(v.imageBytes <= 1.1 * 100 * 1024 * 1024)}`,
      '  (wall times include each command\'s own start-up: node for tsvisor, the runsc binary for runsc)',
    );
  }
  return out;
}

export function checkpointJson(v: CheckpointSpeedResult): object {
  return v.sizes.map((s) => ({ mib: s.mib, peers: Object.fromEntries([...s.peers].map(([name, r]) => [name, r.ok ? r.value : { failed: r.failure }])) }));
}
