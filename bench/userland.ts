// The userland workloads of issue 3 (a fork/exec-heavy shell loop, a tree walk, pipe
// throughput, python start-up, a gcc compile, a CPU-bound python loop; and a JVM's start-up,
// which reads the clock ~2 800 times: the vDSO's workload, with no target), and the timing
// of a command by repeated whole runs. Like the rest of the bench: reports, never asserts.

import { existsSync } from 'node:fs';
import { clamp, PeerFailure, stats, timeRun, timeRunQuiet, type RunOptions, type Stats } from './measure.js';
import type { Tree } from './fixtures.js';
import { findOnPath } from './peers.js';
import type { Outcome, Wrap } from './workloads.js';

export const USERLAND_NAMES = ['shell-loop', 'find-tree', 'pipe', 'python-startup', 'gcc', 'python-cpu', 'java-startup'] as const;
export type UserlandName = (typeof USERLAND_NAMES)[number];

/** How much time one (workload, peer, mode) may take. */
export interface WorkloadBudget {
  /** Time spent on the timed runs of one command (the warm-up run excluded). */
  seconds: number;
  minRuns: number;
  maxRuns: number;
  /** Per run: a peer slower than this is reported as 'timeout'. */
  timeoutSeconds: number;
}

export const FULL_WORKLOAD_BUDGET: WorkloadBudget = { seconds: 4, minRuns: 3, maxRuns: 7, timeoutSeconds: 60 };
export const QUICK_WORKLOAD_BUDGET: WorkloadBudget = { seconds: 1, minRuns: 2, maxRuns: 3, timeoutSeconds: 60 };

export const PYTHON = '/usr/bin/python3';
export const JAVA = '/usr/bin/java';
/** The pipe workload moves this many bytes (dd bs=1M count=256). */
export const PIPE_BYTES = 256 * 1024 * 1024;
/** md5 of 256 MiB of zeros. */
const PIPE_MD5 = '1f5039e50bd66b290c56684d8550c6c2';

/** Which issue targets a workload's tsvisor time is held against. */
export type Target = 'half-runsc' | 'near-native';
export const TARGET_TEXT: Record<Target, string> = {
  'half-runsc': 'tsvisor <= 0.5x runsc',
  'near-native': 'tsvisor <= 1.05x native',
};

export interface WorkloadContext {
  tree: () => Tree;
  compileDir: () => string;
}

export interface UserlandWorkload {
  name: UserlandName;
  /** The command, for the report. */
  shows: string;
  argv: (ctx: WorkloadContext) => string[];
  cwd?: (ctx: WorkloadContext) => string;
  /** A second command timed alongside (python-cpu: `python3 -c pass`), for a figure net of start-up. */
  baseline?: { shows: string; argv: string[] };
  /** undefined when stdout is what the command should print; otherwise what is wrong. */
  check?: (stdout: string, ctx: WorkloadContext) => string | undefined;
  /** Why it cannot run on this host at all (python3 or gcc missing). */
  unavailable?: () => string | undefined;
  targets: Target[];
}

const needs = (path: string) => () => (existsSync(path) ? undefined : `${path} not installed, skipped`);

function firstWord(stdout: string): string {
  return stdout.trim().split(/\s+/)[0] ?? '';
}

