// The C test programs of test/programs/: each is built with the system's cc twice, dynamically
// linked (build/test-programs/NAME) and static (build/test-programs/NAME.static), once per test
// run and only when the source is newer than the binary. Call `await buildPrograms()` in a
// `before` hook, then `programPath(name, linkage)`. A program that needs more compiler
// arguments says so in a line of its own, `// build: -pthread` (see extraBuildArgs).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/support/). */
export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
export const PROGRAMS_SRC = join(REPO_ROOT, 'test', 'programs');
export const PROGRAMS_OUT = join(REPO_ROOT, 'build', 'test-programs');

export type Linkage = 'dynamic' | 'static';
export const LINKAGES: readonly Linkage[] = ['dynamic', 'static'];

const CC = process.env.CC ?? 'cc';
const CFLAGS = ['-std=c11', '-O1', '-Wall', '-Wextra'];

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'programs'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '..', '..', '..');
  }
}

/** The names of all test programs (test/programs/NAME.c), sorted. */
export function programNames(): string[] {
  return readdirSync(PROGRAMS_SRC)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
}

function outputPath(name: string, linkage: Linkage): string {
  return join(PROGRAMS_OUT, linkage === 'static' ? `${name}.static` : name);
}

/** The path of a built test program; throws if it was not built (see buildPrograms). */
export function programPath(name: string, linkage: Linkage = 'dynamic'): string {
  const out = outputPath(name, linkage);
  if (!existsSync(join(PROGRAMS_SRC, `${name}.c`))) throw new Error(`no test program test/programs/${name}.c`);
  if (!existsSync(out)) throw new Error(`test program ${name} (${linkage}) is not built: await buildPrograms() first`);
  return out;
}

function isFresh(src: string, out: string): boolean {
  if (!existsSync(out)) return false;
  return statSync(out).mtimeMs >= statSync(src).mtimeMs;
}

/** The arguments of a `// build: ARGS...` line of a program's source (none if it has none). */
export function extraBuildArgs(source: string): string[] {
  const m = /^\/\/ build:(.*)$/m.exec(source);
  return m ? m[1]!.trim().split(/\s+/).filter((a) => a !== '') : [];
}

/** Compiles one program; rejects with cc's output on an error or on any warning. */
function compile(name: string, linkage: Linkage): Promise<void> {
  const src = join(PROGRAMS_SRC, `${name}.c`);
  const out = outputPath(name, linkage);
  if (isFresh(src, out)) return Promise.resolve();
  // Written under a temporary name and renamed: a concurrent or interrupted run never sees
  // a half-written binary.
  const tmp = `${out}.tmp-${process.pid}`;
  const extra = extraBuildArgs(readFileSync(src, 'utf8'));
  const args = [...CFLAGS, ...extra, ...(linkage === 'static' ? ['-static'] : []), '-o', tmp, src];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(CC, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new Error(`cannot run ${CC}: ${err.message}`)));
    child.on('close', (code) => {
      const command = `${CC} ${args.join(' ')}`;
      if (code !== 0) {
        rmSync(tmp, { force: true });
        reject(new Error(`${command} failed (exit ${code}):\n${output}`));
      } else if (output.trim() !== '') {
        rmSync(tmp, { force: true });
        reject(new Error(`${command} printed warnings (test programs must compile cleanly):\n${output}`));
      } else {
        renameSync(tmp, out);
        resolvePromise();
      }
    });
  });
}

let building: Promise<void> | undefined;

/** Builds every test program, both linkages, in parallel; memoized for the whole test run. */
export function buildPrograms(): Promise<void> {
  building ??= (async () => {
    mkdirSync(PROGRAMS_OUT, { recursive: true });
    const jobs = programNames().flatMap((name) => LINKAGES.map((linkage) => () => compile(name, linkage)));
    const errors: Error[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await job().catch((err: Error) => errors.push(err));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'));
  })();
  // A failed build is retried by the next caller rather than cached.
  building.catch(() => (building = undefined));
  return building;
}
