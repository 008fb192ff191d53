// The differential conformance harness: each case is a shell command line run with
// `/bin/sh -c`, once natively and once under `tsvisor run`, each in a fresh scratch directory
// seeded identically, and the two runs must agree on
//   - the exit status (a native death by signal N is 128 + N, as a shell reports it),
//   - stdout,
//   - stderr (unless the case says it is not stable),
//   - the files the case left in its scratch directory: names, types, modes, sizes, link
//     counts, symlink targets, contents (sha256, and the first 4 KiB of small files).
// Paths of the scratch directories are normalised to $SCRATCH / $TMPDIR before comparing.
//
// Writes inside the sandbox go to its in-memory overlay, so the host never sees the files the
// sandboxed case wrote: the listing of the scratch directory is therefore taken from INSIDE
// each run, by a wrapper shell that runs the case as a child `/bin/sh -c CMD`, then prints a
// marker line and the listing on stdout, and exits with the case's status:
//
//   umask 022; /bin/sh -c "$1"; __rc=$?; printf '\n%s\n' MARKER; { LISTING; } 2>&1; exit $__rc
//
// The case's stdout is everything before the last "\nMARKER\n" (the leading newline is the
// wrapper's, so a case output without a final newline is kept exact), the listing is what
// follows. Natively the same wrapper runs, so both sides make the same processes.
//
// Besides, the host copy of the sandbox's scratch directory (and its TMPDIR) must be unchanged
// after the sandboxed run: writes never reach the host.
//
// Record and replay (issue 4): the sandboxed run is made with `--record`, `tsvisor replay TRACE
// --verify` must say OK, and `tsvisor replay TRACE --exec` (with no stdin: the program's reads
// are answered from the recording) must give the recorded run's stdout and exit status byte for
// byte. A case whose replay cannot be reproduced says why (execReplay); its replay must still
// end, either as recorded or with a divergence report (status 3), never hang or crash.
//
// Environment variables:
//   TSVISOR_CONF_KEEP=1          keep the scratch directories (their path is in the failure)
//   TSVISOR_CONF_REPORT=FILE     append one JSON line per case (name, verdict, first differences)
//   TSVISOR_CONF_CHECK_NATIVE=1  run each case twice natively and fail if the runs differ
//                                (to prove a new case deterministic)
//   TSVISOR_CONF_NATIVE_ONLY=1   only that: no sandboxed run (to write cases quickly)
//   TSVISOR_CONF_REPLAY_RUNS=N   record and replay --exec each case N times (after the one
//                                compared with the native run): every replay must reproduce its
//                                own recording, even for a case marked execReplayMayDiverge (to
//                                find and show replay races; each run gets a line in the report)

