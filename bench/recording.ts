// Issue 4's numbers: what `tsvisor run --record FILE` costs on the shell loop, how big the
// trace is per syscall, how fast `tsvisor replay FILE --verify` rebuilds the state, and how long
// `tsvisor replay FILE --exec` takes to run the program again against the original run.

import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PeerFailure, stats, timeRun, type RunOptions, type Stats } from './measure.js';
import { buildLoop } from './replay_loop.js';
import { timeVariants, USERLAND, type WorkloadBudget } from './userland.js';
import type { Outcome } from './workloads.js';

/** Issue 4's targets, reported against. */
export const RECORD_OVERHEAD_TARGET = 1.1;
export const REPLAY_EVENTS_PER_S_TARGET = 500_000;
/** replay_loop's rounds for replay --exec (3 syscalls a round, one process). */
export const EXEC_LOOP_ROUNDS = 20_000;

/** `replay FILE --exec` against the run it replays, alternated with it. */
export interface ExecTiming {
  /** What ran: the shell loop (several processes), replay_loop (one). */
  workload: string;
  timing: Outcome<{ plainMs: Stats; execMs: Stats }>;
}

export interface RecordResult {
  /** The workload recorded (the shell loop). */
  workload: string;
  plainMs: Stats;
  recordMs: Stats;
  traceBytes: number;
  /** Syscall records in the trace: the calls column of `trace stats`' total line. */
  syscalls: number;
  /** `replay --verify`'s "replayed N events of M syscalls". */
  events: number;
  replaySyscalls: number;
  replayMs: Stats;
  /**
   * The same for a trace of /bin/true (its events and replay time), so that the replay
   * rate can be had without the CLI's fixed start-up: (events - small events) / (time - small time).
   */
  smallEvents: number;
  smallReplayMs: Stats;
  /**
   * The events/s figures that `replay --verify` prints on its verify line (its own clock,
   * without node's start-up), by label ("reducers", "with reading and checking the file";
   * "replay" when unlabelled), medians over runs, in the order printed.
   */
  printed: Array<{ label: string; eventsPerS: number }>;
  verified: boolean;
  /** replay --exec's timings (or why they could not be had). */
  exec: ExecTiming[];
}

/** `trace stats`' last line: "100.00  SECONDS  CALLS  ERRORS total". */
export function parseStatsTotal(text: string): { calls: number; errors: number } | undefined {
  for (const line of text.split('\n').reverse()) {
    const m = line.trim().match(/^100\.00\s+[\d.]+\s+(\d+)\s+(\d+)\s+total$/);
    if (m !== null) return { calls: Number(m[1]), errors: Number(m[2]) };
  }
  return undefined;
}

export interface ReplayOutput {
  events: number;
  syscalls: number;
  printed: Array<{ label: string; eventsPerS: number }>;
  verified: boolean;
}

/**
 * "replayed N events of M syscalls, ..." and "verify: OK: ... (N events/s)", the figure
 * possibly several and labelled: "(reducers: N events/s; with reading ...: M events/s)".
 */
export function parseReplay(text: string): ReplayOutput | undefined {
  const m = text.match(/replayed (\d+) events of (\d+) syscalls/);
  if (m === null) return undefined;
  const line = text.split('\n').find((l) => /^verify: /.test(l.trim())) ?? '';
  const printed: ReplayOutput['printed'] = [];
  for (const e of line.matchAll(/(?:([A-Za-z][^:;()]*?):\s*)?(\d+(?:\.\d+)?)\s*events\/s/g)) {
    printed.push({ label: e[1]?.trim() ?? 'replay', eventsPerS: Number(e[2]) });
  }
  return { events: Number(m[1]), syscalls: Number(m[2]), printed, verified: /^verify: OK\b/.test(line.trim()) };
}

/**
 * tsvisor alone: the shell loop with and without --record (runs alternated), then the
 * trace of the last recorded run: its size, `trace stats` for the syscall count, and
 * timed runs of `replay --verify`.
 */
