// Rendering of the userland workloads (issue 3) and the recording numbers (issue 4):
// tables per mode, a summary of the issues' targets over both modes, and their JSON.

import type { Stats } from './measure.js';
import type { Mode, PeerName } from './peers.js';
import { RECORD_OVERHEAD_TARGET, REPLAY_EVENTS_PER_S_TARGET, type RecordResult } from './recording.js';
import { PIPE_BYTES, TARGET_TEXT, USERLAND, USERLAND_NAMES, type UserlandName, type UserlandTiming } from './userland.js';
import { checkpointJson, renderCheckpointSpeed, type CheckpointSpeedResult } from './checkpoint_speed.js';
import { ociStartupJson, renderOciStartup, type OciStartupResult } from './oci_startup.js';
import { renderReplaySpeed, type ReplaySpeedResult } from './replay_speed.js';
import type { Outcome } from './workloads.js';

/** The peers the userland workloads run under (strace and proot are left out to keep the bench short). */
export const USERLAND_PEERS: readonly PeerName[] = ['native', 'tsvisor', 'runsc'];

export interface UserlandResult {
  /** Why the workload was not run at all (python3 or gcc missing). */
  skipped?: string;
  peers: Map<PeerName, Outcome<UserlandTiming>>;
}

export interface WorkloadsModeResult {
  userland: Map<UserlandName, UserlandResult>;
  record?: Outcome<RecordResult>;
  replay?: Outcome<ReplaySpeedResult>;
  checkpoint?: Outcome<CheckpointSpeedResult>;
  /** Issue 6: `ctr run --rm` under runc, tsvisor and runsc (or why it was skipped). */
  ociStartup?: OciStartupResult | string;
}

// ---- shared helpers (kept local: report.ts imports this module) -----------------------

function fmt3(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toFixed(3);
  return x.toPrecision(2);
}

function fmtRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r) || r <= 0) return '-';
  if (r >= 10) return `${r.toFixed(0)}x`;
  if (r >= 1) return `${r.toFixed(2)}x`;
  return `${r.toPrecision(2)}x`;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b <= 0 || !Number.isFinite(a) ? undefined : a / b;
}

function round4(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4));
}

function r4(x: number | undefined): number | null {
  return x === undefined || !Number.isFinite(x) ? null : round4(x);
}

function jsonStats(s: Stats) {
  return { median: round4(s.median), min: round4(s.min), max: round4(s.max), samples: s.samples };
}

type Row = { cells: string[] } | { text: string };

function table(header: string[], rows: Row[]): string[] {
  const widths = header.map((h) => h.length);
  for (const r of rows) if ('cells' in r) r.cells.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map((r) => ('cells' in r ? line(r.cells) : `  ${r.text}`))];
}

function si(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 1e6) return `${fmt3(x / 1e6)}M`;
  if (x >= 1e3) return `${fmt3(x / 1e3)}k`;
  return fmt3(x);
}

// ---- derived numbers ------------------------------------------------------------

function medianMs(r: UserlandResult | undefined, p: PeerName): number | undefined {
  const o = r?.peers.get(p);
  return o !== undefined && o.ok ? o.value.ms.median : undefined;
}

/** python-cpu: the loop's time beyond the peer's own `python3 -c pass`. */
function netMs(r: UserlandResult | undefined, p: PeerName): number | undefined {
  const o = r?.peers.get(p);
  if (o === undefined || !o.ok || o.value.baselineMs === undefined) return undefined;
  return Math.max(o.value.ms.median - o.value.baselineMs.median, 0);
}

function mbPerS(ms: number | undefined): number | undefined {
  return ms === undefined || ms <= 0 ? undefined : PIPE_BYTES / 1e6 / (ms / 1e3);
}

interface TargetCheck {
  target: string;
  ratio: number | undefined;
  met: boolean | undefined;
}

function targetChecks(name: UserlandName, r: UserlandResult | undefined): TargetCheck[] {
  const w = USERLAND[name];
  const ts = medianMs(r, 'tsvisor');
  const checks: TargetCheck[] = [];
  const check = (target: string, x: number | undefined, limit: number) =>
    checks.push({ target, ratio: x, met: x === undefined ? undefined : x <= limit });
  for (const t of w.targets) {
    if (t === 'half-runsc') check(TARGET_TEXT[t], ratio(ts, medianMs(r, 'runsc')), 0.5);
    else {
      check(TARGET_TEXT[t], ratio(ts, medianMs(r, 'native')), 1.05);
      if (w.baseline !== undefined) {
        check(`${TARGET_TEXT[t]}, net of \`python3 -c pass\``, ratio(netMs(r, 'tsvisor'), netMs(r, 'native')), 1.05);
      }
    }
  }
  return checks;
}