import { createHash } from 'node:crypto';
import {
  accessSync,
  appendFileSync,
  chmodSync,
  constants as fsConstants,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { runNative, runSandbox, runTsvisor, shellStatus, type RunResult } from '../support/run.js';

/** A file the case finds in its scratch directory. */
export interface FileSpec {
  readonly content: string | Buffer;
  /** Permission bits (default 0o644). */
  readonly mode?: number;
}

export interface ConformanceCase {
  /** The test's title (unique within its suite). */
  readonly name: string;
  /** A shell command line, run by `/bin/sh -c` with cwd = the scratch directory. */
  readonly cmd: string;
  /** Data on stdin (default: none; stdin is a pipe closed at once). */
  readonly stdin?: string;
  /** Files created before the run, by relative path (parent directories are created). */
  readonly files?: Readonly<Record<string, string | Buffer | FileSpec>>;
  /** Empty directories created before the run. */
  readonly dirs?: readonly string[];
  /** Symbolic links created before the run: relative path -> target. */
  readonly symlinks?: Readonly<Record<string, string>>;
  /** More environment variables (on top of the fixed environment, see caseEnv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Whether stderr must be identical (default true); say false, with a reason, when it is not stable. */
  readonly stableStderr?: boolean;
  /**
   * `find -path` patterns (relative to the scratch directory, `./x/*`) of files left out of the
   * listing (e.g. `./.git/index`, which holds inode numbers and times); false for no listing.
   */
  readonly listing?: false | { readonly exclude?: readonly string[] };
  /** Programs the case needs: absolute paths or names looked up on the fixed PATH. */
  readonly needs?: readonly string[];
  /** Timeout of the sandboxed run (default: 4 s + 8 times the native run's duration, at most 20 s). */
  readonly timeoutMs?: number;
  /**
   * Why `replay --exec` may not reproduce this case (its threads or processes synchronise
   * through memory, which is not recorded): it must then end as recorded or with a divergence
   * report. Absent: it must reproduce stdout and status.
   */
  readonly execReplayMayDiverge?: string;
}

/** The marker line between the case's stdout and the listing. */
export const LISTING_MARKER = '@@tsvisor-conformance:files-in-scratch@@';

/** PATH of every run: the system's directories only (no pyenv shims, no ~/.cargo). */
export const FIXED_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The mtime of every seeded file and directory: 2001-09-09T01:46:40Z. */
export const SEED_TIME = 1_000_000_000;

const NATIVE_TIMEOUT_MS = 20_000;
const MAX_SANDBOX_TIMEOUT_MS = 20_000;

/** Quotes a string for the shell. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The listing commands run in the scratch directory after the case (see the file's header). */
export function listingScript(exclude: readonly string[] = []): string {
  const excl = exclude.map((p) => `! -path ${shQuote(p)}`).join(' ');
  return [
    `find . -mindepth 1 ${excl} \\( -type d -printf '%p  dir %m\\n'` +
      ` -o -type l -printf '%p  symlink -> %l\\n'` +
      ` -o -type f -printf '%p  file %m size=%s links=%n\\n'` +
      ` -o -printf '%p  %y %m\\n' \\) | LC_ALL=C sort`,
    `echo '-- sha256'`,
    `find . -type f ${excl} -print0 | LC_ALL=C sort -z | xargs -0r sha256sum`,
    // Only head and cat here (not grep, which would add its own syscalls to every case).
    `echo '-- contents of small files (4 KiB at most, cat -v)'`,
    `find . -type f -size -8k ! -path '*/.git/*' ${excl} -print0 | LC_ALL=C sort -z | xargs -0r head -v -c 4096 -- | cat -v`,
    `true`,
  ].join('\n');
}

/** The wrapper script: runs the case ($1) in a child shell, lists the scratch directory, exits with the case's status. */
export function wrapperScript(c: ConformanceCase): string {
  const listing = c.listing === false ? 'true' : listingScript(c.listing?.exclude);
  return [
    'umask 022',
    '/bin/sh -c "$1"',
    '__rc=$?',
    `printf '\\n%s\\n' '${LISTING_MARKER}'`,
    `{\n${listing}\n} 2>&1`,
    'exit $__rc',
  ].join('\n');
}

/** The environment of both runs: fixed, with HOME and TMPDIR in the run's own directories. */
export function caseEnv(c: ConformanceCase, scratch: string, tmp: string): NodeJS.ProcessEnv {
  return {
    PATH: FIXED_PATH,
    HOME: scratch,
    TMPDIR: tmp,
    LANG: 'C',
    LC_ALL: 'C',
    TZ: 'UTC',
    USER: 'root',
    LOGNAME: 'root',
    SHELL: '/bin/sh',
    TERM: 'dumb',
    ...(c.env ?? {}),
  };
}

/** Seeds a scratch directory with the case's files, directories and symlinks, all dated SEED_TIME. */
export function seedScratch(dir: string, c: ConformanceCase): void {
  const dirs = new Set<string>();
  const parents = (rel: string): void => {
    for (let d = dirname(rel); d !== '.' && d !== '/'; d = dirname(d)) dirs.add(d);
  };
  for (const d of c.dirs ?? []) {
    dirs.add(d);
    parents(d);
  }
  for (const rel of [...Object.keys(c.files ?? {}), ...Object.keys(c.symlinks ?? {})]) parents(rel);
  for (const d of [...dirs].sort()) {
    mkdirSync(join(dir, d), { recursive: true });
    chmodSync(join(dir, d), 0o755);
  }
  for (const [rel, spec] of Object.entries(c.files ?? {})) {
    const { content, mode } = typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec, mode: undefined } : spec;
    const path = join(dir, rel);
    writeFileSync(path, content);
    chmodSync(path, mode ?? 0o644);
    utimesSync(path, SEED_TIME, SEED_TIME);
  }
  for (const [rel, target] of Object.entries(c.symlinks ?? {})) {
    const path = join(dir, rel);
    symlinkSync(target, path);
    lutimesSync(path, SEED_TIME, SEED_TIME);
  }
  // Deepest first, so that setting a child's time does not change its parent's afterwards.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) utimesSync(join(dir, d), SEED_TIME, SEED_TIME);
  utimesSync(dir, SEED_TIME, SEED_TIME);
}

