// `npm run bench`: the cost of running programs under tsvisor, against native and peers
// (runsc's ptrace platform, strace -f, proot), in one invocation:
//  - per trapped syscall (a getppid loop) and start-up (/bin/true), under every peer;
//  - issue 3's userland workloads (shell loop of fork/exec, find over a 20k-file tree,
//    pipe throughput, python3 start-up, a gcc compile, a CPU-bound python loop), under
//    native, tsvisor and runsc (strace and proot are left out to keep the bench short);
//  - issue 4's recording numbers (tsvisor only): --record overhead, trace bytes per
//    syscall, `replay --verify` speed, `replay --exec` against the run; replay --verify on a
//    trace of 1.2M events;
//  - issue 6's OCI start-up: `ctr run --rm IMG echo hi` under runc, tsvisor and runsc with a
//    private containerd, and `ctr task exec` into a running container (once, unpinned; skipped
//    where containerd/ctr is missing);
//  - twice: as users run them, and with every command under `taskset -c 0`.
// It reports times and ratios, and which issue targets are met; it asserts nothing
// (a benchmark, not a test).
//
// Options: --only PEER,PEER      (native, tsvisor, runsc, strace, proot)
//          --workloads W,W       (startup, syscall, shell-loop, find-tree, pipe, python-startup,
//                                 gcc, python-cpu, java-startup, record, replay, checkpoint, oci-startup;
//                                 default: all)
//          --quick               shorter runs, fewer samples
//          --json                print only the JSON summary line
//          --dynamic             measure the dynamically linked loop program instead of the static one

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { arch, availableParallelism, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTree, makeCompileDir, makeTraceDir } from './fixtures.js';
import type { RunOptions } from './measure.js';
import { findOnPath, isPeerName, makePeers, MODES, PEER_NAMES, placeInMode, type Mode, type PeerName } from './peers.js';
import { measureRecording } from './recording.js';
import { measureCheckpointSpeed } from './checkpoint_speed.js';
import { measureOciStartup } from './oci_startup.js';
import { measureReplaySpeed } from './replay_speed.js';
import { renderText, toJson, type BenchResult, type ModeResult, type PeerInfo, type PeerModeResult } from './report.js';
import { USERLAND_PEERS, type UserlandResult, type WorkloadsModeResult } from './report_workloads.js';
import {
  FULL_WORKLOAD_BUDGET,
  measureUserland,
  QUICK_WORKLOAD_BUDGET,
  USERLAND,
  USERLAND_NAMES,
  type WorkloadContext,
} from './userland.js';
import { FULL_BUDGET, measureStartup, measureSyscallCost, QUICK_BUDGET, type Outcome, type Startup, type SyscallCost } from './workloads.js';

/** Everything --workloads can choose, in the order they are measured and shown. */
const WORKLOAD_NAMES = ['startup', 'syscall', ...USERLAND_NAMES, 'record', 'replay', 'checkpoint', 'oci-startup'] as const;
type WorkloadName = (typeof WORKLOAD_NAMES)[number];

function isWorkloadName(s: string): s is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(s);
}

interface Options {
  only: PeerName[];
  workloads: WorkloadName[];
  quick: boolean;
  json: boolean;
  dynamic: boolean;
}

const USAGE = `usage: npm run bench -- [--only ${PEER_NAMES.join(',')}] [--workloads ${WORKLOAD_NAMES.join(',')}] [--quick] [--json] [--dynamic]`;