function verdict(c: TargetCheck): string {
  if (c.met === undefined) return 'not measured';
  return `${fmtRatio(c.ratio)} ${c.met ? 'met' : 'missed'}`;
}

/** Like verdict, for the record checks: events/s shown as a rate, the others as ratios. */
function recordVerdict(c: TargetCheck): string {
  if (c.met === undefined || c.ratio === undefined) return 'not measured';
  const value = c.target.includes('events/s') ? `${si(c.ratio)} events/s` : fmtRatio(c.ratio);
  return `${value} ${c.met ? 'met' : 'missed'}`;
}

/** Events per second of `replay --verify` over its whole wall time, node's start-up included. */
function wallRate(v: RecordResult): number {
  return v.events / (v.replayMs.median / 1e3);
}

/** Events per second beyond a replay of /bin/true's trace: the CLI's fixed start-up taken out. */
function marginalRate(v: RecordResult): number | undefined {
  const dt = (v.replayMs.median - v.smallReplayMs.median) / 1e3;
  const de = v.events - v.smallEvents;
  return dt > 0 && de > 0 ? de / dt : undefined;
}

function recordChecks(o: Outcome<RecordResult> | undefined): TargetCheck[] {
  if (o === undefined) return [];
  const v = o.ok ? o.value : undefined;
  const overhead = v === undefined ? undefined : ratio(v.recordMs.median, v.plainMs.median);
  const eps = v === undefined ? undefined : marginalRate(v);
  return [
    {
      target: `run --record <= ${RECORD_OVERHEAD_TARGET.toFixed(2)}x run (shell-loop)`,
      ratio: overhead,
      met: overhead === undefined ? undefined : overhead <= RECORD_OVERHEAD_TARGET,
    },
    {
      target: `replay --verify >= ${si(REPLAY_EVENTS_PER_S_TARGET)} events/s (start-up taken out)`,
      ratio: eps,
      met: eps === undefined ? undefined : eps >= REPLAY_EVENTS_PER_S_TARGET,
    },
  ];
}

// ---- text -------------------------------------------------------------------------

