// Fuzzing the files tsvisor reads from outside (docs/fuzzing.md): a recorded trace for
// `trace show`, `trace stats` and `replay`, a checkpoint image for `restore`, an OCI bundle's
// config.json for `tsvisor-runc run`. Each is mutated (bit flips, truncations, overwritten and
// removed ranges, and for JSON and CBOR a value replaced by one of another type; an image's
// checksums are fixed up half the time, so the decoders behind them see the damage) and the
// command must answer like a program: succeed, or say what is wrong in one line. Never a stack
// trace, an internal error, a death by a signal or a hang.

import { decode, encode } from 'cbor-x';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

import { orphanedSandboxProcs, ticksNow } from '../support/host_procs.js';
import { RUNC_BIN, makeBundle, makeRootfs, missingBusybox } from '../support/oci.js';
import { REPO_ROOT } from '../support/programs.js';
import { TSVISOR_BIN, lines, testEnv, type RunResult } from '../support/run.js';
import type { Finding } from './syscall_campaign.js';

export interface FileInputOptions {
  /** Mutated inputs per target. */
  readonly perTarget: number;
  readonly seed: number;
  readonly progress?: (line: string) => void;
}

export interface FileInputResult {
  /** Commands run, by target. */
  readonly cases: ReadonlyMap<string, number>;
  readonly findings: readonly Finding[];
}

/** A deterministic source of random numbers (mulberry32). */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/** One of the byte-level mutations, and what it did. */
export function mutateBytes(data: Buffer, rnd: Random): { data: Buffer; how: string } {
  const out = Buffer.from(data);
  const at = (): number => rnd.below(Math.max(1, out.length));
  switch (rnd.below(5)) {
    case 0: {
      const n = 1 + rnd.below(8);
      const bits: number[] = [];
      for (let i = 0; i < n && out.length > 0; i++) {
        const bit = rnd.below(out.length * 8);
        out[bit >> 3]! ^= 1 << (bit & 7);
        bits.push(bit);
      }
      return { data: out, how: `bits ${bits.join(',')} flipped` };
    }
    case 1: {
      const len = at();
      return { data: out.subarray(0, len), how: `truncated to ${len} bytes` };
    }
    case 2: {
      const from = at();
      const len = Math.min(1 + rnd.below(64), out.length - from);
      const byte = rnd.pick([0x00, 0xff, 0x7f, 0x80, rnd.below(256)]);
      if (len > 0) out.fill(byte, from, from + len);
      return { data: out, how: `bytes ${from}..${from + len} set to ${byte}` };
    }
    case 3: {
      const from = at();
      const len = 1 + rnd.below(256);
      return { data: Buffer.concat([out.subarray(0, from), out.subarray(from + len)]), how: `bytes ${from}..${from + len} removed` };
    }
    default: {
      const from = at();
      const len = 1 + rnd.below(256);
      const chunk = out.subarray(from, from + len);
      return { data: Buffer.concat([out.subarray(0, from), chunk, out.subarray(from)]), how: `bytes ${from}..${from + len} repeated` };
    }
  }
}

const ODD_VALUES: readonly unknown[] = [
  null, -1, 0, 2 ** 53, -(2 ** 63), 1.5, Number.MAX_VALUE, '', 'x'.repeat(5000), '../../etc/passwd', '\u0000', [], {}, true,
  [null], { a: 1 }, 4294967296,
];

/** Replaces one value anywhere in a JSON-like tree by one of another kind, or deletes it. */
export function mutateValue(tree: unknown, rnd: Random): { tree: unknown; how: string } {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk(tree, []);
  const path = rnd.pick(paths.filter((p) => p.length > 0));
  if (path === undefined) return { tree: rnd.pick(ODD_VALUES), how: 'the whole value replaced' };
  let parent = tree as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const name = path.join('.');
  if (rnd.below(5) === 0 && !Array.isArray(parent)) {
    delete parent[key];
    return { tree, how: `${name} deleted` };
  }
  const value = rnd.pick(ODD_VALUES);
  parent[key] = value;
  return { tree, how: `${name} = ${JSON.stringify(value)?.slice(0, 40)}` };
}

/** Runs a command with a timeout, its stdout and stderr in files (a container keeps pipes open). */
function run(file: string, args: readonly string[], timeoutMs: number, cwd?: string): RunResult {
  const r = spawnSync(file, args, {
    env: testEnv(),
    encoding: 'utf8',
    input: '',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    ...(cwd ? { cwd } : {}),
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error } : {}) };
}

/** What is wrong with how a command answered a damaged input (undefined: nothing). */
export function badAnswer(r: RunResult, prefix: RegExp): string | undefined {
  if (r.error) return `did not finish: ${r.error.message}`;
  if (r.signal !== null) return `died of ${r.signal}`;
  const errLines = lines(r.stderr);
  if (errLines.some((l) => /^\s+at /.test(l))) return 'a stack trace';
  if (/internal error/i.test(r.stderr)) return 'an internal error';
  if (errLines.length > 1) return `${errLines.length} lines on stderr`;
  if (errLines.length === 1 && !prefix.test(errLines[0]!)) return 'an error line without the command\'s prefix';
  if (r.status !== 0 && errLines.length === 0) return `status ${r.status} without a word`;
  return undefined;
}

