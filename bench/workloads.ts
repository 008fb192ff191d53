// The two measurements of the bench, for one peer in one placement mode:
//  - per-trapped-syscall cost: (time of getppid_loop N - time of getppid_loop 0) / N;
//  - start-up: wall time of /bin/true.

import { clamp, mustRun, PeerFailure, roundCount, stats, timeRun, type RunOptions, type Stats } from './measure.js';

/** How much time the bench may spend, per peer and mode. */
export interface Budget {
  /** Aim for one getppid_loop N run to take about this long. */
  loopSeconds: number;
  /** Time spent on the paired (N, 0) runs of one peer. */
  syscallSeconds: number;
  minPairs: number;
  maxPairs: number;
  /** Time spent on /bin/true runs of one peer, and the bounds on their count. */
  startupSeconds: number;
  minStartupRuns: number;
  maxStartupRuns: number;
  timeoutSeconds: number;
}

export const FULL_BUDGET: Budget = {
  loopSeconds: 1.0,
  syscallSeconds: 7,
  minPairs: 3,
  maxPairs: 15,
  startupSeconds: 3,
  minStartupRuns: 3,
  maxStartupRuns: 10,
  timeoutSeconds: 30,
};

export const QUICK_BUDGET: Budget = {
  loopSeconds: 0.3,
  syscallSeconds: 1.5,
  minPairs: 3,
  maxPairs: 5,
  startupSeconds: 1,
  minStartupRuns: 3,
  maxStartupRuns: 5,
  timeoutSeconds: 15,
};

/** The largest loop count: fast peers (native) run exactly this many calls. */
export const MAX_N = 200_000;
/** The first loop count tried when calibrating; safe for a peer at 10 ms per syscall. */
const FIRST_N = 200;
/**
 * A calibration run must spend at least this long in the loop, and at least as long as
 * an empty run (whose noise, for runsc, is tens of ms), for its estimate to be trusted.
 */
const CALIBRATION_SECONDS = 0.1;

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: string };

export interface SyscallCost {
  /** Microseconds per getppid, one estimate per N-call run. */
  us: Stats;
  n: number;
  /** Wall time of getppid_loop 0 under the peer (its program start-up), in ms. */
  emptyRunMs: Stats;
}

export interface Startup {
  /** Wall time of /bin/true, in ms. */
  ms: Stats;
}

export type Wrap = (cmd: readonly string[]) => string[];

function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof PeerFailure) return { ok: false, failure: e.message };
    throw e;
  }
}

/**
 * Checks that the peer really runs the loop program (it prints its count with -v),
 * then calibrates N so one run takes about budget.loopSeconds, then times pairs of
 * runs (0 calls, N calls) and reports, for each N-call run, its excess over the median
 * 0-call run divided by N.
 */
export function measureSyscallCost(wrap: Wrap, program: string, budget: Budget, opts: RunOptions): Outcome<SyscallCost> {
  return attempt(() => {
    const probe = timeRun(wrap([program, '10', '-v']), { ...opts, capture: true });
    if (!probe.ok) throw new PeerFailure(probe.failure ?? 'failed');
    if (!probe.stdout.includes('getppid_loop: 10 calls')) {
      const got = probe.stdout.trim().split('\n')[0] ?? '';
      throw new PeerFailure(`getppid_loop 10 -v printed ${JSON.stringify(got.slice(0, 80))}, not its count`);
    }

    const run = (n: number): number => mustRun(wrap([program, String(n)]), opts);
    const empties = [run(0), run(0), run(0)];
    const base = stats(empties).median;

    // Calibrate: grow N tenfold until the loop visibly dominates the run.
    let n = FIRST_N;
    let perCall = 0;
    for (;;) {
      const inLoop = run(n) - base;
      if (inLoop >= Math.max(CALIBRATION_SECONDS, base) || n >= MAX_N) {
        perCall = Math.max(inLoop, 0) / n;
        break;
      }
      n = Math.min(MAX_N, n * 10);
    }
    n = perCall > 0 ? roundCount(clamp(budget.loopSeconds / perCall, FIRST_N, MAX_N)) : MAX_N;

    const pairSeconds = 2 * base + n * perCall;
    const pairs = Math.round(clamp(Math.floor(budget.syscallSeconds / pairSeconds), budget.minPairs, budget.maxPairs));
    const fulls: number[] = [];
    for (let i = 0; i < pairs; i++) {
      empties.push(run(0));
      fulls.push(run(n));
    }
    // Each N-call run against the median empty run: the baseline's noise (large for
    // runsc's sandbox start) is averaged out instead of added to every estimate.
    const baseline = stats(empties).median;
    const estimates = fulls.map((t) => ((t - baseline) / n) * 1e6);
    return { us: stats(estimates), n, emptyRunMs: stats(empties.map((s) => s * 1e3)) };
  });
}

/** Wall time of `argv` (normally /bin/true under the peer): one warm-up run, then the timed ones. */
export function measureStartup(argv: readonly string[], budget: Budget, opts: RunOptions): Outcome<Startup> {
  return attempt(() => {
    const warm = timeRun(argv, { ...opts, capture: true });
    if (!warm.ok) throw new PeerFailure(warm.failure ?? 'failed');
    const runs = Math.round(
      clamp(Math.floor(budget.startupSeconds / warm.seconds), budget.minStartupRuns, budget.maxStartupRuns),
    );
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(mustRun(argv, opts) * 1e3);
    return { ms: stats(times) };
  });
}