export function renderWorkloads(w: WorkloadsModeResult, order: readonly PeerName[]): string[] {
  const out: string[] = [];
  const peers = USERLAND_PEERS.filter((p) => order.includes(p));
  if (w.userland.size > 0) {
    const left = order.filter((p) => !USERLAND_PEERS.includes(p));
    out.push(
      '',
      `userland workloads (issue 3): wall time of the whole command in ms, median of runs; peers: ${peers.join(', ')}` +
        (left.length > 0 ? ` (not ${left.join(', ')}: kept short)` : ''),
    );
    const rows: Row[] = [];
    for (const name of USERLAND_NAMES) {
      const r = w.userland.get(name);
      if (r === undefined) continue;
      if (r.skipped !== undefined) {
        rows.push({ text: `${name}: ${r.skipped}` });
        continue;
      }
      const nat = medianMs(r, 'native');
      const run = medianMs(r, 'runsc');
      let first = true;
      const notes: string[] = [];
      for (const p of peers) {
        const o = r.peers.get(p);
        if (o === undefined) continue;
        const label = first ? name : '';
        first = false;
        if (!o.ok) {
          const timeout = o.failure.startsWith('timeout');
          rows.push({ cells: [label, p, timeout ? 'timeout' : 'failed', '', '', '', '', ''] });
          if (!timeout) notes.push(`${p}: ${o.failure}`);
          continue;
        }
        const v = o.value;
        const extra =
          name === 'pipe'
            ? `${fmt3(mbPerS(v.ms.median)!)} MB/s`
            : v.baselineMs !== undefined
              ? `python3 -c pass ${fmt3(v.baselineMs.median)} ms, net ${fmt3(netMs(r, p)!)} ms`
              : '';
        rows.push({
          cells: [
            label,
            p,
            fmt3(v.ms.median),
            `${fmt3(v.ms.min)}..${fmt3(v.ms.max)}`,
            String(v.ms.samples),
            p === 'native' ? '' : fmtRatio(ratio(v.ms.median, nat)),
            p === 'runsc' ? '' : fmtRatio(ratio(v.ms.median, run)),
            extra,
          ],
        });
      }
      for (const n of notes) rows.push({ text: `    ${n}` });
      if (peers.includes('tsvisor')) {
        const checks = targetChecks(name, r).map((c) => `${c.target}: ${verdict(c)}`);
        rows.push({ text: `    target: ${checks.join('; ')}` });
      }
    }
    out.push(...table(['workload', 'peer', 'ms', 'min..max', 'runs', 'vs native', 'vs runsc', ''], rows));
    out.push('  commands:');
    for (const name of USERLAND_NAMES) {
      const r = w.userland.get(name);
      if (r === undefined || r.skipped !== undefined) continue;
      const wl = USERLAND[name];
      out.push(`    ${name.padEnd(15)} ${wl.shows}${wl.baseline ? `  (and ${wl.baseline.shows}, for the net figure)` : ''}`);
    }
    if (w.userland.has('pipe')) out.push('  pipe MB/s: 268 MB (256 MiB) over the whole command\'s wall time, start-up included.');
    if (w.userland.has('python-cpu')) out.push('  python-cpu net: its time minus the same peer\'s `python3 -c pass` (start-up taken out).');
  }
  if (w.record !== undefined) {
    out.push('', 'recording (issue 4): tsvisor on shell-loop, with and without --record; the trace replayed with replay --verify');
    const o = w.record;
    if (!o.ok) out.push(`  failed (${o.failure})`);
    else {
      const v = o.value;
      const span = (s: Stats) => `${fmt3(s.min)}..${fmt3(s.max)}`;
      out.push(
        ...table(
          ['command', '', 'ms', 'min..max', 'runs'],
          [
            { cells: ['tsvisor run -- CMD', '', fmt3(v.plainMs.median), span(v.plainMs), String(v.plainMs.samples)] },
            { cells: ['tsvisor run --record FILE -- CMD', '', fmt3(v.recordMs.median), span(v.recordMs), String(v.recordMs.samples)] },
            { cells: ['tsvisor replay FILE --verify', '', fmt3(v.replayMs.median), span(v.replayMs), String(v.replayMs.samples)] },
            {
              cells: ['tsvisor replay TRUE --verify', '', fmt3(v.smallReplayMs.median), span(v.smallReplayMs), String(v.smallReplayMs.samples)],
            },
            ...v.exec.flatMap((e) =>
              e.timing.ok
                ? [
                    { cells: [`tsvisor run -- ${e.workload}`, '', fmt3(e.timing.value.plainMs.median), span(e.timing.value.plainMs), String(e.timing.value.plainMs.samples)] },
                    { cells: [`tsvisor replay ITS-TRACE --exec`, '', fmt3(e.timing.value.execMs.median), span(e.timing.value.execMs), String(e.timing.value.execMs.samples)] },
                  ]
                : [],
            ),
          ],
        ),
      );
      const marginal = marginalRate(v);
      out.push('  (CMD: the shell loop; FILE: its trace; TRUE: a trace of /bin/true, recorded once)');
      const printed = v.printed.map((p) => `${p.label} ${si(p.eventsPerS)}`).join(', ');
      out.push(
        `  recording overhead: ${fmtRatio(ratio(v.recordMs.median, v.plainMs.median))} (record / plain)`,
        ...v.exec.map((e) =>
          e.timing.ok
            ? `  replay --exec of ${e.workload}: ${fmtRatio(ratio(e.timing.value.execMs.median, e.timing.value.plainMs.median))} the original run (replay --exec / run, alternated)`
            : `  replay --exec of ${e.workload}: not timed (${e.timing.failure})`,
        ),
        `  trace: ${v.traceBytes} bytes, ${v.syscalls} syscall records (trace stats) = ${fmt3(v.traceBytes / Math.max(v.syscalls, 1))} bytes/syscall`,
        `  replay --verify: ${v.verified ? 'OK' : 'NOT VERIFIED'}, ${v.events} events of ${v.replaySyscalls} syscalls:` +
          ` ${si(wallRate(v))} events/s over the wall time (node start-up included);` +
          ` ${marginal === undefined ? '-' : si(marginal)} events/s beyond TRUE's replay (${v.smallEvents} events; start-up taken out)`,
        `    as replay prints it (its own clock, medians): ${printed === '' ? 'nothing printed' : `${printed} events/s`}`,
      );
      out.push(`  targets (issue 4): ${recordChecks(o).map((c) => `${c.target}: ${recordVerdict(c)}`).join('; ')}`);
    }
  }
  if (w.replay !== undefined) out.push(...renderReplaySpeed(w.replay));
  if (w.checkpoint !== undefined) out.push(...renderCheckpointSpeed(w.checkpoint));
  if (w.ociStartup !== undefined) out.push('', ...renderOciStartup(w.ociStartup));
  return out;
}