export function measureRecording(
  root: string,
  tsvisor: (args: readonly string[]) => string[],
  traceDir: string,
  budget: WorkloadBudget,
  opts: RunOptions,
): Outcome<RecordResult> {
  const w = USERLAND['shell-loop'];
  const cmd = w.argv({ tree: () => unreachable(), compileDir: () => unreachable() });
  const trace = join(traceDir, 'shell-loop.trace');
  const runOpts: RunOptions = { ...opts, timeoutSeconds: budget.timeoutSeconds };
  const timed = timeVariants(
    [
      { argv: tsvisor(['run', '--', ...cmd]) },
      { argv: tsvisor(['run', '--record', trace, '--', ...cmd]), before: () => rmSync(trace, { force: true }) },
    ],
    budget,
    runOpts,
  );
  if (!timed.ok) return timed;
  const [plainMs, recordMs] = timed.value as [Stats, Stats];
  try {
    const traceBytes = statSync(trace).size;
    const st = timeRun(tsvisor(['trace', 'stats', trace]), { ...runOpts, capture: true });
    if (!st.ok) throw new PeerFailure(`trace stats: ${st.failure ?? 'failed'}`);
    const total = parseStatsTotal(st.stdout);
    if (total === undefined) throw new PeerFailure('trace stats printed no total line');

    const small = join(traceDir, 'true.trace');
    rmSync(small, { force: true });
    const rs = timeRun(tsvisor(['run', '--record', small, '--', '/bin/true']), { ...runOpts, capture: true });
    if (!rs.ok) throw new PeerFailure(`run --record -- /bin/true: ${rs.failure ?? 'failed'}`);

    const replay = (file: string): { ms: number; out: ReplayOutput } => {
      const r = timeRun(tsvisor(['replay', file, '--verify']), { ...runOpts, capture: true });
      const out = parseReplay(r.stdout);
      if (!r.ok && out === undefined) throw new PeerFailure(`replay --verify: ${r.failure ?? 'failed'}`);
      if (out === undefined) throw new PeerFailure('replay --verify printed no "replayed N events of M syscalls" line');
      return { ms: r.seconds * 1e3, out };
    };
    const replayMs: number[] = [];
    const smallMs: number[] = [];
    const printed = new Map<string, number[]>();
    let parsed: ReplayOutput | undefined;
    let smallEvents = 0;
    const runs = Math.max(budget.minRuns, Math.min(budget.maxRuns, 5));
    const exec = [
      { workload: w.name, timing: timeExec(tsvisor, cmd, trace, budget, runOpts) },
      { workload: `replay_loop ${EXEC_LOOP_ROUNDS}`, timing: loopExec(root, tsvisor, traceDir, budget, runOpts) },
    ];
    for (let i = 0; i <= runs; i++) {
      const big = replay(trace);
      const little = replay(small);
      parsed = big.out;
      smallEvents = little.out.events;
      if (i === 0) continue; // warm-up
      replayMs.push(big.ms);
      smallMs.push(little.ms);
      for (const p of big.out.printed) printed.set(p.label, [...(printed.get(p.label) ?? []), p.eventsPerS]);
    }
    return {
      ok: true,
      value: {
        workload: w.name,
        plainMs,
        recordMs,
        traceBytes,
        syscalls: total.calls,
        events: parsed!.events,
        replaySyscalls: parsed!.syscalls,
        replayMs: stats(replayMs),
        smallEvents,
        smallReplayMs: stats(smallMs),
        printed: [...printed].map(([label, xs]) => ({ label, eventsPerS: stats(xs).median })),
        verified: parsed!.verified,
        exec,
      },
    };
  } catch (e) {
    if (e instanceof PeerFailure) return { ok: false, failure: e.message };
    throw e;
  }
}

/** The program run again from its trace, alternated with the run it replays. */
function timeExec(
  tsvisor: (args: readonly string[]) => string[],
  cmd: readonly string[],
  trace: string,
  budget: WorkloadBudget,
  opts: RunOptions,
): ExecTiming['timing'] {
  const o = timeVariants([{ argv: tsvisor(['run', '--', ...cmd]) }, { argv: tsvisor(['replay', trace, '--exec']) }], budget, opts);
  return o.ok ? { ok: true, value: { plainMs: o.value[0]!, execMs: o.value[1]! } } : o;
}

/** replay --exec of a one-process program, which it reproduces whatever the order of processes. */
function loopExec(
  root: string,
  tsvisor: (args: readonly string[]) => string[],
  traceDir: string,
  budget: WorkloadBudget,
  opts: RunOptions,
): ExecTiming['timing'] {
  try {
    const cmd = [buildLoop(root), String(EXEC_LOOP_ROUNDS)];
    const trace = join(traceDir, 'exec-loop.trace');
    rmSync(trace, { force: true });
    const rec = timeRun(tsvisor(['run', '--record', trace, '--', ...cmd]), { ...opts, capture: true });
    if (!rec.ok) throw new PeerFailure(`run --record replay_loop: ${rec.failure ?? 'failed'}`);
    return timeExec(tsvisor, cmd, trace, budget, opts);
  } catch (e) {
    if (e instanceof PeerFailure) return { ok: false, failure: e.message };
    throw e;
  }
}

function unreachable(): never {
  throw new Error('the shell loop needs no fixture');
}
