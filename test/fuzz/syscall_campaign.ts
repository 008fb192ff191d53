// Runs test/programs/fuzz_syscalls in the sandbox over a range of seeds and checks what the
// sandbox must hold whatever the program does (docs/fuzzing.md): tsvisor neither dies, nor
// hangs, nor prints an internal error or a stack trace; every batch of calls ends (SIGKILL
// always works); no host file outside the sandbox's one read-write mount is made or changed;
// no host process of the sandbox outlives it; tsvisor's own memory stays bounded.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { leftoverProcs, runWatched, ticksNow } from '../support/host_procs.js';
import { programPath, type Linkage } from '../support/programs.js';
import { lines, summarize } from '../support/run.js';

export interface SyscallCampaignOptions {
  readonly first: number;
  readonly last: number;
  /** Raw syscalls per seed. */
  readonly calls: number;
  readonly linkage: Linkage;
  /** Seeds per sandbox run: a finding names the run's seeds, and a run that dies loses only them. */
  readonly seedsPerRun: number;
  /** `--user UID:GID` for the sandbox (default: root inside), for the permission checks' paths. */
  readonly user?: string;
  /** Called with a line of progress after each run. */
  readonly progress?: (line: string) => void;
}

/** Something the sandbox must never do, seen in one run. */
export interface Finding {
  readonly seeds: string;
  readonly what: string;
  readonly detail: string;
  /** The command that runs these seeds again (from the repository's root). */
  readonly reproduce: string;
}

export interface SyscallCampaignResult {
  readonly runs: number;
  readonly seeds: number;
  /** Syscalls made, as the fuzzer counted them. */
  readonly calls: number;
  /** How batches ended ("exit 0", "signal 11", "timeout"...) and how often. */
  readonly endings: ReadonlyMap<string, number>;
  /** Syscalls that were reported unsupported, by name. */
  readonly unsupported: ReadonlySet<string>;
  /** The largest resident set of tsvisor's process seen, in KiB. */
  readonly maxRssKib: number;
  readonly findings: readonly Finding[];
}

/** tsvisor's own memory may not pass this whatever the program does (it is ~100 MiB at rest). */
export const RSS_LIMIT_KIB = 1024 * 1024;

const UNSUPPORTED_LINE = /^tsvisor: unsupported syscall (\S+) \(-?\d+\)$/;
const BATCH_LINE = /^seed (\d+): calls (\d+), (exit \d+|signal \d+|timeout)( after .*)?$/;

/** Host paths the fuzzer names that must not appear on the host (they exist in the sandbox only). */
const HOST_PATHS_NEVER_MADE: readonly Buffer[] = ['/tmp/fz', '/dev/shm/f', '/a\xffb'].map((p) => Buffer.from(p, 'latin1'));

/** A digest of a directory tree: names, types, modes, sizes, mtimes and contents. */
function treeDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${p} ${st.mode} ${st.size} ${st.mtimeMs} ${st.uid}\n`);
      if (st.isFile()) h.update(readFileSync(p));
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return h.digest('hex');
}

/** What the host looks like where a sandbox escape would show. */
function hostView(marker: string): string {
  const rootNames = readdirSync('/').sort().join(' ');
  const passwd = lstatSync('/etc/passwd');
  const made = HOST_PATHS_NEVER_MADE.filter((p) => existsSync(p))
    .map((p) => p.toString('latin1'))
    .join(' ');
  return `${treeDigest(marker)}\n/: ${rootNames}\n/etc/passwd: ${passwd.mtimeMs} ${passwd.size}\nmade: ${made}`;
}

/** Runs the fuzzer over seeds first..last in the sandbox, in runs of seedsPerRun seeds. */
export async function runSyscallCampaign(opts: SyscallCampaignOptions): Promise<SyscallCampaignResult> {
  const prog = programPath('fuzz_syscalls', opts.linkage);
  const scratch = mkdtempSync(join(tmpdir(), 'tsvisor-fuzz-'));
  const marker = join(scratch, 'marker');
  const rw = join(scratch, 'rw');
  mkdirSync(join(marker, 'd'), { recursive: true });
  writeFileSync(join(marker, 'file'), 'the sandbox may read this, never change it\n');
  const endings = new Map<string, number>();
  const unsupported = new Set<string>();
  const findings: Finding[] = [];
  let runs = 0;
  let calls = 0;
  let maxRssKib = 0;
  try {
    for (let from = opts.first; from <= opts.last; from += opts.seedsPerRun) {
      const to = Math.min(opts.last, from + opts.seedsPerRun - 1);
      rmSync(rw, { recursive: true, force: true });
      mkdirSync(rw);
      const before = hostView(marker);
      const mounts = ['--mount', `${marker}:/srv:ro`, '--mount', `${rw}:/media:rw`];
      const args = [...mounts, '--memory', '1g', '--cwd', '/', ...(opts.user ? ['--user', opts.user] : [])];
      const argv = [prog, String(from), String(to), String(opts.calls)];
      const seeds = from === to ? `${from}` : `${from}..${to}`;
      const reproduce = `node bin/tsvisor.js run ${args.join(' ')} -- ${argv.join(' ')}`.replaceAll(scratch, 'SCRATCH');
      const found = (what: string, detail: string): void => void findings.push({ seeds, what, detail, reproduce });
      // The fuzzer's own deadline per batch is 2 s + 10 ms a call; a minute more for start-up.
      const timeoutMs = 60_000 + (to - from + 1) * (3_000 + 10 * opts.calls) * 2;
      const since = ticksNow();
      const w = await runWatched(argv, { extraArgs: args, timeoutMs, sampleMs: 100 });
      runs++;
      const r = w.result;
      maxRssKib = Math.max(maxRssKib, w.maxRssKib);
      if (r.error) found('tsvisor did not finish', summarize(r));
      else if (r.signal !== null) found(`tsvisor died of ${r.signal}`, summarize(r));
      else if (r.status !== 0) found(`exit status ${r.status}`, summarize(r));
      for (const l of lines(r.stderr)) {
        const m = UNSUPPORTED_LINE.exec(l);
        if (m) unsupported.add(m[1]!);
        else found('unexpected line on stderr', l);
      }
      const seen = new Set<number>();
      for (const l of lines(r.stdout)) {
        const m = BATCH_LINE.exec(l);
        if (m) {
          seen.add(Number(m[1]));
          calls += Number(m[2]);
          endings.set(m[3]!, (endings.get(m[3]!) ?? 0) + 1);
        } else if (!/^total calls: \d+$/.test(l)) {
          found('unexpected line on stdout', l);
        }
      }
      const missing = [];
      for (let s = from; s <= to; s++) if (!seen.has(s)) missing.push(s);
      if (missing.length > 0 && findings.every((f) => f.seeds !== seeds)) found('seeds without a result', missing.join(' '));
      const { left, orphans } = await leftoverProcs(w, since);
      if (left.length > 0) found('host processes of the sandbox left', left.join('\n'));
      if (orphans.length > 0) found('orphaned sandbox processes', orphans.join('\n'));
      const after = hostView(marker);
      if (after !== before) found('the host changed', `before:\n${before}\nafter:\n${after}`);
      if (w.maxRssKib > RSS_LIMIT_KIB) found('tsvisor grew past its memory bound', `${w.maxRssKib} KiB`);
      opts.progress?.(
        `seeds ${seeds}: status ${r.status ?? r.signal}, ${findings.filter((f) => f.seeds === seeds).length} findings, rss ${Math.round(w.maxRssKib / 1024)} MiB`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { runs, seeds: opts.last - opts.first + 1, calls, endings, unsupported, maxRssKib, findings };
}
