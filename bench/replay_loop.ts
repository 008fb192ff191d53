// bench/programs/replay_loop.c (open, lseek, close N times, one process), for replay's speed
// and replay --exec's.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PeerFailure } from './measure.js';

/** The program, built static into build/bench/. */
export function buildLoop(root: string): string {
  const out = join(root, 'build', 'bench', 'replay_loop');
  mkdirSync(join(root, 'build', 'bench'), { recursive: true });
  const r = spawnSync('cc', ['-O2', '-static', '-o', out, join(root, 'bench', 'programs', 'replay_loop.c')], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) throw new PeerFailure(`cc replay_loop.c: ${(r.stderr ?? r.error?.message ?? '').trim().split('\n')[0]}`);
  return out;
}