/** A host-side snapshot of a directory tree (to prove the sandbox left it alone). */
export function snapshotTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.push(`${r} dir ${mode} mtime=${st.mtimeMs}`);
        walk(path, r);
      } else if (st.isSymbolicLink()) {
        out.push(`${r} symlink -> ${readlinkSync(path)}`);
      } else if (st.isFile()) {
        const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
        out.push(`${r} file ${mode} size=${st.size} links=${st.nlink} mtime=${st.mtimeMs} sha256=${sha}`);
      } else {
        out.push(`${r} other ${mode}`);
      }
    }
  };
  walk(root, '');
  return out;
}

/** Whether every program the case needs is on this machine; else the reason it is pending. */
export function missingNeeds(c: ConformanceCase): string | undefined {
  const missing = (c.needs ?? []).filter((prog) => {
    const candidates = prog.includes('/') ? [prog] : FIXED_PATH.split(':').map((d) => join(d, prog));
    return !candidates.some((p) => {
      try {
        accessSync(p, fsConstants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  });
  return missing.length > 0 ? `not installed on this machine: ${missing.join(', ')}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Running and comparing

/** One run (native or sandboxed) of a case, normalised. */
export interface CaseRun {
  readonly raw: RunResult;
  /** The shell status (128 + N for a signal), null if unknown (timeout, failure to start). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The listing of the scratch directory, or undefined if the wrapper never printed it. */
  readonly listing: string | undefined;
  readonly ms: number;
}

/** Replaces each path by its name, longest first. */
export function normalisePaths(text: string, paths: ReadonlyArray<readonly [string, string]>): string {
  let out = text;
  for (const [path, name] of [...paths].sort((a, b) => b[0].length - a[0].length)) out = out.split(path).join(name);
  return out;
}

export function splitListing(stdout: string): { stdout: string; listing: string | undefined } {
  const mark = `\n${LISTING_MARKER}\n`;
  const at = stdout.lastIndexOf(mark);
  if (at < 0) return { stdout, listing: undefined };
  return { stdout: stdout.slice(0, at), listing: stdout.slice(at + mark.length) };
}

function toCaseRun(raw: RunResult, ms: number, paths: ReadonlyArray<readonly [string, string]>): CaseRun {
  const { stdout, listing } = splitListing(raw.stdout);
  return {
    raw,
    status: raw.error ? null : shellStatus(raw),
    stdout: normalisePaths(stdout, paths),
    stderr: normalisePaths(raw.stderr, paths),
    listing: listing === undefined ? undefined : normalisePaths(listing, paths),
    ms,
  };
}

/** The directories of one case: base/{nat,sbx} scratch and base/{nat,sbx}-tmp TMPDIRs (equal lengths, so output widths match). */
export interface CaseDirs {
  readonly base: string;
  readonly native: { readonly scratch: string; readonly tmp: string };
  readonly sandbox: { readonly scratch: string; readonly tmp: string };
}

export function makeCaseDirs(c: ConformanceCase): CaseDirs {
  const base = mkdtempSync(join(tmpdir(), 'tsvisor-conf-'));
  chmodSync(base, 0o755);
  const side = (name: string): { scratch: string; tmp: string } => {
    const scratch = join(base, name);
    const tmp = join(base, `${name}-tmp`);
    mkdirSync(scratch, { mode: 0o755 });
    mkdirSync(tmp, { mode: 0o755 });
    chmodSync(scratch, 0o755);
    chmodSync(tmp, 0o755);
    seedScratch(scratch, c);
    utimesSync(tmp, SEED_TIME, SEED_TIME);
    return { scratch, tmp };
  };
  return { base, native: side('nat'), sandbox: side('sbx') };
}

function pathNames(side: { scratch: string; tmp: string }): Array<readonly [string, string]> {
  return [
    [side.scratch, '$SCRATCH'],
    [side.tmp, '$TMPDIR'],
  ];
}

export function runCaseNative(c: ConformanceCase, side: { scratch: string; tmp: string }): CaseRun {
  const started = Date.now();
  const raw = runNative(['/bin/sh', '-c', wrapperScript(c), 'conformance', c.cmd], {
    cwd: side.scratch,
    env: caseEnv(c, side.scratch, side.tmp),
    input: c.stdin ?? '',
    timeoutMs: NATIVE_TIMEOUT_MS,
  });
  return toCaseRun(raw, Date.now() - started, pathNames(side));
}

/** The sandboxed run, recorded to the trace file `record` if given. */
export function runCaseSandbox(c: ConformanceCase, side: { scratch: string; tmp: string }, timeoutMs: number, record?: string): CaseRun {
  const started = Date.now();
  const raw = runSandbox(['/bin/sh', '-c', wrapperScript(c), 'conformance', c.cmd], {
    cwd: side.scratch,
    sandboxCwd: side.scratch,
    // tsvisor passes its own environment on to the program: give it exactly the case's.
    env: caseEnv(c, side.scratch, side.tmp),
    input: c.stdin ?? '',
    timeoutMs,
    ...(record === undefined ? {} : { extraArgs: ['--record', record] }),
  });
  return toCaseRun(raw, Date.now() - started, pathNames(side));
}

/**
 * How long a sandboxed run may take before it counts as hung: long enough for a recorded run on
 * a loaded 2-CPU host (a 5.5 s limit once cut a 118 ms tar case at load average 10).
 */
export function sandboxTimeout(c: ConformanceCase, nativeMs: number): number {
  return c.timeoutMs ?? Math.min(MAX_SANDBOX_TIMEOUT_MS, 10_000 + 8 * nativeMs);
}

/** One difference between the runs. */
export interface Difference {
  /**
   * 'status', 'stdout', 'stderr', 'files', 'host', 'sandbox' (tsvisor failed to run);
   * 'replay --verify', 'replay --exec status', 'replay --exec stdout'.
   */
  readonly aspect: string;
  /** A one-line account: the first differing line. */
  readonly first: string;
  /** A readable diff or explanation. */
  readonly detail: string;
}

/** Lines of a text; a missing final newline is marked, so that it shows in diffs. */
export function textLines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  else all[all.length - 1] += ' <no newline at end>';
  return all;
}

function show(line: string | undefined): string {
  return line === undefined ? '<end of output>' : JSON.stringify(line);
}

/** What the two texts compared are (the expected one first). */
type Labels = readonly [string, string];
const NATIVE_SANDBOX: Labels = ['native', 'sandbox'];
const RECORDED_REPLAYED: Labels = ['recorded', 'replayed'];

/** The first differing line of two texts, as "line N: native X, sandbox Y". */
export function firstDifference(expected: string, actual: string, labels: Labels = NATIVE_SANDBOX): string {
  const a = textLines(expected);
  const b = textLines(actual);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `line ${i + 1}: ${labels[0]} ${show(a[i])}, ${labels[1]} ${show(b[i])}`;
}

/**
 * A unified diff (native -> sandbox) of two texts, with `context` lines of context, cut at
 * `maxLines` lines. LCS on the part between the common prefix and suffix (or a plain
 * replacement of it when that part is too long to align).
 */
export function unifiedDiff(expected: string, actual: string, context = 3, maxLines = 80, labels: Labels = NATIVE_SANDBOX): string {
  const a = textLines(expected);
  const b = textLines(actual);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ma = a.slice(pre, a.length - suf);
  const mb = b.slice(pre, b.length - suf);
  // ops over the whole texts: ' ' keep, '-' native only, '+' sandbox only.
  const ops: Array<[' ' | '-' | '+', string]> = a.slice(0, pre).map((l) => [' ', l] as [' ', string]);
  if (ma.length * mb.length <= 4_000_000) {
    const n = ma.length;
    const m = mb.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i]![j] = ma[i] === mb[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ma[i] === mb[j]) {
        ops.push([' ', ma[i]!]);
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
        ops.push(['-', ma[i++]!]);
      } else {
        ops.push(['+', mb[j++]!]);
      }
    }
  } else {
    for (const l of ma) ops.push(['-', l]);
    for (const l of mb) ops.push(['+', l]);
  }
  for (const l of a.slice(a.length - suf)) ops.push([' ', l]);

  // Hunks: runs of changes with `context` lines around them.
  const out: string[] = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let k = 0;
  let aLine = 1;
  let bLine = 1;
  const lineNos: Array<[number, number]> = ops.map(([op]) => {
    const here: [number, number] = [aLine, bLine];
    if (op !== '+') aLine++;
    if (op !== '-') bLine++;
    return here;
  });
  while (k < ops.length) {
    if (ops[k]![0] === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // Extend while the next change is within 2*context lines.
    for (;;) {
      while (end < ops.length && ops[end]![0] !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]![0] === ' ' && next - end < 2 * context) next++;
      if (next < ops.length && ops[next]![0] !== ' ') end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const [as, bs] = lineNos[start]!;
    const an = hunk.filter(([o]) => o !== '+').length;
    const bn = hunk.filter(([o]) => o !== '-').length;
    // As diff -u: an empty range is numbered by the line before it.
    out.push(`@@ -${an === 0 ? as - 1 : as},${an} +${bn === 0 ? bs - 1 : bs},${bn} @@`);
    for (const [op, l] of hunk) out.push(`${op}${l}`);
    k = stop;
  }
  if (out.length > maxLines + 2) return [...out.slice(0, maxLines + 2), `... [${out.length - maxLines - 2} more diff lines]`].join('\n');
  return out.join('\n');
}

function cut(text: string, max = 1500): string {
  return text.length > max ? `${text.slice(0, max)}...[${text.length - max} more chars]` : text;
}

/** Everything in which the sandboxed run differs from the native one. */
export function compareRuns(c: ConformanceCase, native: CaseRun, sandbox: CaseRun): Difference[] {
  const diffs: Difference[] = [];
  if (sandbox.raw.error || sandbox.raw.signal !== null) {
    const why = sandbox.raw.error ? sandbox.raw.error.message : `tsvisor was killed by ${sandbox.raw.signal}`;
    const timedOut = /ETIMEDOUT/.test(why);
    diffs.push({
      aspect: 'sandbox',
      first: timedOut ? `timed out after ${sandbox.ms} ms (native took ${native.ms} ms)` : why,
      detail: timedOut ? `timed out after ${sandbox.ms} ms (native took ${native.ms} ms)` : why,
    });
  }
  if (native.status !== sandbox.status) {
    diffs.push({
      aspect: 'status',
      first: `native ${native.status}, sandbox ${sandbox.status}`,
      detail: `native ${native.status}, sandbox ${sandbox.status}`,
    });
  }
  if (native.stdout !== sandbox.stdout) {
    diffs.push({ aspect: 'stdout', first: firstDifference(native.stdout, sandbox.stdout), detail: unifiedDiff(native.stdout, sandbox.stdout) });
  }
  if (c.stableStderr !== false && native.stderr !== sandbox.stderr) {
    diffs.push({ aspect: 'stderr', first: firstDifference(native.stderr, sandbox.stderr), detail: unifiedDiff(native.stderr, sandbox.stderr) });
  }
  if (c.listing !== false) {
    if (sandbox.listing === undefined) {
      diffs.push({ aspect: 'files', first: 'the sandboxed run printed no listing of its scratch directory', detail: 'no listing (the wrapper shell did not get that far)' });
    } else if (native.listing !== sandbox.listing) {
      diffs.push({ aspect: 'files', first: firstDifference(native.listing ?? '', sandbox.listing), detail: unifiedDiff(native.listing ?? '', sandbox.listing) });
    }
  }
  return diffs;
}

/** replay --exec's status when it reports a divergence. */
const REPLAY_DIVERGED = 3;

/**
 * Replays the recording of the sandboxed run: --verify must say OK; --exec (no stdin) must give
 * the recorded run's stdout and status, or, when `mayDiverge`, end with a divergence report.
 */
export function compareReplay(recorded: CaseRun, trace: string, timeoutMs: number, mayDiverge: boolean): Difference[] {
  const diffs: Difference[] = [];
  const verify = runTsvisor(['replay', trace, '--verify'], { timeoutMs });
  if (verify.status !== 0 || !/^verify: OK/m.test(verify.stdout)) {
    const first = verify.stdout.split('\n')[0] || verify.stderr.split('\n')[0] || `status ${verify.status}, signal ${verify.signal}`;
    diffs.push({ aspect: 'replay --verify', first, detail: `${first}\n${cut(verify.stdout)}\n${cut(verify.stderr)}` });
  }
  const again = runTsvisor(['replay', trace, '--exec'], { timeoutMs });
  const status = again.error ? null : shellStatus(again);
  const why = `replay --exec stderr:\n${cut(again.stderr) || '<empty>'}`;
  if (mayDiverge && status === REPLAY_DIVERGED && /^replay diverged /m.test(again.stderr)) return diffs;
  if (status !== recorded.status) {
    const first = `recorded ${recorded.status}, replayed ${status}${again.error ? ` (${again.error.message})` : ''}`;
    diffs.push({ aspect: 'replay --exec status', first, detail: `${first}\n${why}` });
  }
  if (again.stdout !== recorded.raw.stdout) {
    diffs.push({
      aspect: 'replay --exec stdout',
      first: firstDifference(recorded.raw.stdout, again.stdout, RECORDED_REPLAYED),
      detail: `${unifiedDiff(recorded.raw.stdout, again.stdout, 3, 80, RECORDED_REPLAYED)}\n${why}`,
    });
  }
  return diffs;
}

/**
 * TSVISOR_CONF_REPLAY_RUNS=N: N more recordings of the case, each replayed with --exec, which
 * must reproduce it (a divergence counts even for a case marked execReplayMayDiverge). The
 * sandbox's scratch directory is the same each time (its host copy never changes).
 */
function repeatRecordReplay(suite: string, c: ConformanceCase, dirs: CaseDirs, timeoutMs: number): Difference[] {
  const runs = Number(process.env.TSVISOR_CONF_REPLAY_RUNS ?? 0);
  const failed: string[] = [];
  for (let i = 1; i <= runs; i++) {
    const trace = join(dirs.base, `repeat-${i}.trace`);
    const recorded = runCaseSandbox(c, dirs.sandbox, timeoutMs, trace);
    if (recorded.raw.error || recorded.raw.signal !== null) {
      failed.push(`run ${i}: the recorded run did not finish (${recorded.raw.error?.message ?? `signal ${recorded.raw.signal}`})`);
      continue;
    }
    const diffs = compareReplay(recorded, trace, timeoutMs, false);
    report({ suite, name: c.name, replayRun: i, ok: diffs.length === 0, diffs: diffs.map((d) => ({ aspect: d.aspect, first: d.first, detail: cut(d.detail, 2000) })) });
    if (diffs.length > 0) failed.push(`run ${i}: ${diffs.map((d) => `${d.aspect}: ${d.first}`).join('; ')}`);
    else rmSync(trace, { force: true });
  }
  if (failed.length === 0) return [];
  const first = `${failed.length} of ${runs} repeated recordings did not replay as recorded`;
  return [{ aspect: 'repeated record and replay --exec', first, detail: `${first}:\n${failed.join('\n')}` }];
}

/** The failure message of a case. */
export function describeFailure(c: ConformanceCase, dirs: CaseDirs, native: CaseRun, sandbox: CaseRun, diffs: readonly Difference[]): string {
  const parts = [
    `case "${c.name}": the sandboxed run differs from the native one in ${diffs.map((d) => d.aspect).join(', ')}`,
    `command: ${c.cmd}`,
    ...diffs.map((d) => (d.detail === d.first ? `== ${d.aspect}: ${d.first}` : `== ${d.aspect}: ${d.first}\n${d.detail}`)),
  ];
  if (!diffs.some((d) => d.aspect === 'stderr')) parts.push(`== sandbox stderr (${sandbox.ms} ms):\n${cut(sandbox.raw.stderr) || '<empty>'}`);
  if (c.stableStderr === false) parts.push(`== native stderr (not compared):\n${cut(native.raw.stderr) || '<empty>'}`);
  parts.push(process.env.TSVISOR_CONF_KEEP ? `scratch directories kept in ${dirs.base}` : '(TSVISOR_CONF_KEEP=1 keeps the scratch directories)');
  return parts.join('\n');
}

function report(record: object): void {
  const file = process.env.TSVISOR_CONF_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Runs one case both ways; throws an Error with a readable diff if they differ. */
export function checkCase(suite: string, c: ConformanceCase): void {
  const dirs = makeCaseDirs(c);
  let keep = Boolean(process.env.TSVISOR_CONF_KEEP);
  try {
    const native = runCaseNative(c, dirs.native);
    if (native.raw.error || native.status === null || native.listing === undefined) {
      keep = true;
      throw new Error(
        `case "${c.name}" failed to run natively (the case is broken, not tsvisor): ` +
          `${native.raw.error?.message ?? `status ${native.status}`}\n${cut(native.raw.stdout)}\n${cut(native.raw.stderr)}\nkept in ${dirs.base}`,
      );
    }
    if (process.env.TSVISOR_CONF_CHECK_NATIVE || process.env.TSVISOR_CONF_NATIVE_ONLY) {
      const again = makeCaseDirs(c);
      try {
        const second = runCaseNative(c, again.native);
        const d = compareRuns(c, native, second);
        if (d.length > 0) throw new Error(`case "${c.name}" is not deterministic natively:\n${d.map((x) => `== ${x.aspect}: ${x.first}\n${x.detail}`).join('\n')}`);
      } finally {
        rmSync(again.base, { recursive: true, force: true });
      }
    }
    if (process.env.TSVISOR_CONF_NATIVE_ONLY) {
      report({ suite, name: c.name, nativeMs: native.ms, status: native.status, stdout: native.stdout, stderr: native.stderr, listing: native.listing });
      return;
    }
    const hostBefore = [...snapshotTree(dirs.sandbox.scratch), '--tmp', ...snapshotTree(dirs.sandbox.tmp)];
    const trace = join(dirs.base, 'sandbox.trace');
    const timeoutMs = sandboxTimeout(c, native.ms);
    const sandbox = runCaseSandbox(c, dirs.sandbox, timeoutMs, trace);
    const diffs = compareRuns(c, native, sandbox);
    const replayStarted = Date.now();
    // A run tsvisor did not finish left no whole recording: that is reported above.
    if (!sandbox.raw.error && sandbox.raw.signal === null) diffs.push(...compareReplay(sandbox, trace, timeoutMs, c.execReplayMayDiverge !== undefined));
    const replayMs = Date.now() - replayStarted;
    diffs.push(...repeatRecordReplay(suite, c, dirs, timeoutMs));
    const hostAfter = [...snapshotTree(dirs.sandbox.scratch), '--tmp', ...snapshotTree(dirs.sandbox.tmp)];
    if (hostBefore.join('\n') !== hostAfter.join('\n')) {
      const b = `${hostBefore.join('\n')}\n`;
      const a = `${hostAfter.join('\n')}\n`;
      diffs.push({ aspect: 'host', first: `the sandbox changed the host's copy of its scratch directory: ${firstDifference(b, a)}`, detail: unifiedDiff(b, a) });
    }
    report({
      suite,
      name: c.name,
      ok: diffs.length === 0,
      nativeMs: native.ms,
      sandboxMs: sandbox.ms,
      replayMs,
      diffs: diffs.map((d) => ({ aspect: d.aspect, first: d.first })),
      sandboxStderr: cut(sandbox.raw.stderr, 400),
    });
    if (diffs.length > 0) {
      const err = new Error(describeFailure(c, dirs, native, sandbox, diffs));
      err.stack = `Error: ${err.message}`; // the harness's own frames say nothing about the case
      throw err;
    }
  } finally {
    if (!keep) rmSync(dirs.base, { recursive: true, force: true });
  }
}

/** Declares a mocha suite with one `it` per case; a case whose programs are missing is pending, with the reason in its title. */
export function conformanceSuite(title: string, cases: readonly ConformanceCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`conformance suite ${title}: two cases named "${c.name}"`);
    names.add(c.name);
  }
  describe(`conformance: ${title}`, function () {
    for (const c of cases) {
      const missing = missingNeeds(c);
      if (missing !== undefined) {
        report({ suite: title, name: c.name, ok: null, pending: missing });
        it(`${c.name} [pending: ${missing}]`);
        continue;
      }
      const named = c.execReplayMayDiverge === undefined ? c.name : `${c.name} [replay --exec may diverge: ${c.execReplayMayDiverge}]`;
      it(named, function () {
        // The native run(s), then the sandboxed run, replay --verify and replay --exec.
        const recordings = 1 + Number(process.env.TSVISOR_CONF_REPLAY_RUNS ?? 0);
        this.timeout(NATIVE_TIMEOUT_MS * (process.env.TSVISOR_CONF_CHECK_NATIVE ? 2 : 1) + 3 * recordings * (c.timeoutMs ?? MAX_SANDBOX_TIMEOUT_MS) + 10_000);
        checkCase(title, c);
      });
    }
  });
}
