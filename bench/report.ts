// Rendering of bench results: readable tables per mode, and one JSON summary line.

import type { Stats } from './measure.js';
import { MODE_TITLES, type Mode, type PeerName } from './peers.js';
import { renderTargets, renderWorkloads, workloadsJson, type WorkloadsModeResult } from './report_workloads.js';
import type { Outcome, Startup, SyscallCost } from './workloads.js';

export interface PeerInfo {
  name: PeerName;
  describe: string;
  version?: string;
  /** Why the peer was not measured at all (not installed, needs root). */
  skipped?: string;
}

/** Each measurement is absent when --workloads left it out. */
export interface PeerModeResult {
  syscall?: Outcome<SyscallCost>;
  startup?: Outcome<Startup>;
}

export interface ModeResult {
  mode: Mode;
  /** Why the whole mode was skipped (no taskset). */
  skipped?: string;
  peers: Map<PeerName, PeerModeResult>;
  /** `node -e 0`: the floor under tsvisor's start-up (measured when tsvisor is). */
  nodeStartup?: Outcome<Startup>;
  /** The userland workloads and the recording numbers (when --workloads asked for them). */
  workloads?: WorkloadsModeResult;
}

export interface BenchResult {
  date: string;
  quick: boolean;
  host: { kernel: string; arch: string; cpus: number; node: string };
  program: { path: string; linkage: 'static' | 'dynamic' };
  peers: PeerInfo[];
  /** The measurements chosen with --workloads, in canonical order. */
  workloads: string[];
  modes: ModeResult[];
  elapsedSeconds: number;
}

// ---- number formatting ----------------------------------------------------------

/** Three significant digits, without exponents: 0.102, 6.12, 61.2, 612. */
export function fmt3(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toFixed(3);
  return x.toPrecision(2);
}

export function fmtRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r) || r <= 0) return '-';
  if (r >= 10) return `${r.toFixed(0)}x`;
  if (r >= 1) return `${r.toFixed(1)}x`;
  return `${r.toPrecision(2)}x`;
}

function ratio(a: number, b: number | undefined): number | undefined {
  return b === undefined || b <= 0 ? undefined : a / b;
}

function round4(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(4));
}

// ---- tables -----------------------------------------------------------------------

type Row = { cells: string[] } | { text: string };

/** First column left-aligned, the others right-aligned; a `text` row spans the table. */
function table(header: string[], rows: Row[]): string[] {
  const widths = header.map((h) => h.length);
  for (const r of rows) {
    if (!('cells' in r)) continue;
    r.cells.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  }
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();
  return [line(header), ...rows.map((r) => ('cells' in r ? line(r.cells) : `  ${r.text}`))];
}

function span(s: Stats, f: (x: number) => string = fmt3): string {
  return `${f(s.min)}..${f(s.max)}`;
}

function medianOf<T>(o: Outcome<T> | undefined, pick: (v: T) => number): number | undefined {
  return o !== undefined && o.ok ? pick(o.value) : undefined;
}

/** " = 61x native, 0.20x runsc", leaving out the peers not measured. */
function versus(toNative: number | undefined, toRunsc: number | undefined): string {
  const parts: string[] = [];
  if (toNative !== undefined) parts.push(`${fmtRatio(toNative)} native`);
  if (toRunsc !== undefined) parts.push(`${fmtRatio(toRunsc)} runsc`);
  return parts.length === 0 ? '' : ` = ${parts.join(', ')}`;
}

const usOf = (c: SyscallCost) => c.us.median;
const msOf = (s: Startup) => s.ms.median;

