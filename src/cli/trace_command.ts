// `tsvisor trace show|stats FILE`: reading recorded runs.
import fs from 'node:fs';

import { errnoName } from '../kernel/errno.js';
import { syscallName } from '../kernel/syscalls/numbers.js';
import { toPerfetto } from '../trace/perfetto_export.js';
import { openTrace, TraceError } from '../trace/trace_reader.js';
import type { SyscallRecord } from '../trace/trace_schema.js';
import { CliError } from './errors.js';
import { syscallText } from '../trace/syscall_text.js';

const USAGE = `usage: tsvisor trace show FILE [--failed] [--pid N] [--syscall a,b] [--seq A..B] [--grep TEXT] [--json]
       tsvisor trace stats FILE
       tsvisor trace export FILE --format perfetto -o OUT.json`;

function out(line: string): void {
  fs.writeSync(1, line + '\n');
}

function warn(message: string): void {
  fs.writeSync(2, `tsvisor: warning: ${message}\n`);
}

interface Filters {
  failed: boolean;
  pid?: number;
  syscalls?: Set<string>;
  seq?: [number, number];
  grep?: string;
  json: boolean;
}

function parseFilters(args: string[]): { file: string; filters: Filters } {
  const filters: Filters = { failed: false, json: false };
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new CliError(`${a} needs a value`);
      return v;
    };
    if (a === '--failed') filters.failed = true;
    else if (a === '--json') filters.json = true;
    else if (a === '--pid') filters.pid = Number(value());
    else if (a === '--syscall') filters.syscalls = new Set(value().split(','));
    else if (a === '--grep') filters.grep = value();
    else if (a === '--seq') {
      const m = /^(\d*)\.\.(\d*)$/.exec(value());
      if (!m) throw new CliError('--seq wants A..B (either side may be empty)');
      filters.seq = [m[1] ? Number(m[1]) : 0, m[2] ? Number(m[2]) : Infinity];
    } else if (a.startsWith('-')) throw new CliError(`unknown option ${a}\n${USAGE}`);
    else file = a;
  }
  if (!file) throw new CliError(`no trace file given\n${USAGE}`);
  return { file, filters };
}

export function isFailure(r: SyscallRecord): boolean {
  return typeof r.result === 'number' && r.result < 0 && r.result > -4096;
}

function matches(r: SyscallRecord, f: Filters): boolean {
  if (f.failed && !isFailure(r)) return false;
  if (f.pid !== undefined && r.pid !== f.pid) return false;
  if (f.syscalls && !f.syscalls.has(syscallName(r.nr))) return false;
  if (f.seq && (r.seq < f.seq[0] || r.seq > f.seq[1])) return false;
  if (f.grep && !syscallText(r).includes(f.grep)) return false;
  return true;
}

function show(args: string[]): number {
  const { file, filters } = parseFilters(args);
  const trace = openTrace(file, warn);
  for (const r of trace.records) {
    if (r.type === 'end') {
      if (!filters.json && !filters.failed) out(`--- exit status ${r.waitStatus >> 8 & 0xff}${r.waitStatus & 0x7f ? ` (killed by signal ${r.waitStatus & 0x7f})` : ''}`);
      continue;
    }
    if (r.type !== 'syscall' || !matches(r, filters)) continue;
    if (filters.json) {
      out(JSON.stringify({ seq: r.seq, time: r.time, pid: r.pid, tid: r.tid, name: syscallName(r.nr), nr: r.nr, args: r.args, result: r.result, text: syscallText(r), ...(isFailure(r) ? { errno: errnoName(-(r.result as number)) } : {}) }));
    } else {
      out(`${String(r.seq).padStart(6)} ${r.pid}/${r.tid} ${syscallText(r)}`);
    }
  }
  return 0;
}

function stats(args: string[]): number {
  const { file } = parseFilters(args);
  const trace = openTrace(file, warn);
  const rows = new Map<string, { calls: number; errors: number; ns: number; errnos: Map<string, number> }>();
  let lastTime = new Map<number, number>();
  let total = 0;
  for (const r of trace.records) {
    if (r.type !== 'syscall') continue;
    const name = syscallName(r.nr);
    const row = rows.get(name) ?? { calls: 0, errors: 0, ns: 0, errnos: new Map() };
    row.calls++;
    // Time of a syscall: since the same thread's previous record (an upper bound, as the kernel sees it).
    const prev = lastTime.get(r.tid);
    if (prev !== undefined) row.ns += Math.max(0, r.time - prev);
    lastTime.set(r.tid, r.time);
    if (isFailure(r)) {
      row.errors++;
      const e = errnoName(-(r.result as number));
      row.errnos.set(e, (row.errnos.get(e) ?? 0) + 1);
    }
    rows.set(name, row);
    total++;
  }
  lastTime = new Map();
  const totalNs = [...rows.values()].reduce((n, r) => n + r.ns, 0) || 1;
  out('% time     seconds  usecs/call     calls    errors syscall');
  out('------ ----------- ----------- --------- --------- ----------------');
  for (const [name, r] of [...rows].sort((a, b) => b[1].ns - a[1].ns || b[1].calls - a[1].calls)) {
    const pct = ((r.ns / totalNs) * 100).toFixed(2).padStart(6);
    const secs = (r.ns / 1e9).toFixed(6).padStart(11);
    const per = String(Math.round(r.ns / 1000 / r.calls)).padStart(11);
    const errs = r.errors ? String(r.errors).padStart(9) : ''.padStart(9);
    const detail = r.errors ? `  (${[...r.errnos].map(([e, n]) => `${e} ${n}`).join(', ')})` : '';
    out(`${pct} ${secs} ${per} ${String(r.calls).padStart(9)} ${errs} ${name}${detail}`);
  }
  out('------ ----------- ----------- --------- --------- ----------------');
  const errors = [...rows.values()].reduce((n, r) => n + r.errors, 0);
  out(`100.00 ${(totalNs / 1e9).toFixed(6).padStart(11)} ${''.padStart(11)} ${String(total).padStart(9)} ${String(errors).padStart(9)} total`);
  return 0;
}

function exportTrace(args: string[]): number {
  let file: string | undefined;
  let format = 'perfetto';
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--format') format = args[++i] ?? '';
    else if (a === '-o' || a === '--output') output = args[++i];
    else if (a.startsWith('-')) throw new CliError(`unknown option ${a}\n${USAGE}`);
    else file = a;
  }
  if (!file || !output) throw new CliError(USAGE);
  if (format !== 'perfetto') throw new CliError(`--format: only perfetto is known, not '${format}'`);
  const json = toPerfetto(openTrace(file, warn));
  fs.writeFileSync(output, JSON.stringify(json));
  out(`wrote ${json.traceEvents.length} trace events to ${output} (open it in https://ui.perfetto.dev or chrome://tracing)`);
  return 0;
}

export function traceCommand(args: string[]): number {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'show':
        return show(rest);
      case 'stats':
        return stats(rest);
      case 'export':
        return exportTrace(rest);
      default:
        throw new CliError(USAGE);
    }
  } catch (err) {
    if (err instanceof TraceError) throw new CliError(err.message);
    throw err;
  }
}