const TSVISOR_ERROR = /^tsvisor: \S/;

/** Runs the file-input targets; each finding holds the damaged input's description. */
export async function runFileInputCampaign(opts: FileInputOptions): Promise<FileInputResult> {
  const work = mkdtempSync(join(tmpdir(), 'tsvisor-fuzz-files-'));
  const cases = new Map<string, number>();
  const findings: Finding[] = [];
  const count = (target: string): void => void cases.set(target, (cases.get(target) ?? 0) + 1);
  const found = (target: string, how: string, what: string, r: RunResult, reproduce: string): void =>
    void findings.push({
      seeds: `${target} #${opts.seed}`,
      what: `${target}: ${what}`,
      detail: `${how}\nstatus ${r.status}, signal ${r.signal}\n--- stderr ---\n${r.stderr.slice(0, 3000)}`,
      reproduce,
    });
  try {
    await fuzzTraces(work, opts, count, found);
    await fuzzImages(work, opts, count, found);
    fuzzOciConfig(work, opts, count, found);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { cases, findings };
}

type Found = (target: string, how: string, what: string, r: RunResult, reproduce: string) => void;

/** A recorded trace (of a shell making files, a pipe and a failing ls), mutated. */
async function fuzzTraces(work: string, opts: FileInputOptions, count: (t: string) => void, found: Found): Promise<void> {
  const trace = join(work, 'run.trace');
  const script = 'echo hi > /tmp/x; cat /tmp/x; ls /nonexistent; true | cat';
  const rec = run(globalThis.process.execPath, [TSVISOR_BIN, 'run', '--record', trace, '--', '/bin/sh', '-c', script], 60_000);
  if (rec.error || rec.signal !== null) throw new Error(`cannot record a trace: ${rec.stderr}`);
  const original = readFileSync(trace);
  const rnd = new Random(opts.seed);
  const commands: readonly (readonly string[])[] = [
    ['trace', 'show'],
    ['trace', 'stats'],
    ['replay', '--verify'],
    ['replay', '--explain'],
    ['replay', '--state', 'all'],
  ];
  const damaged = join(work, 'damaged.trace');
  for (let i = 0; i < opts.perTarget; i++) {
    const { data, how } = mutateBytes(original, rnd);
    writeFileSync(damaged, data);
    const cmd = rnd.pick(commands);
    const args = cmd[0] === 'trace' ? [...cmd, damaged] : ['replay', damaged, ...cmd.slice(1)];
    const r = run(globalThis.process.execPath, [TSVISOR_BIN, ...args], 60_000);
    count(`${cmd.join(' ')}`);
    // A trace whose damage the reader does not see replays to a different state: --verify
    // says so on stdout and exits 1.
    const mismatch = cmd[1] === '--verify' && r.status === 1 && r.stderr === '' && /^verify: MISMATCH: /m.test(r.stdout);
    const bad = mismatch ? undefined : badAnswer(r, TSVISOR_ERROR);
    if (bad !== undefined) {
      const keep = join(tmpdir(), `tsvisor-fuzz-trace-${opts.seed}-${i}.trace`);
      writeFileSync(keep, data);
      found(`tsvisor ${cmd.join(' ')}`, how, bad, r, `node bin/tsvisor.js ${args.join(' ').replace(damaged, keep)}`);
    }
    if (i % 25 === 24) opts.progress?.(`traces: ${i + 1} mutated`);
  }
}

/** The manifest's text for this value, with its checksum (as the image writer makes it). */
function manifestWithChecksum(value: unknown): string {
  const body = JSON.stringify(value, null, 2);
  return `${body.slice(0, -2)},\n  "checksum": ${crc32(body)}\n}\n`;
}

/** snapshots/golden-counter-v1, with one file mutated; half the time its checksums made right. */
async function fuzzImages(work: string, opts: FileInputOptions, count: (t: string) => void, found: Found): Promise<void> {
  const golden = join(REPO_ROOT, 'snapshots', 'golden-counter-v1');
  const rnd = new Random(opts.seed + 1);
  const image = join(work, 'image');
  const root = join(work, 'state');
  const since = ticksNow();
  for (let i = 0; i < opts.perTarget; i++) {
    rmSync(image, { recursive: true, force: true });
    cpSync(golden, image, { recursive: true });
    const file = rnd.pick(readdirSync(image).sort());
    const path = join(image, file);
    const fixUp = rnd.below(2) === 0;
    let how: string;
    if (file.endsWith('.json')) {
      const { checksum: _, ...manifest } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      if (fixUp) {
        const m = mutateValue(manifest, rnd);
        writeFileSync(path, manifestWithChecksum(m.tree));
        how = `${file}: ${m.how}, checksum fixed`;
      } else {
        const m = mutateBytes(readFileSync(path), rnd);
        writeFileSync(path, m.data);
        how = `${file}: ${m.how}`;
      }
    } else {
      let data: Buffer;
      if (file.endsWith('.cbor') && rnd.below(2) === 0) {
        const m = mutateValue(decode(readFileSync(path)), rnd);
        data = Buffer.from(encode(m.tree));
        how = `${file}: ${m.how}`;
      } else {
        const m = mutateBytes(readFileSync(path), rnd);
        data = m.data;
        how = `${file}: ${m.how}`;
      }
      writeFileSync(path, data);
      if (fixUp) {
        const mpath = join(image, 'manifest.json');
        const { checksum: _, ...manifest } = JSON.parse(readFileSync(mpath, 'utf8')) as { checksum: unknown; parts: Record<string, unknown> };
        manifest.parts[file] = { bytes: data.length, crc32: crc32(data) };
        writeFileSync(mpath, manifestWithChecksum(manifest));
        how += ', checksums fixed';
      }
    }
    // A damaged image that passes every check restores: the counter goes on (to 60, a few
    // seconds), or, with its memory, registers or parked syscall damaged, crashes (status
    // 128 + N, as a shell reports) or waits or spins for good, which is the program's doing.
    // So here a run that is killed at the deadline, silent, is counted, not a finding.
    const args = ['--root', root, 'restore', '--image', image];
    const r = run(globalThis.process.execPath, [TSVISOR_BIN, ...args], 20_000);
    count('restore');
    const programsEnd = (r.error !== undefined && r.stderr === '') || (r.status !== null && r.status > 128 && r.stderr === '');
    if (r.error !== undefined && r.stderr === '') count('restore: still running at the deadline');
    const bad = programsEnd ? undefined : badAnswer(r, TSVISOR_ERROR);
    if (bad !== undefined) {
      const keep = join(tmpdir(), `tsvisor-fuzz-image-${opts.seed}-${i}`);
      rmSync(keep, { recursive: true, force: true });
      cpSync(image, keep, { recursive: true });
      found('tsvisor restore', how, bad, r, `node bin/tsvisor.js restore --image ${keep}`);
    }
    if (i % 25 === 24) opts.progress?.(`images: ${i + 1} mutated`);
  }
  // A restore killed at its deadline takes its sandbox's processes with it (within 3 s).
  let left = orphanedSandboxProcs(since);
  for (let i = 0; i < 30 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = orphanedSandboxProcs(since);
  }
  const orphans = left.map((p) => `${p.pid} ${p.comm} (${p.state}), parent ${p.ppid}`);
  if (orphans.length > 0) {
    found('tsvisor restore', `${opts.perTarget} damaged images`, 'sandbox processes left behind', { status: 0, signal: null, stdout: '', stderr: orphans.join('\n') }, 'npm run fuzz -- --files-only');
  }
}

/** An OCI bundle (busybox root) whose config.json is mutated, run by `tsvisor-runc run`. */
function fuzzOciConfig(work: string, opts: FileInputOptions, count: (t: string) => void, found: Found): void {
  const missing = missingBusybox();
  if (missing !== null) {
    opts.progress?.(`config.json: skipped (${missing})`);
    return;
  }
  const rootfs = join(work, 'rootfs');
  mkdirSync(rootfs);
  makeRootfs(rootfs);
  const bundle = makeBundle(join(work, 'bundle'), rootfs, (c) => {
    c.process.args = ['sh', '-c', 'echo ok'];
  });
  const config = join(bundle, 'config.json');
  const original = readFileSync(config);
  const rnd = new Random(opts.seed + 2);
  const root = join(work, 'runc-state');
  for (let i = 0; i < opts.perTarget; i++) {
    let data: Buffer;
    let how: string;
    if (rnd.below(2) === 0) {
      const m = mutateValue(JSON.parse(original.toString('utf8')), rnd);
      data = Buffer.from(JSON.stringify(m.tree));
      how = m.how;
    } else {
      const m = mutateBytes(original, rnd);
      data = m.data;
      how = m.how;
    }
    writeFileSync(config, data);
    const id = `fuzz${i}`;
    const args = ['--root', root, 'run', '--bundle', bundle, id];
    const r = run(RUNC_BIN, args, 30_000);
    count('tsvisor-runc run');
    // A config that stays valid runs `sh -c 'echo ok'` (or what its mutated args say), whose
    // own messages go to stderr too: only tsvisor's failures must be one line.
    const bad = badAnswer(r, /^(tsvisor|tsvisor-runc|time=|sh: |.*: )/);
    if (bad !== undefined) {
      const keep = join(tmpdir(), `tsvisor-fuzz-config-${opts.seed}-${i}.json`);
      writeFileSync(keep, data);
      found('tsvisor-runc run', how, bad, r, `bin/tsvisor-runc --root STATE run --bundle BUNDLE ID, with ${keep} as the bundle's config.json`);
    }
    run(RUNC_BIN, ['--root', root, 'delete', '--force', id], 30_000);
    if (i % 25 === 24) opts.progress?.(`config.json: ${i + 1} mutated`);
  }
}
