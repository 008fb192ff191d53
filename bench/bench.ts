// `npm run bench`: the cost of running programs under tsvisor, against native and peers
// (runsc's ptrace platform, strace -f, proot), in one invocation:
//  - per trapped syscall (a getppid loop) and start-up (/bin/true),
//  - twice: as users run them, and with every command under `taskset -c 0`.
// It reports times and ratios; it asserts nothing (a benchmark, not a test).
//
// Options: --only PEER,PEER  (native, tsvisor, runsc, strace, proot)
//          --quick           shorter runs, fewer samples
//          --json            print only the JSON summary line
//          --dynamic         measure the dynamically linked loop program instead of the static one

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { arch, availableParallelism, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunOptions } from './measure.js';
import { findOnPath, isPeerName, makePeers, MODES, PEER_NAMES, placeInMode, type PeerName } from './peers.js';
import { renderText, toJson, type BenchResult, type ModeResult, type PeerInfo } from './report.js';
import { FULL_BUDGET, measureStartup, measureSyscallCost, QUICK_BUDGET, type Outcome, type SyscallCost } from './workloads.js';

interface Options {
  only: PeerName[];
  quick: boolean;
  json: boolean;
  dynamic: boolean;
}

const USAGE = `usage: npm run bench -- [--only ${PEER_NAMES.join(',')}] [--quick] [--json] [--dynamic]`;

function parseArgs(argv: string[]): Options {
  const o: Options = { only: [...PEER_NAMES], quick: false, json: false, dynamic: false };
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

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const began = process.hrtime.bigint();
  const date = new Date().toISOString();
  const progress = (s: string) => {
    if (!opts.json) process.stderr.write(`bench: ${s}\n`);
  };
  const root = projectRoot();
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

  const peers = makePeers(join(root, 'bin', 'tsvisor.js'));
  const cleanup = () => {
    for (const p of peers.values()) p.cleanup();
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      cleanup();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }

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
    for (const name of active) {
      const peer = peers.get(name)!;
      const wrap = (cmd: readonly string[]) => placeInMode(mode, peer.wrap(cmd));
      const runOpts: RunOptions = { timeoutSeconds: budget.timeoutSeconds, killSignal: peer.killSignal, cwd: root };
      progress(`[${mode}] ${name}: start-up`);
      const startup = measureStartup(wrap(['/bin/true']), budget, runOpts);
      if (!startup.ok) progress(`[${mode}] ${name}: failed (${startup.failure})`);
      // A peer that hangs on /bin/true would hang on the loop too: do not wait for it twice.
      const hung = !startup.ok && startup.failure.startsWith('timeout');
      progress(`[${mode}] ${name}: per-syscall cost${hung ? ' skipped: start-up timed out' : ''}`);
      let syscall: Outcome<SyscallCost>;
      if (hung) syscall = { ok: false, failure: `not measured: /bin/true ${startup.failure}` };
      else {
        ensureProgram();
        syscall = measureSyscallCost(wrap, program.path, budget, runOpts);
      }
      if (!syscall.ok) progress(`[${mode}] ${name}: failed (${syscall.failure})`);
      result.peers.set(name, { startup, syscall });
    }
    if (active.includes('tsvisor')) {
      progress(`[${mode}] node -e 0 (reference)`);
      result.nodeStartup = measureStartup(placeInMode(mode, [process.execPath, '-e', '0']), budget, {
        timeoutSeconds: budget.timeoutSeconds,
        cwd: root,
      });
    }
  }

  const res: BenchResult = {
    date,
    quick: opts.quick,
    host: { kernel: release(), arch: arch(), cpus: availableParallelism(), node: process.version },
    program: { path: relative(root, program.path), linkage: program.linkage },
    peers: infos,
    modes,
    elapsedSeconds: Number(process.hrtime.bigint() - began) / 1e9,
  };
  const json = JSON.stringify(toJson(res));
  if (opts.json) process.stdout.write(`${json}\n`);
  else process.stdout.write(`${renderText(res, opts.only)}\n\n${json}\n`);
}

main();
