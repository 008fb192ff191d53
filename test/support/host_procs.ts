// The host processes of a sandbox: running tsvisor while watching the processes below it (and
// its own memory), and finding those left behind once it is done.

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

import { DEFAULT_TIMEOUT_MS, TSVISOR_BIN, testEnv, tsvisorArgs, type RunResult, type SandboxOptions } from './run.js';

export interface HostProc {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** Start time, in clock ticks since boot (/proc/PID/stat field 22). */
  readonly start: number;
  readonly state: string;
}

export function readProc(pid: number): HostProc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const rest = stat.slice(close + 2).split(' ');
    // rest[0] is field 3 (state), so field N is rest[N - 3].
    return { pid, ppid: Number(rest[1]), comm, start: Number(rest[19]), state: rest[0]! };
  } catch {
    return undefined; // gone meanwhile
  }
}

export function hostProcs(): Map<number, HostProc> {
  const all = new Map<number, HostProc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) all.set(p.pid, p);
  }
  return all;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Clock ticks since boot now (USER_HZ is 100 on x86-64). */
export function ticksNow(): number {
  return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100);
}

const SANDBOX_COMMS = new Set(['tsvisor_stub', 'tsvisor-init']);

/**
 * Processes named like a sandbox's (tsvisor_stub, tsvisor-init), started at or after `since`,
 * that no running tsvisor owns any more: no ancestor other than sandbox processes is a process
 * whose command line mentions tsvisor (other tests' sandboxes running meanwhile are theirs).
 */
export function orphanedSandboxProcs(since: number): HostProc[] {
  const all = hostProcs();
  const owned = (p: HostProc): boolean => {
    for (let q = all.get(p.ppid); q !== undefined; q = all.get(q.ppid)) {
      if (!SANDBOX_COMMS.has(q.comm) && /tsvisor/.test(cmdline(q.pid))) return true;
      if (q.pid === 1) return false;
    }
    return false;
  };
  return [...all.values()].filter((p) => SANDBOX_COMMS.has(p.comm) && p.start >= since - 1 && !owned(p));
}

export interface Watched {
  readonly result: RunResult;
  /** Every host process seen below tsvisor while it ran, by pid (with its start time). */
  readonly descendants: Map<number, HostProc>;
  /** The largest resident set of tsvisor's own process (the kernel's node) seen, in KiB. */
  readonly maxRssKib: number;
}

/** Options of runWatched beyond the sandbox's: how often to look at the host's processes. */
export interface WatchOptions extends SandboxOptions {
  /** Milliseconds between two samples (default 20). */
  readonly sampleMs?: number;
}

/** VmRSS of a host process in KiB (0 if it is gone). */
function rssKib(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs tsvisor with these arguments, sampling its host descendants while it runs. */
export function runWatched(argv: readonly string[], opts: WatchOptions = {}): Promise<Watched> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [TSVISOR_BIN, ...tsvisorArgs(argv, opts)], {
      env: opts.env ?? testEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const descendants = new Map<number, HostProc>();
    const root = child.pid;
    let maxRssKib = 0;
    const sample = (): void => {
      if (root === undefined) return;
      maxRssKib = Math.max(maxRssKib, rssKib(root));
      const all = hostProcs();
      const below = (p: HostProc): boolean => {
        for (let q: HostProc | undefined = p; q !== undefined && q.pid > 1; q = all.get(q.ppid)) {
          if (q.ppid === root) return true;
        }
        return false;
      };
      for (const p of all.values()) if (below(p)) descendants.set(p.pid, p);
    };
    const sampler = setInterval(sample, opts.sampleMs ?? 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let error: Error | undefined;
    child.on('error', (err) => (error = err));
    child.on('close', (status, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      resolvePromise({
        result: { status, signal, stdout, stderr, ...(error ? { error } : {}) },
        descendants,
        maxRssKib,
      });
    });
  });
}

/**
 * The processes seen below a tsvisor run that still exist, and orphaned sandbox processes
 * started since `since`, once none is left or 3 s have passed: one line per process.
 */
export async function leftoverProcs(w: Watched, since: number): Promise<{ left: string[]; orphans: string[] }> {
  const alive = (): HostProc[] =>
    [...w.descendants.values()].filter((p) => {
      const now = readProc(p.pid);
      return now !== undefined && now.start === p.start;
    });
  let left = alive();
  let orphans = orphanedSandboxProcs(since);
  for (let i = 0; i < 30 && (left.length > 0 || orphans.length > 0); i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = alive();
    orphans = orphanedSandboxProcs(since);
  }
  const show = (ps: HostProc[]): string[] => ps.map((p) => `${p.pid} ${p.comm} (${p.state}), parent ${p.ppid}`);
  return { left: show(left), orphans: show(orphans) };
}
