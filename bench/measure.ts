// Timing primitives for the bench: run one command, time it, summarize samples.
// Nothing here asserts anything about times: the bench reports, it never tests.

import { spawnSync } from 'node:child_process';

/** Median, minimum and maximum of a set of samples, plus how many there were. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number;
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error('stats of no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: sorted.length };
}

/** The outcome of one timed run. `ok` means exit status 0. */
export interface RunResult {
  ok: boolean;
  /** Wall time of the whole run (spawn to reap), in seconds. */
  seconds: number;
  /** Why it failed, in one line ("exit 125: tsvisor: ...", "timeout after 60 s"). */
  failure?: string;
}

export interface RunOptions {
  /** Kill the command after this many seconds. */
  timeoutSeconds: number;
  /** Signal used on timeout (runsc wants SIGTERM so it can tear its sandbox down). */
  killSignal?: NodeJS.Signals;
  /** Capture stdout and stderr instead of sending them to /dev/null (probes only). */
  capture?: boolean;
  cwd?: string;
}

export interface ProbeResult extends RunResult {
  stdout: string;
  stderr: string;
}

/**
 * The first line of stderr that says something. A Node.js crash starts with a source
 * location ("node:internal/...:283", "/path/file.js:12"): then the "XxxError: ..." line
 * that follows it is the one worth showing.
 */
function firstLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  let line = lines[0];
  if (line !== undefined && /^(node:\S+|file:\S+|\/\S+\.[cm]?js):\d+$/.test(line)) {
    line = lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? line;
  }
  return line === undefined ? '' : line.slice(0, 200);
}

function describeFailure(
  status: number | null,
  signal: NodeJS.Signals | null,
  error: Error | undefined,
  stderr: string,
  timeoutSeconds: number,
): string {
  const code = error === undefined ? undefined : (error as NodeJS.ErrnoException).code;
  if (code === 'ETIMEDOUT') return `timeout after ${timeoutSeconds} s`;
  if (error !== undefined) return `could not start: ${error.message}`;
  const what = signal !== null ? `killed by ${signal}` : `exit ${status}`;
  const line = firstLine(stderr);
  return line === '' ? what : `${what}: ${line}`;
}

/** Runs argv once, timing it with process.hrtime.bigint. */
export function timeRun(argv: readonly string[], opts: RunOptions): ProbeResult {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('empty command');
  const capture = opts.capture === true;
  const start = process.hrtime.bigint();
  const r = spawnSync(file, args, {
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'ignore', 'ignore'],
    timeout: opts.timeoutSeconds * 1000,
    killSignal: opts.killSignal ?? 'SIGKILL',
    cwd: opts.cwd,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const ok = r.error === undefined && r.status === 0;
  const result: ProbeResult = { ok, seconds, stdout, stderr };
  if (!ok) result.failure = describeFailure(r.status, r.signal, r.error, stderr, opts.timeoutSeconds);
  return result;
}

/**
 * Runs argv once with output to /dev/null; when it fails, runs it once more with
 * stderr captured, only to say why in one line.
 */
export function timeRunQuiet(argv: readonly string[], opts: RunOptions): RunResult {
  const r = timeRun(argv, { ...opts, capture: false });
  if (r.ok) return { ok: true, seconds: r.seconds };
  if (r.failure?.startsWith('timeout') === true) return r;
  const again = timeRun(argv, { ...opts, capture: true });
  return { ok: false, seconds: r.seconds, failure: again.failure ?? r.failure ?? 'failed' };
}

/** Thrown inside a measurement when a run of the peer fails; caught per peer and mode. */
export class PeerFailure extends Error {}

export function mustRun(argv: readonly string[], opts: RunOptions): number {
  const r = timeRunQuiet(argv, opts);
  if (!r.ok) throw new PeerFailure(r.failure ?? 'failed');
  return r.seconds;
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Rounds a loop count to two significant digits, so reports show N=6600, not N=6637. */
export function roundCount(n: number): number {
  if (n < 100) return Math.max(1, Math.round(n));
  const p = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / p) * p;
}
