// `tsvisor syscalls [--json] [--level LEVEL]`: the kernel's syscall table as a product. The
// rows come from SYSCALL_TABLE itself; docs/syscalls.md is rendered from the same rows
// (renderSyscallsMarkdown, written by syscalls_doc.ts).
import fs from 'node:fs';

import { SYSCALL_TABLE, type SupportLevel, type SyscallEntry } from '../kernel/syscalls/table.js';
import { loadAddon } from '../platform/native_addon.js';
import { CliError } from './errors.js';

export const SUPPORT_LEVELS: readonly SupportLevel[] = ['full', 'partial', 'host', 'unsupported'];

export const SYSCALLS_USAGE = `usage: tsvisor syscalls [--json] [--level full|partial|host|unsupported]

Prints every x86-64 syscall with its number, name, support level and note, from
tsvisor's syscall table, then the count at each level.

options:
  --json           print a JSON array instead of a table
  --level LEVEL    only the syscalls at this level
  -h, --help       this text

levels:
  full             behaves as Linux does
  partial          works for common use; the note says what is missing
  host             run by the host kernel (it only touches the calling process);
                   the SECCOMP column says whether the stub's filter lets it through
                   untrapped ("allows", for some argument values or all) or traps it
                   first ("traps")
  unsupported      returns ENOSYS`;

/** One syscall as `tsvisor syscalls` and docs/syscalls.md show it. */
export interface SyscallRow {
  readonly nr: number;
  readonly name: string;
  readonly support: SupportLevel;
  readonly note: string | null;
  /**
   * Whether the stub's seccomp filter has an allow rule for this number (possibly for some
   * argument values only, e.g. anonymous mmap); null when the native addon is not built.
   */
  readonly seccompAllows: boolean | null;
}

export interface SyscallsOptions {
  readonly json: boolean;
  readonly level: SupportLevel | undefined;
}

/** The table's entries in number order (numbers x86-64 does not define have none). */
export function tableEntries(): SyscallEntry[] {
  return SYSCALL_TABLE.filter((e): e is SyscallEntry => e !== undefined);
}

/** The syscall numbers the seccomp filter lets through, or null if the addon cannot load. */
export function seccompAllowedSyscalls(): ReadonlySet<number> | null {
  try {
    return new Set(loadAddon().allowedSyscalls());
  } catch {
    return null;
  }
}

export function syscallRows(allowed: ReadonlySet<number> | null): SyscallRow[] {
  return tableEntries().map((e) => ({
    nr: e.nr,
    name: e.name,
    support: e.support,
    note: e.note ?? null,
    seccompAllows: allowed === null ? null : allowed.has(e.nr),
  }));
}

export function countByLevel(rows: readonly SyscallRow[]): Record<SupportLevel, number> {
  const counts: Record<SupportLevel, number> = { full: 0, partial: 0, host: 0, unsupported: 0 };
  for (const row of rows) counts[row.support]++;
  return counts;
}

/** Ranges of numbers below the highest syscall that x86-64 leaves undefined, e.g. "335-423". */
export function undefinedRanges(): string[] {
  const ranges: string[] = [];
  let start: number | undefined;
  for (let nr = 0; nr <= SYSCALL_TABLE.length; nr++) {
    const hole = nr < SYSCALL_TABLE.length && SYSCALL_TABLE[nr] === undefined;
    if (hole && start === undefined) start = nr;
    if (!hole && start !== undefined) {
      ranges.push(start === nr - 1 ? `${start}` : `${start}-${nr - 1}`);
      start = undefined;
    }
  }
  return ranges;
}

export function parseSyscallsOptions(args: readonly string[]): SyscallsOptions | 'help' {
  let json = false;
  let level: SupportLevel | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--json') {
      json = true;
    } else if (a === '--level' || a.startsWith('--level=')) {
      const value = a === '--level' ? args[++i] : a.slice('--level='.length);
      if (value === undefined) throw new CliError('--level needs a value');
      level = parseLevel(value);
    } else {
      throw new CliError(`unknown option ${a} (see tsvisor syscalls --help)`);
    }
  }
  return { json, level };
}

function parseLevel(value: string): SupportLevel {
  const level = SUPPORT_LEVELS.find((l) => l === value);
  if (!level) throw new CliError(`--level wants one of ${SUPPORT_LEVELS.join(', ')}, got '${value}'`);
  return level;
}

/** The SECCOMP cell: shown for every syscall the filter allows and every 'host' one it traps. */
function seccompCell(row: SyscallRow): string {
  if (row.seccompAllows === null) return row.support === 'host' ? '?' : '';
  if (row.seccompAllows) return 'allows';
  return row.support === 'host' ? 'traps' : '';
}

