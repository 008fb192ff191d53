// Running a command natively and under `tsvisor run`, and comparing the two.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from './programs.js';

/** The tsvisor entry point run by `node`; TSVISOR_TEST_BIN overrides it (to test another build). */
export const TSVISOR_BIN = process.env.TSVISOR_TEST_BIN ?? join(REPO_ROOT, 'bin', 'tsvisor.js');
/**
 * TSVISOR_TEST_LAUNCHER=1: runSandbox and runTsvisor start tsvisor through its launcher,
 * build/Release/tsvisor (node from the start-up snapshot), as the bench and users do.
 */
const LAUNCHER = process.env.TSVISOR_TEST_LAUNCHER === '1' ? join(REPO_ROOT, 'build', 'Release', 'tsvisor') : undefined;
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RunOptions {
  /** Data for stdin; stdin is a pipe that is closed after it (default: empty). */
  readonly input?: string | Buffer;
  /** The environment (default: testEnv()). For the sandbox, this is tsvisor's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** The host working directory of the process (native) or of tsvisor (sandbox). */
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

export interface SandboxOptions extends RunOptions {
  /** `--rootfs DIR`. */
  readonly rootfs?: string;
  /** `--cwd DIR` (a path inside the sandbox). */
  readonly sandboxCwd?: string;
  /** `--env K=V` options, in order. */
  readonly setEnv?: readonly string[];
  /** `--strace`. */
  readonly strace?: boolean;
  /** More options for `run`, placed before `--`. */
  readonly extraArgs?: readonly string[];
}

export interface RunResult {
  /** The exit status, or null if killed by a signal. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the process could not be started or timed out. */
  readonly error?: Error;
}

/** A small, fixed environment, so native and sandboxed runs see the same one. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C',
    LC_ALL: 'C',
    ...extra,
  };
}

function run(file: string, args: readonly string[], opts: RunOptions): RunResult {
  const r = spawnSync(file, args, {
    input: opts.input ?? '',
    env: opts.env ?? testEnv(),
    cwd: opts.cwd,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    ...(r.error ? { error: r.error } : {}),
  };
}

/** Runs argv directly on the host. */
export function runNative(argv: readonly string[], opts: RunOptions = {}): RunResult {
  if (argv.length === 0) throw new Error('runNative: empty argv');
  return run(argv[0]!, argv.slice(1), opts);
}

/** The arguments of `tsvisor` for running argv with these options. */
export function tsvisorArgs(argv: readonly string[], opts: SandboxOptions = {}): string[] {
  const args = ['run'];
  if (opts.rootfs !== undefined) args.push('--rootfs', opts.rootfs);
  if (opts.sandboxCwd !== undefined) args.push('--cwd', opts.sandboxCwd);
  for (const kv of opts.setEnv ?? []) args.push('--env', kv);
  if (opts.strace) args.push('--strace');
  args.push(...(opts.extraArgs ?? []), '--', ...argv);
  return args;
}

/** Runs `node bin/tsvisor.js run [options] -- argv...`. */
export function runSandbox(argv: readonly string[], opts: SandboxOptions = {}): RunResult {
  return runTsvisor(tsvisorArgs(argv, opts), opts);
}

/** Runs `node bin/tsvisor.js ARGS...` as given (for the CLI's own error paths). */
export function runTsvisor(args: readonly string[], opts: RunOptions = {}): RunResult {
  return LAUNCHER === undefined ? run(process.execPath, [TSVISOR_BIN, ...args], opts) : run(LAUNCHER, args, opts);
}

/** The status a shell would report: the exit status, or 128 + N when killed by signal N. */
export function shellStatus(r: RunResult): number | null {
  if (r.status !== null) return r.status;
  if (r.signal !== null) return 128 + constants.signals[r.signal];
  return null;
}

/** The lines of a text, without the empty last one a final newline leaves. */
export function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  return all;
}

/** A summary of a run for assertion messages. */
export function summarize(r: RunResult): string {
  const cut = (s: string): string => (s.length > 2000 ? `${s.slice(0, 2000)}...[${s.length - 2000} more]` : s);
  return (
    `status ${r.status}, signal ${r.signal}${r.error ? `, error ${r.error.message}` : ''}\n` +
    `--- stdout ---\n${cut(r.stdout)}\n--- stderr ---\n${cut(r.stderr)}`
  );
}

/** Asserts that stderr holds no JavaScript stack trace. */
export function expectNoStackTrace(r: RunResult): void {
  const frames = lines(r.stderr).filter((l) => /^\s+at /.test(l));
  expect(frames, `stack trace on stderr:\n${summarize(r)}`).to.deep.equal([]);
}

/** Asserts that stderr is exactly one line starting with `tsvisor: ` (an error report). */
export function expectOneLineError(r: RunResult): string {
  const errLines = lines(r.stderr);
  expect(errLines, `expected one line on stderr:\n${summarize(r)}`).to.have.lengthOf(1);
  expect(errLines[0], summarize(r)).to.match(/^tsvisor: \S/);
  return errLines[0]!;
}

export interface Comparison {
  readonly native: RunResult;
  readonly sandbox: RunResult;
}

/**
 * Runs argv natively and in the sandbox (same stdin, environment and working directory) and
 * asserts the same stdout and the same status, where a native death by signal N must be exit
 * status 128 + N from tsvisor.
 */
export function compareWithNative(argv: readonly string[], opts: SandboxOptions = {}): Comparison {
  return compareWithNativeEach(() => argv, opts);
}

/** Where a command runs: natively or in the sandbox. */
export type Side = 'native' | 'sandbox';

/**
 * As compareWithNative, with an argv per side: for programs that write into a directory
 * given as an argument, each side gets a fresh one (so the sandbox run does not see the
 * files of the native run). Their output must not depend on the argument.
 */
export function compareWithNativeEach(
  argvFor: (side: Side) => readonly string[],
  opts: SandboxOptions = {},
): Comparison {
  const nativeArgv = argvFor('native');
  const native = runNative(nativeArgv, opts);
  expect(native.error, `native run of ${nativeArgv.join(' ')} failed: ${summarize(native)}`).to.equal(undefined);
  const argv = argvFor('sandbox');
  const sandbox = runSandbox(argv, opts);
  const what = `${argv.join(' ')} in the sandbox:\n${summarize(sandbox)}`;
  expect(sandbox.error, what).to.equal(undefined);
  expect(sandbox.stdout, `stdout of ${what}`).to.equal(native.stdout);
  expect(sandbox.signal, `tsvisor itself died of a signal: ${what}`).to.equal(null);
  expect(sandbox.status, `status of ${what}\nnative: ${summarize(native)}`).to.equal(shellStatus(native));
  expectNoStackTrace(sandbox);
  return { native, sandbox };
}
