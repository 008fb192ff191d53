// Build step (npm run build:snapshot, after esbuild wrote dist/snapshot/entry.cjs): the start-up
// snapshot the launcher starts node from (design-notes, Start-up), made in two passes.
//
// A snapshot keeps the bytecode of the functions that ran while it was built, which is little
// more than the modules' top-level code: a run then compiles lazily every function it calls,
// ~300-500 of them (6-9 ms of CPU per run, profiled with --log-function-events). So a first
// snapshot, built and run with V8's function-event log, runs a few ordinary shell commands in a
// sandbox; the functions they compiled are listed (dist/snapshot/precompile.json, offsets in
// entry.cjs), and the final snapshot is built with those compiled (cli/snapshot_precompile.ts).
// The commands are generic shell work (exec, fork, pipes, files, directories, clocks, signals),
// not any benchmark's program: what they compile is the kernel's common path. A few of them are
// run again under `--record`, for the recorder's functions (capture, encoder, the closing
// digest: ~4 ms of lazy compilation per recording otherwise), and that trace is replayed with
// --verify, for the reader's (cbor-x's decoder, the checks) and the reducers'. Where no sandbox can run (a host
// without ptrace or namespaces), the snapshot is built without the list.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { shareBuiltinImports } from './shared_builtin_imports.js';

const DIR = path.resolve('dist/snapshot');
const ENTRY = path.join(DIR, 'entry.cjs');
const OFFSETS = path.join(DIR, 'precompile.json');
const TRAINING = path.resolve('dist/snapshot-training');
/** The launcher's V8_FLAGS (native/launcher/launcher.c): V8 refuses a snapshot built under other flags. */
const V8_FLAGS = ['--interrupt-budget=1048576'];
/** The first pass's V8 log (the same flags at build and at run, or V8 refuses the snapshot). */
const LOG_FLAGS = ['--log-function-events', `--logfile=${path.join(TRAINING, 'fe.log')}`];

const TRAINING_SCRIPT = [
  'ls -l / /usr/bin/env > /dev/null',
  'cat /etc/passwd | wc -l > /dev/null',
  'find /etc -maxdepth 1 -name "*.conf" | sort > /dev/null',
  'date > /dev/null; id > /dev/null; uname -a > /dev/null; env > /dev/null',
  'readlink -f /bin/sh > /dev/null; stat / > /dev/null',
  'd=$(mktemp -d) && echo x > "$d/f" && cp "$d/f" "$d/g" && mv "$d/g" "$d/h" && rm -r "$d"',
  'sleep 0.01',
  'for i in 1 2 3; do /bin/true; done',
].join('; ');
/** Recorded: the recorder's per-call path, its events and input records, and its end. */
const RECORDED_SCRIPT = [
  'cat /etc/passwd | wc -l > /dev/null',
  'd=$(mktemp -d) && echo x > "$d/f" && ls -l "$d" > /dev/null && rm -r "$d"',
  'for i in 1 2 3; do /bin/true; done',
].join('; ');

function buildSnapshot(entry: string, flags: readonly string[]): void {
  const blob = path.join(path.dirname(entry), 'tsvisor.blob');
  const r = spawnSync(globalThis.process.execPath, [...flags, '--no-warnings', '--snapshot-blob', blob, '--build-snapshot', entry], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building ${blob} failed (${r.status ?? r.signal})`);
}

/** The start offsets of the entry's functions that the training run compiled, or why there are none. */
function trainingOffsets(): number[] | string {
  fs.rmSync(TRAINING, { recursive: true, force: true });
  fs.mkdirSync(TRAINING, { recursive: true });
  const entry = path.join(TRAINING, 'entry.cjs');
  fs.copyFileSync(ENTRY, entry);
  buildSnapshot(entry, [...V8_FLAGS, ...LOG_FLAGS]);
  // The build's own log lists what the build compiled: only the run's counts.
  for (const f of fs.readdirSync(TRAINING)) if (f.endsWith('fe.log')) fs.rmSync(path.join(TRAINING, f));
  const env = { ...globalThis.process.env };
  delete env.NODE_EXTRA_CA_CERTS; // node would parse the CA bundle for nothing
  const trace = path.join(TRAINING, 'training.trace');
  const runs: string[][] = [
    ['run', '--', '/bin/sh', '-c', TRAINING_SCRIPT],
    ['run', '--record', trace, '--', '/bin/sh', '-c', RECORDED_SCRIPT],
    // The trace just recorded, read back: the reader's and the reducers' functions.
    ['replay', trace, '--verify'],
  ];
  for (const command of runs) {
    const args = [...V8_FLAGS, ...LOG_FLAGS, '--snapshot-blob', path.join(TRAINING, 'tsvisor.blob'), 'plain', ...command];
    const r = spawnSync(globalThis.process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) continue;
    const why = `(${r.error?.message ?? r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n')[0] ?? ''}`;
    // A replay that does not verify has compiled what it ran all the same: the runs' lists stay.
    if (command[0] === 'replay') globalThis.process.stderr.write(`snapshot: the training replay failed ${why}\n`);
    else return `the training run failed ${why}`;
  }
  const names = new Set([entry, pathToFileURL(entry).href]);
  const offsets = new Set<number>();
  for (const f of fs.readdirSync(TRAINING)) {
    if (!f.endsWith('fe.log')) continue;
    const lines = fs.readFileSync(path.join(TRAINING, f), 'utf8').split('\n').map((l) => l.split(','));
    // script-details,ID,URL,...; function,interpreter,ID,START,END,...: a function compiled to bytecode.
    const ids = new Set(lines.filter((l) => l[0] === 'script-details' && names.has(l[2] ?? '')).map((l) => l[1]));
    for (const l of lines) if (l[0] === 'function' && l[1] === 'interpreter' && ids.has(l[2])) offsets.add(Number(l[3]));
  }
  if (offsets.size === 0) return 'the training run logged no compiled function';
  return [...offsets].filter((n) => Number.isInteger(n) && n >= 0).sort((a, b) => a - b);
}

fs.writeFileSync(ENTRY, shareBuiltinImports(fs.readFileSync(ENTRY, 'utf8'), ENTRY));
let offsets: number[] | string;
try {
  offsets = trainingOffsets();
} finally {
  fs.rmSync(TRAINING, { recursive: true, force: true });
}
if (typeof offsets === 'string') {
  globalThis.process.stderr.write(`snapshot: built without precompiled functions: ${offsets}\n`);
  fs.rmSync(OFFSETS, { force: true });
} else {
  fs.writeFileSync(OFFSETS, JSON.stringify(offsets) + '\n');
}
buildSnapshot(ENTRY, V8_FLAGS);