function renderMode(m: ModeResult, order: PeerName[]): string[] {
  const out: string[] = [`== ${MODE_TITLES[m.mode]} ==`];
  if (m.skipped !== undefined) return [...out, `  skipped: ${m.skipped}`, ''];
  const measured = order.filter((p) => m.peers.has(p));
  const get = (p: PeerName) => m.peers.get(p);
  const nativeUs = medianOf(get('native')?.syscall, usOf);
  const runscUs = medianOf(get('runsc')?.syscall, usOf);
  const nativeMs = medianOf(get('native')?.startup, msOf);
  const runscMs = medianOf(get('runsc')?.startup, msOf);

  const withSyscall = measured.filter((p) => get(p)!.syscall !== undefined);
  const withStartup = measured.filter((p) => get(p)!.startup !== undefined);
  if (withSyscall.length > 0) {
    out.push('', 'per trapped syscall: getppid loop, (time(N calls) - median time(0 calls)) / N, median over runs');
    out.push(
      ...table(
        ['peer', 'us/syscall', 'min..max', 'N', 'runs', 'vs native', 'vs runsc'],
        withSyscall.map((p): Row => {
          const o = get(p)!.syscall!;
          if (!o.ok) return { text: `${p}: failed (${o.failure})` };
          const v = o.value;
          return {
            cells: [
              p,
              fmt3(v.us.median),
              span(v.us),
              String(v.n),
              String(v.us.samples),
              fmtRatio(ratio(v.us.median, nativeUs)),
              fmtRatio(ratio(v.us.median, runscUs)),
            ],
          };
        }),
      ),
    );
  }
  if (withStartup.length > 0) {
    out.push('', 'start-up: wall time of /bin/true (spawned from node), median of runs');
    const startupRows = withStartup.map((p): Row => {
      const o = get(p)!.startup!;
      if (!o.ok) return { text: `${p}: failed (${o.failure})` };
      const v = o.value;
      return {
        cells: [
          p,
          fmt3(v.ms.median),
          span(v.ms),
          String(v.ms.samples),
          fmtRatio(ratio(v.ms.median, nativeMs)),
          fmtRatio(ratio(v.ms.median, runscMs)),
        ],
      };
    });
    if (m.nodeStartup !== undefined) {
      const o = m.nodeStartup;
      startupRows.push(
        o.ok
          ? { cells: ['(node -e 0)', fmt3(o.value.ms.median), span(o.value.ms), String(o.value.ms.samples), '', ''] }
          : { text: `(node -e 0): failed (${o.failure})` },
      );
    }
    out.push(...table(['peer', 'ms', 'min..max', 'runs', 'vs native', 'vs runsc'], startupRows));
    if (m.nodeStartup?.ok === true) out.push('  (node -e 0) is a reference, not a peer: the floor under tsvisor\'s start-up.');
  }

  const ts = get('tsvisor');
  if (ts !== undefined && (ts.syscall?.ok === true || ts.startup?.ok === true)) {
    const parts: string[] = [];
    if (ts.syscall?.ok === true) {
      const us = ts.syscall.value.us.median;
      parts.push(`${fmt3(us)} us/syscall${versus(ratio(us, nativeUs), ratio(us, runscUs))}`);
    }
    if (ts.startup?.ok === true) {
      const ms = ts.startup.value.ms.median;
      parts.push(`start-up ${fmt3(ms)} ms${versus(ratio(ms, nativeMs), ratio(ms, runscMs))}`);
    }
    out.push('', `tsvisor: ${parts.join('; ')}`);
    out.push('  (issue 2 targets: per syscall <= 0.5x runsc, start-up <= 1x runsc; reported, not asserted)');
  }
  if (m.workloads !== undefined) out.push(...renderWorkloads(m.workloads, order));
  out.push('');
  return out;
}

function renderPlacement(r: BenchResult, order: PeerName[]): string[] {
  const un = r.modes.find((m) => m.mode === 'unpinned');
  const pin = r.modes.find((m) => m.mode === 'pinned');
  if (un === undefined || pin === undefined || un.skipped !== undefined || pin.skipped !== undefined) return [];
  const rows: Row[] = [];
  for (const p of order) {
    const a = medianOf(un.peers.get(p)?.syscall, usOf);
    const b = medianOf(pin.peers.get(p)?.syscall, usOf);
    const sa = medianOf(un.peers.get(p)?.startup, msOf);
    const sb = medianOf(pin.peers.get(p)?.startup, msOf);
    if (a === undefined && b === undefined && sa === undefined && sb === undefined) continue;
    const f = (x: number | undefined) => (x === undefined ? '-' : fmt3(x));
    rows.push({
      cells: [p, f(a), f(b), a !== undefined && b !== undefined ? fmtRatio(ratio(a, b)) : '-', f(sa), f(sb)],
    });
  }
  if (rows.length === 0) return [];
  return [
    '== placement: unpinned vs pinned ==',
    ...table(['peer', 'us unpinned', 'us pinned', 'unpinned/pinned', 'ms start unpinned', 'ms start pinned'], rows),
    '',
  ];
}