function parseArgs(argv: string[]): Options {
  const o: Options = { only: [...PEER_NAMES], workloads: [...WORKLOAD_NAMES], quick: false, json: false, dynamic: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
    else if (a === '--dynamic') o.dynamic = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const list = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (list === undefined || list === '') usage('--only needs a list of peers');
      const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
      for (const n of names) if (!isPeerName(n)) usage(`unknown peer '${n}'`);
      // Keep the canonical order, whatever order was given.
      o.only = PEER_NAMES.filter((p) => names.includes(p));
    } else if (a === '--workloads' || a.startsWith('--workloads=')) {
      const list = a === '--workloads' ? argv[++i] : a.slice('--workloads='.length);
      if (list === undefined || list === '') usage('--workloads needs a list of workloads');
      const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
      for (const n of names) if (!isWorkloadName(n)) usage(`unknown workload '${n}'`);
      o.workloads = WORKLOAD_NAMES.filter((w) => names.includes(w));
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown option '${a}'`);
  }
  return o;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

/** The project root: the nearest directory above this file whose package.json is tsvisor's. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'tsvisor') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the tsvisor project root');
    dir = up;
  }
}

/** Builds getppid_loop (dynamic and static) into build/bench/; returns the one to measure. */
function buildProgram(root: string, dynamic: boolean, warn: (s: string) => void): { path: string; linkage: 'static' | 'dynamic' } {
  const src = join(root, 'bench', 'programs', 'getppid_loop.c');
  const outDir = join(root, 'build', 'bench');
  mkdirSync(outDir, { recursive: true });
  const cc = findOnPath('cc') ?? findOnPath('gcc') ?? findOnPath('clang');
  if (cc === undefined) {
    process.stderr.write('bench: no C compiler (cc) on PATH: cannot build bench/programs/getppid_loop.c\n');
    process.exit(1);
  }
  const build = (out: string, extra: string[]): string | undefined => {
    const r = spawnSync(cc, ['-O2', ...extra, '-o', out, src], { encoding: 'utf8' });
    if (r.error !== undefined) return r.error.message;
    if (r.status !== 0) return (r.stderr ?? '').trim().split('\n')[0] ?? `exit ${r.status}`;
    return undefined;
  };
  const dyn = join(outDir, 'getppid_loop');
  const stat = join(outDir, 'getppid_loop_static');
  const dynErr = build(dyn, []);
  if (dynErr !== undefined) {
    process.stderr.write(`bench: building ${relative(root, dyn)} failed: ${dynErr}\n`);
    process.exit(1);
  }
  const statErr = build(stat, ['-static']);
  if (statErr !== undefined) warn(`static build failed (${statErr}); measuring the dynamic one`);
  if (dynamic || statErr !== undefined) return { path: dyn, linkage: 'dynamic' };
  return { path: stat, linkage: 'static' };
}

interface ModeContext {
  mode: Mode;
  opts: Options;
  root: string;
  tsvisorBin: string;
  active: PeerName[];
  peers: ReturnType<typeof makePeers>;
  ctx: WorkloadContext;
  traceDir: () => string;
  progress: (s: string) => void;
}

/** Issue 3's userland workloads and issue 4's recording numbers, in one placement mode. */
function measureWorkloads(m: ModeContext): WorkloadsModeResult | undefined {
  const want = (w: WorkloadName) => m.opts.workloads.includes(w);
  const names = USERLAND_NAMES.filter(want);
  const peerNames = USERLAND_PEERS.filter((p) => m.active.includes(p));
  const record = want('record') && m.active.includes('tsvisor');
  const replay = want('replay') && m.active.includes('tsvisor');
  // Checkpoint numbers are about memory copying, not CPU placement: measured once, unpinned.
  const checkpoint = want('checkpoint') && m.active.includes('tsvisor') && m.mode === 'unpinned';
  // So is the OCI start-up (engines and several processes per run): once, unpinned.
  const ociStartup = want('oci-startup') && m.active.includes('tsvisor') && m.mode === 'unpinned';
  if ((names.length === 0 || peerNames.length === 0) && !record && !replay && !checkpoint && !ociStartup) return undefined;
  const budget = m.opts.quick ? QUICK_WORKLOAD_BUDGET : FULL_WORKLOAD_BUDGET;
  const result: WorkloadsModeResult = { userland: new Map() };
  if (peerNames.length > 0) {
    for (const name of names) {
      const w = USERLAND[name];
      const r: UserlandResult = { peers: new Map() };
      result.userland.set(name, r);
      const why = w.unavailable?.();
      if (why !== undefined) {
        r.skipped = why;
        m.progress(`[${m.mode}] ${name}: ${why}`);
        continue;
      }
      for (const p of peerNames) {
        const peer = m.peers.get(p)!;
        m.progress(`[${m.mode}] ${name}: ${p}`);
        const o = measureUserland(w, m.ctx, (cmd) => placeInMode(m.mode, peer.wrap(cmd)), budget, {
          timeoutSeconds: budget.timeoutSeconds,
          killSignal: peer.killSignal,
          cwd: m.root,
        });
        if (!o.ok) m.progress(`[${m.mode}] ${name}: ${p} failed (${o.failure})`);
        r.peers.set(p, o);
      }
    }
  }
  if (record) {
    m.progress(`[${m.mode}] record: tsvisor run with and without --record, trace stats, replay --verify, replay --exec`);
    result.record = measureRecording(
      m.root,
      (args) => placeInMode(m.mode, [m.tsvisorBin, ...args]),
      m.traceDir(),
      budget,
      { timeoutSeconds: budget.timeoutSeconds, cwd: m.root },
    );
    if (!result.record.ok) m.progress(`[${m.mode}] record: failed (${result.record.failure})`);
  }
  if (replay) {
    m.progress(`[${m.mode}] replay: recording replay_loop, then replay --verify on its trace`);
    result.replay = measureReplaySpeed(
      m.root,
      (args) => placeInMode(m.mode, [m.tsvisorBin, ...args]),
      m.traceDir(),
      budget,
      { timeoutSeconds: budget.timeoutSeconds, cwd: m.root },
    );
    if (!result.replay.ok) m.progress(`[${m.mode}] replay: failed (${result.replay.failure})`);
  }
  if (checkpoint) {
    m.progress(`[${m.mode}] checkpoint: touch_memory 10 MiB, 100 MiB, 1 GiB checkpointed and restored under tsvisor and runsc`);
    result.checkpoint = measureCheckpointSpeed(m.root, (args) => [m.tsvisorBin, ...args], m.opts.quick, {
      timeoutSeconds: 120,
      cwd: m.root,
    });
    if (!result.checkpoint.ok) m.progress(`[${m.mode}] checkpoint: failed (${result.checkpoint.failure})`);
  }
  if (ociStartup) {
    m.progress(`[${m.mode}] oci-startup: ctr run --rm IMG echo hi under runc, tsvisor and runsc`);
    result.ociStartup = measureOciStartup(m.opts.quick ? 3 : 11);
    if (typeof result.ociStartup === 'string') m.progress(`[${m.mode}] oci-startup: skipped (${result.ociStartup})`);
  }
  return result;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const began = process.hrtime.bigint();
  const date = new Date().toISOString();
  const progress = (s: string) => {
    if (!opts.json) process.stderr.write(`bench: ${s}\n`);
  };
  const want = (w: WorkloadName) => opts.workloads.includes(w);
  const root = projectRoot();
  const outDir = join(root, 'build', 'bench');
  // The loop program is built even when 'syscall' is not measured: the report names it.
  const program = buildProgram(root, opts.dynamic, (s) => process.stderr.write(`bench: ${s}\n`));
  // build/ is node-gyp's directory too: a `node-gyp rebuild` (npm ci) during the bench
  // empties it. Build the loop program again if it has gone.
  const ensureProgram = () => {
    if (!existsSync(program.path)) {
      progress(`${relative(root, program.path)} vanished (node-gyp rebuild?): building it again`);
      buildProgram(root, opts.dynamic, (s) => process.stderr.write(`bench: ${s}\n`));
    }
  };
  const budget = opts.quick ? QUICK_BUDGET : FULL_BUDGET;

  // The launcher (native/launcher/launcher.c), as users start tsvisor: bin/tsvisor.js under
  // a node that does not load NODE_EXTRA_CA_CERTS.
  const tsvisorBin = join(root, 'build', 'Release', 'tsvisor');
  const peers = makePeers(tsvisorBin);
  let compile: { dir: string; cleanup: () => void } | undefined;
  let traces: { dir: string; cleanup: () => void } | undefined;
  const cleanup = () => {
    for (const p of peers.values()) p.cleanup();
    compile?.cleanup();
    traces?.cleanup();
    compile = traces = undefined;
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      cleanup();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }

  // The workloads' files, made natively before anything is measured (and made again,
  // cheaply checked, if build/ is emptied meanwhile).
  if (want('find-tree')) ensureTree(outDir, progress);
  const ctx: WorkloadContext = {
    tree: () => ensureTree(outDir, progress),
    compileDir: () => (compile ??= makeCompileDir()).dir,
  };
  if (want('gcc')) ctx.compileDir();

  const infos: PeerInfo[] = [];
  const active: PeerName[] = [];
  for (const name of opts.only) {
    const peer = peers.get(name)!;
    const why = peer.unavailable();
    const info: PeerInfo = { name, describe: peer.describe };
    if (why !== undefined) {
      info.skipped = why;
      progress(`${name}: ${why}`);
    } else {
      const v = peer.version();
      if (v !== undefined) info.version = v;
      active.push(name);
    }
    infos.push(info);
  }

  const haveTaskset = findOnPath('taskset') !== undefined;
  const modes: ModeResult[] = [];
  for (const mode of MODES) {
    const result: ModeResult = { mode, peers: new Map() };
    modes.push(result);
    if (mode === 'pinned' && !haveTaskset) {
      result.skipped = 'taskset not installed (util-linux)';
      progress(`${mode}: ${result.skipped}`);
      continue;
    }
    if (want('startup') || want('syscall')) {
      for (const name of active) {
        const peer = peers.get(name)!;
        const wrap = (cmd: readonly string[]) => placeInMode(mode, peer.wrap(cmd));
        const runOpts: RunOptions = { timeoutSeconds: budget.timeoutSeconds, killSignal: peer.killSignal, cwd: root };
        const pr: PeerModeResult = {};
        let hung = false;
        if (want('startup')) {
          progress(`[${mode}] ${name}: start-up`);
          const startup: Outcome<Startup> = measureStartup(wrap(['/bin/true']), budget, runOpts);
          if (!startup.ok) progress(`[${mode}] ${name}: failed (${startup.failure})`);
          // A peer that hangs on /bin/true would hang on the loop too: do not wait for it twice.
          hung = !startup.ok && startup.failure.startsWith('timeout');
          pr.startup = startup;
        }
        if (want('syscall')) {
          progress(`[${mode}] ${name}: per-syscall cost${hung ? ' skipped: start-up timed out' : ''}`);
          let syscall: Outcome<SyscallCost>;
          if (hung && pr.startup?.ok === false) syscall = { ok: false, failure: `not measured: /bin/true ${pr.startup.failure}` };
          else {
            ensureProgram();
            syscall = measureSyscallCost(wrap, program.path, budget, runOpts);
          }
          if (!syscall.ok) progress(`[${mode}] ${name}: failed (${syscall.failure})`);
          pr.syscall = syscall;
        }
        result.peers.set(name, pr);
      }
      if (active.includes('tsvisor') && want('startup')) {
        progress(`[${mode}] node -e 0 (reference)`);
        result.nodeStartup = measureStartup(placeInMode(mode, [process.execPath, '-e', '0']), budget, {
          timeoutSeconds: budget.timeoutSeconds,
          cwd: root,
        });
      }
    }
    const workloads = measureWorkloads({
      mode,
      opts,
      root,
      tsvisorBin,
      active,
      peers,
      ctx,
      traceDir: () => (traces ??= makeTraceDir()).dir,
      progress,
    });
    if (workloads !== undefined) result.workloads = workloads;
  }

  const res: BenchResult = {
    date,
    quick: opts.quick,
    host: { kernel: release(), arch: arch(), cpus: availableParallelism(), node: process.version },
    program: { path: relative(root, program.path), linkage: program.linkage },
    peers: infos,
    workloads: [...opts.workloads],
    modes,
    elapsedSeconds: Number(process.hrtime.bigint() - began) / 1e9,
  };
  const json = JSON.stringify(toJson(res));
  if (opts.json) process.stdout.write(`${json}\n`);
  else process.stdout.write(`${renderText(res, opts.only)}\n\n${json}\n`);
}

main();