/** The issues' targets over both modes, one line each. */
export function renderTargets(modes: ReadonlyArray<{ mode: Mode; skipped?: string; workloads?: WorkloadsModeResult }>): string[] {
  const ms = modes.filter((m) => m.skipped === undefined && m.workloads !== undefined);
  if (ms.length === 0) return [];
  const rows: Row[] = [];
  const anyUserland = ms.some((m) => [...m.workloads!.userland.values()].some((r) => r.peers.has('tsvisor')));
  if (anyUserland) {
    for (const name of USERLAND_NAMES) {
      const per = ms.map((m) => targetChecks(name, m.workloads!.userland.get(name)));
      if (ms.every((m) => !m.workloads!.userland.get(name)?.peers.has('tsvisor'))) continue;
      per[0]!.forEach((c, i) => rows.push({ cells: [`3: ${name}`, c.target, ...per.map((p) => verdict(p[i]!))] }));
    }
  }
  if (ms.some((m) => m.workloads!.record !== undefined)) {
    const per = ms.map((m) => recordChecks(m.workloads!.record));
    const first = per.find((p) => p.length > 0)!;
    first.forEach((c, i) =>
      rows.push({
        cells: [
          '4: record',
          c.target,
          ...per.map((p) => (p[i] === undefined ? 'not measured' : recordVerdict(p[i]!))),
        ],
      }),
    );
  }
  if (rows.length === 0) return [];
  return [
    '== issue targets (tsvisor; reported, not asserted) ==',
    ...table(['issue: workload', 'target', ...ms.map((m) => m.mode)], rows),
    '',
  ];
}

// ---- JSON -------------------------------------------------------------------------

export function workloadsJson(w: WorkloadsModeResult): object {
  const userland: Record<string, object> = {};
  for (const [name, r] of w.userland) {
    if (r.skipped !== undefined) {
      userland[name] = { skipped: r.skipped };
      continue;
    }
    const nat = medianMs(r, 'native');
    const run = medianMs(r, 'runsc');
    const peers: Record<string, object> = {};
    for (const [p, o] of r.peers) {
      if (!o.ok) {
        peers[p] = { failed: o.failure };
        continue;
      }
      const v = o.value;
      peers[p] = {
        ms: jsonStats(v.ms),
        vs_native: r4(ratio(v.ms.median, nat)),
        vs_runsc: r4(ratio(v.ms.median, run)),
        ...(name === 'pipe' ? { mb_per_s: r4(mbPerS(v.ms.median)) } : {}),
        ...(v.baselineMs !== undefined ? { baseline_ms: jsonStats(v.baselineMs), net_ms: r4(netMs(r, p)) } : {}),
      };
    }
    userland[name] = {
      command: USERLAND[name].shows,
      peers,
      targets: targetChecks(name, r).map((c) => ({ target: c.target, ratio: r4(c.ratio), met: c.met ?? null })),
    };
  }
  const out: Record<string, object> = { userland };
  if (w.replay !== undefined) out['replay'] = w.replay.ok ? w.replay.value : { failed: w.replay.failure };
  if (w.checkpoint !== undefined) out['checkpoint'] = w.checkpoint.ok ? checkpointJson(w.checkpoint.value) : { failed: w.checkpoint.failure };
  if (w.ociStartup !== undefined) out['oci_startup'] = ociStartupJson(w.ociStartup);
  if (w.record !== undefined) {
    const o = w.record;
    if (!o.ok) out['record'] = { failed: o.failure };
    else {
      const v = o.value;
      out['record'] = {
        workload: v.workload,
        plain_ms: jsonStats(v.plainMs),
        record_ms: jsonStats(v.recordMs),
        overhead: r4(ratio(v.recordMs.median, v.plainMs.median)),
        trace_bytes: v.traceBytes,
        syscalls: v.syscalls,
        bytes_per_syscall: r4(v.traceBytes / Math.max(v.syscalls, 1)),
        replay_ms: jsonStats(v.replayMs),
        replay_events: v.events,
        replay_syscalls: v.replaySyscalls,
        replay_verified: v.verified,
        replay_events_per_s_wall: r4(wallRate(v)),
        replay_small_ms: jsonStats(v.smallReplayMs),
        replay_small_events: v.smallEvents,
        replay_events_per_s_marginal: r4(marginalRate(v)),
        replay_events_per_s_printed: v.printed.map((p) => ({ label: p.label, events_per_s: r4(p.eventsPerS) })),
        replay_exec: v.exec.map((e) =>
          e.timing.ok
            ? {
                workload: e.workload,
                plain_ms: jsonStats(e.timing.value.plainMs),
                exec_ms: jsonStats(e.timing.value.execMs),
                ratio: r4(ratio(e.timing.value.execMs.median, e.timing.value.plainMs.median)),
              }
            : { workload: e.workload, failed: e.timing.failure },
        ),
        targets: recordChecks(o).map((c) => ({ target: c.target, value: r4(c.ratio), met: c.met ?? null })),
      };
    }
  }
  return out;
}