/** The aligned table, then the count at each level (of the rows shown) and the total. */
export function renderSyscallsText(rows: readonly SyscallRow[]): string {
  const header = ['NR', 'NAME', 'LEVEL', 'SECCOMP', 'NOTE'];
  const cells = rows.map((r) => [String(r.nr), r.name, r.support, seccompCell(r), r.note ?? '']);
  const widths = header.map((h, col) => Math.max(h.length, ...cells.map((c) => c[col]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((cell, col) => (col === 0 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd();

  const counts = countByLevel(rows);
  const labelWidth = Math.max('total'.length, ...SUPPORT_LEVELS.map((l) => l.length));
  const countWidth = String(rows.length).length;
  const countLine = (label: string, n: number, extra = ''): string =>
    `${label.padEnd(labelWidth)}  ${String(n).padStart(countWidth)}${extra}`;
  const summary = SUPPORT_LEVELS.map((level) => countLine(level, counts[level], level === 'host' ? hostDetail(rows) : ''));
  summary.push(countLine('total', rows.length));

  return [line(header), ...cells.map(line), '', ...summary].join('\n') + '\n';
}

/** "  (N untrapped, M trapped first)" for the 'host' count, when the addon could tell. */
function hostDetail(rows: readonly SyscallRow[]): string {
  const host = rows.filter((r) => r.support === 'host');
  if (host.length === 0 || host.some((r) => r.seccompAllows === null)) return '';
  const untrapped = host.filter((r) => r.seccompAllows).length;
  return `  (${untrapped} let through by the seccomp filter, ${host.length - untrapped} trapped first)`;
}

export function renderSyscallsJson(rows: readonly SyscallRow[]): string {
  return JSON.stringify(rows, null, 2) + '\n';
}

/** docs/syscalls.md. Independent of the native addon, so it renders the same everywhere. */
export function renderSyscallsMarkdown(rows: readonly SyscallRow[]): string {
  const counts = countByLevel(rows);
  const holes = undefinedRanges();
  const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  const out = [
    '# System calls',
    '',
    '<!-- Generated by `npm run docs:syscalls` from src/kernel/syscalls/table.ts. Do not edit. -->',
    '',
    'Every system call a sandboxed program makes is trapped and answered by tsvisor\'s kernel,',
    'except a short list that the host runs for it. This is the kernel\'s syscall table, the',
    'same data `tsvisor syscalls` prints. Each x86-64 syscall has one of four support levels:',
    '',
    '- **full**: behaves as Linux does.',
    '- **partial**: works for common use; the note says what is missing.',
    '- **host**: run by the host kernel, because it only touches the calling process (its own',
    '  address space, threads or signal frame). Most are let through untrapped by the stub\'s',
    '  seccomp filter (`native/seccomp_filter.cc`), some only for certain arguments; the others',
    '  are trapped first and handed to the host. `tsvisor syscalls` shows which, in its',
    '  SECCOMP column.',
    '- **unsupported**: returns ENOSYS to the program, and tsvisor reports it once per name on',
    '  stderr.',
    '',
    ...(holes.length > 0 ? [`Numbers ${holes.join(', ')} are not defined on x86-64 and are not listed.`, ''] : []),
    '| nr | name | level | note |',
    '| ---: | --- | --- | --- |',
    ...rows.map((r) => `| ${r.nr} | \`${r.name}\` | ${r.support} | ${cell(r.note ?? '')} |`),
    '',
    '## Counts',
    '',
    '| level | syscalls |',
    '| --- | ---: |',
    ...SUPPORT_LEVELS.map((level) => `| ${level} | ${counts[level]} |`),
    `| total | ${rows.length} |`,
  ];
  return out.join('\n') + '\n';
}

export function syscallsCommand(args: string[]): number {
  const opts = parseSyscallsOptions(args);
  if (opts === 'help') {
    writeStdout(SYSCALLS_USAGE + '\n');
    return 0;
  }
  const allowed = seccompAllowedSyscalls();
  if (allowed === null && !opts.json) {
    fs.writeSync(2, 'tsvisor: the native addon is not built: the SECCOMP column is unknown (?)\n');
  }
  const rows = syscallRows(allowed).filter((r) => opts.level === undefined || r.support === opts.level);
  writeStdout(opts.json ? renderSyscallsJson(rows) : renderSyscallsText(rows));
  return 0;
}

/** Writes all of text to stdout; a reader that went away (`| head`) just ends the output. */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(1, bytes, done);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}