export const USERLAND: Record<UserlandName, UserlandWorkload> = {
  'shell-loop': {
    name: 'shell-loop',
    shows: "/bin/sh -c 'for i in $(seq 200); do /bin/true; done'",
    argv: () => ['/bin/sh', '-c', 'for i in $(seq 200); do /bin/true; done'],
    targets: ['half-runsc'],
  },
  'find-tree': {
    name: 'find-tree',
    shows: "/bin/sh -c 'find build/bench/tree | wc -l'",
    argv: (ctx) => ['/bin/sh', '-c', `find ${ctx.tree().dir} | wc -l`],
    check: (stdout, ctx) => {
      const want = String(ctx.tree().entries);
      return firstWord(stdout) === want ? undefined : `find | wc -l printed ${JSON.stringify(firstWord(stdout))}, not ${want}`;
    },
    targets: ['half-runsc'],
  },
  pipe: {
    name: 'pipe',
    shows: "/bin/sh -c 'dd if=/dev/zero bs=1M count=256 | md5sum'",
    argv: () => ['/bin/sh', '-c', 'dd if=/dev/zero bs=1M count=256 | md5sum'],
    check: (stdout) =>
      firstWord(stdout) === PIPE_MD5 ? undefined : `md5sum printed ${JSON.stringify(firstWord(stdout).slice(0, 40))}, not ${PIPE_MD5}`,
    targets: ['half-runsc'],
  },
  'python-startup': {
    name: 'python-startup',
    shows: `${PYTHON} -c 'import json'`,
    argv: () => [PYTHON, '-c', 'import json'],
    unavailable: needs(PYTHON),
    targets: ['half-runsc'],
  },
  gcc: {
    name: 'gcc',
    shows: 'gcc -O0 -c x.c -o x.o (in a temporary directory)',
    argv: () => [findOnPath('gcc') ?? 'gcc', '-O0', '-c', 'x.c', '-o', 'x.o'],
    cwd: (ctx) => ctx.compileDir(),
    unavailable: () => (findOnPath('gcc') === undefined ? 'gcc not installed, skipped' : undefined),
    targets: ['half-runsc'],
  },
  'python-cpu': {
    name: 'python-cpu',
    shows: `${PYTHON} -c 'sum(i*i for i in range(3_000_000))'`,
    argv: () => [PYTHON, '-c', 'sum(i*i for i in range(3_000_000))'],
    baseline: { shows: `${PYTHON} -c pass`, argv: [PYTHON, '-c', 'pass'] },
    unavailable: needs(PYTHON),
    targets: ['half-runsc', 'near-native'],
  },
  'java-startup': {
    name: 'java-startup',
    shows: `${JAVA} -version`,
    argv: () => [JAVA, '-version'],
    unavailable: needs(JAVA),
    targets: [],
  },
};

export interface Timing {
  /** Wall time of the command, in ms. */
  ms: Stats;
}

export interface UserlandTiming extends Timing {
  /** The baseline command's wall time (python-cpu: python3 -c pass), in ms. */
  baselineMs?: Stats;
}

/** One command of a timed set: its argv and, optionally, what to do before each run (untimed). */
export interface Variant {
  argv: string[];
  before?: () => void;
  check?: (stdout: string) => string | undefined;
}

function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof PeerFailure) return { ok: false, failure: e.message };
    throw e;
  }
}

/**
 * Times a set of commands by whole runs: one warm-up run of each (output captured and
 * checked), then rounds in which each command runs once, so that slow drift on the host
 * spreads evenly over them. The number of rounds fits the budget (fewer for slow commands).
 * Returns each command's wall times in ms.
 */
export function timeVariants(variants: readonly Variant[], budget: WorkloadBudget, opts: RunOptions): Outcome<Stats[]> {
  return attempt(() => {
    let round = 0;
    for (const v of variants) {
      v.before?.();
      const warm = timeRun(v.argv, { ...opts, capture: true });
      if (!warm.ok) throw new PeerFailure(warm.failure ?? 'failed');
      const wrong = v.check?.(warm.stdout);
      if (wrong !== undefined) throw new PeerFailure(`wrong output: ${wrong}`);
      round += warm.seconds;
    }
    const rounds = Math.round(clamp(Math.floor(budget.seconds / Math.max(round, 1e-3)), budget.minRuns, budget.maxRuns));
    const times: number[][] = variants.map(() => []);
    for (let i = 0; i < rounds; i++) {
      variants.forEach((v, j) => {
        v.before?.();
        const r = timeRunQuiet(v.argv, opts);
        if (!r.ok) throw new PeerFailure(r.failure ?? 'failed');
        times[j]!.push(r.seconds * 1e3);
      });
    }
    return times.map((t) => stats(t));
  });
}

/** One userland workload under one peer (already placed in its mode by `wrap`). */
export function measureUserland(
  w: UserlandWorkload,
  ctx: WorkloadContext,
  wrap: Wrap,
  budget: WorkloadBudget,
  opts: RunOptions,
): Outcome<UserlandTiming> {
  const runOpts: RunOptions = { ...opts, timeoutSeconds: budget.timeoutSeconds, ...(w.cwd ? { cwd: w.cwd(ctx) } : {}) };
  const variants: Variant[] = [{ argv: wrap(w.argv(ctx)), ...(w.check ? { check: (s: string) => w.check!(s, ctx) } : {}) }];
  if (w.baseline !== undefined) variants.push({ argv: wrap(w.baseline.argv) });
  const o = timeVariants(variants, budget, runOpts);
  if (!o.ok) return o;
  const value: UserlandTiming = { ms: o.value[0]! };
  if (o.value[1] !== undefined) value.baselineMs = o.value[1];
  return { ok: true, value };
}

