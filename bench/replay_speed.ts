// Issue 4's replay speed on a big trace: bench/programs/replay_loop.c recorded once with
// 400k rounds (1.2M syscalls, 1.2M domain events, 2.4M trace records, ~150 MB), then
// `tsvisor replay FILE --verify` timed. Target: 500k events/s.

import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PeerFailure, stats, timeRun, type RunOptions, type Stats } from './measure.js';
import { parseReplay, REPLAY_EVENTS_PER_S_TARGET } from './recording.js';
import { buildLoop } from './replay_loop.js';
import type { WorkloadBudget } from './userland.js';
import type { Outcome } from './workloads.js';

export const REPLAY_LOOP_ROUNDS = 400_000;
/** Recording the loop takes ~30 s here: it gets its own, longer timeout. */
const RECORD_TIMEOUT_S = 300;

export interface ReplaySpeedResult {
  traceBytes: number;
  syscalls: number;
  events: number;
  /** Wall time of `replay --verify` (node start-up included), in ms. */
  replayMs: Stats;
  /** What replay printed on its verify line, medians: events/s and records/s with reading and checking the file. */
  printedEventsPerS: number;
  printedRecordsPerS: number;
  verified: boolean;
}

export function measureReplaySpeed(
  root: string,
  tsvisor: (args: readonly string[]) => string[],
  traceDir: string,
  budget: WorkloadBudget,
  opts: RunOptions,
): Outcome<ReplaySpeedResult> {
  try {
    const program = buildLoop(root);
    const trace = join(traceDir, 'replay-loop.trace');
    rmSync(trace, { force: true });
    const rec = timeRun(tsvisor(['run', '--record', trace, '--', program, String(REPLAY_LOOP_ROUNDS)]), { ...opts, timeoutSeconds: RECORD_TIMEOUT_S, capture: true });
    if (!rec.ok) throw new PeerFailure(`run --record replay_loop: ${rec.failure ?? 'failed'}`);
    const ms: number[] = [];
    const events: number[] = [];
    const records: number[] = [];
    let last: ReturnType<typeof parseReplay>;
    const runs = Math.max(budget.minRuns, Math.min(budget.maxRuns, 3));
    for (let i = 0; i <= runs; i++) {
      const r = timeRun(tsvisor(['replay', trace, '--verify']), { ...opts, capture: true });
      last = parseReplay(r.stdout);
      if (last === undefined) throw new PeerFailure(`replay --verify: ${r.failure ?? 'printed no "replayed N events" line'}`);
      if (i === 0) continue; // warm-up (the page cache)
      ms.push(r.seconds * 1e3);
      events.push(last.printed.find((p) => p.label.startsWith('with reading'))?.eventsPerS ?? 0);
      records.push(Number(/(\d+) records\/s/.exec(r.stdout)?.[1] ?? 0));
    }
    const traceBytes = statSync(trace).size;
    rmSync(trace, { force: true });
    return {
      ok: true,
      value: {
        traceBytes,
        syscalls: last!.syscalls,
        events: last!.events,
        replayMs: stats(ms),
        printedEventsPerS: stats(events).median,
        printedRecordsPerS: stats(records).median,
        verified: last!.verified,
      },
    };
  } catch (e) {
    if (e instanceof PeerFailure) return { ok: false, failure: e.message };
    throw e;
  }
}

/** The report's lines for this workload. */
export function renderReplaySpeed(o: Outcome<ReplaySpeedResult>): string[] {
  const out = ['', `replay speed (issue 4): replay_loop ${REPLAY_LOOP_ROUNDS} recorded once, then tsvisor replay FILE --verify`];
  if (!o.ok) return [...out, `  failed (${o.failure})`];
  const v = o.value;
  const wall = (v.events / v.replayMs.median) * 1e3;
  const wallRecords = ((v.events + v.syscalls) / v.replayMs.median) * 1e3;
  const k = (x: number) => `${Math.round(x / 1000)}k`;
  return [
    ...out,
    `  trace: ${(v.traceBytes / 1e6).toFixed(0)} MB, ${v.syscalls} syscall records, ${v.events} events (${v.events + v.syscalls} records); verify ${v.verified ? 'OK' : 'NOT VERIFIED'}`,
    `  replay --verify: ${v.replayMs.median.toFixed(0)} ms median of ${v.replayMs.samples} (${v.replayMs.min.toFixed(0)}..${v.replayMs.max.toFixed(0)}), node start-up included: ` +
      `${k(wall)} events/s, ${k(wallRecords)} records/s`,
    `    as replay prints it (its own clock): ${k(v.printedEventsPerS)} events/s, ${k(v.printedRecordsPerS)} records/s`,
    `  target (issue 4): >= ${k(REPLAY_EVENTS_PER_S_TARGET)} events/s: ${v.printedEventsPerS >= REPLAY_EVENTS_PER_S_TARGET ? 'met' : 'not met'} for domain events, ` +
      `${v.printedRecordsPerS >= REPLAY_EVENTS_PER_S_TARGET ? 'met' : 'not met'} counting every trace record`,
  ];
}