export function renderText(r: BenchResult, order: PeerName[]): string {
  const out: string[] = [
    `tsvisor bench, ${r.date}${r.quick ? ' (--quick)' : ''}`,
    `host: Linux ${r.host.kernel} ${r.host.arch}, ${r.host.cpus} CPUs, node ${r.host.node}`,
    `program: ${r.program.path} (${r.program.linkage}, cc -O2)`,
    `measured: ${r.workloads.join(', ')}`,
    'peers:',
  ];
  const w = Math.max(...r.peers.map((p) => p.name.length));
  for (const p of r.peers) {
    if (p.skipped !== undefined) out.push(`  ${p.name}: ${p.skipped}`);
    else out.push(`  ${p.name.padEnd(w)}  ${p.describe}${p.version === undefined ? '' : `  [${p.version}]`}`);
  }
  out.push('');
  for (const m of r.modes) out.push(...renderMode(m, order));
  out.push(...renderPlacement(r, order));
  out.push(...renderTargets(r.modes));
  out.push(`bench took ${r.elapsedSeconds.toFixed(0)} s`);
  return out.join('\n');
}

// ---- JSON -------------------------------------------------------------------------

function jsonStats(s: Stats) {
  return { median: round4(s.median), min: round4(s.min), max: round4(s.max), samples: s.samples };
}

function jsonOutcome<T>(o: Outcome<T>, f: (v: T) => object): object {
  return o.ok ? f(o.value) : { failed: o.failure };
}

export function toJson(r: BenchResult): object {
  const modes: Record<string, object> = {};
  for (const m of r.modes) {
    if (m.skipped !== undefined) {
      modes[m.mode] = { skipped: m.skipped };
      continue;
    }
    const nativeUs = medianOf(m.peers.get('native')?.syscall, usOf);
    const runscUs = medianOf(m.peers.get('runsc')?.syscall, usOf);
    const nativeMs = medianOf(m.peers.get('native')?.startup, msOf);
    const runscMs = medianOf(m.peers.get('runsc')?.startup, msOf);
    const r4 = (x: number | undefined) => (x === undefined ? null : round4(x));
    const peers: Record<string, object> = {};
    for (const [name, pr] of m.peers) {
      if (pr.syscall === undefined && pr.startup === undefined) continue;
      peers[name] = {
        syscall: pr.syscall === undefined ? null : jsonOutcome(pr.syscall, (v) => ({
          us: jsonStats(v.us),
          n: v.n,
          empty_run_ms: jsonStats(v.emptyRunMs),
          vs_native: r4(ratio(v.us.median, nativeUs)),
          vs_runsc: r4(ratio(v.us.median, runscUs)),
        })),
        startup: pr.startup === undefined ? null : jsonOutcome(pr.startup, (v) => ({
          ms: jsonStats(v.ms),
          vs_native: r4(ratio(v.ms.median, nativeMs)),
          vs_runsc: r4(ratio(v.ms.median, runscMs)),
        })),
      };
    }
    const mode: Record<string, object> = { peers };
    if (m.nodeStartup !== undefined) mode['node_startup'] = jsonOutcome(m.nodeStartup, (v) => ({ ms: jsonStats(v.ms) }));
    if (m.workloads !== undefined) Object.assign(mode, workloadsJson(m.workloads));
    modes[m.mode] = mode;
  }
  return {
    bench: 'tsvisor',
    format: 2,
    date: r.date,
    quick: r.quick,
    host: r.host,
    program: r.program,
    workloads: r.workloads,
    peers: Object.fromEntries(
      r.peers.map((p) => [
        p.name,
        { describe: p.describe, ...(p.version === undefined ? {} : { version: p.version }), ...(p.skipped === undefined ? {} : { skipped: p.skipped }) },
      ]),
    ),
    modes,
    elapsed_s: round4(r.elapsedSeconds),
  };
}
