// Files the userland workloads need, created natively by the bench before anything is
// measured: a ~20k-file tree for `find`, and a small C file for gcc.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The tree's shape: TOP dirs, each with SUB dirs, each with FILES small files. */
const TOP = 20;
const SUB = 20;
const FILES = 50;
const LAYOUT = `tsvisor bench tree v1: ${TOP}x${SUB} dirs, ${FILES} files each`;

export interface Tree {
  dir: string;
  files: number;
  /** What `find DIR | wc -l` prints: files, directories and DIR itself. */
  entries: number;
}

/**
 * build/bench/tree, created once (kept between bench runs; a stamp file next to it says
 * that it is complete and which layout it has). build/ is node-gyp's directory too and
 * may be emptied under our feet: call this again before each use, it is cheap when the
 * tree is there.
 */
export function ensureTree(outDir: string, progress: (s: string) => void): Tree {
  const dir = join(outDir, 'tree');
  const stamp = join(outDir, 'tree.stamp');
  const tree: Tree = { dir, files: TOP * SUB * FILES, entries: TOP * SUB * FILES + TOP * SUB + TOP + 1 };
  let ok = false;
  try {
    ok = existsSync(dir) && readFileSync(stamp, 'utf8').trim() === LAYOUT;
  } catch {
    ok = false;
  }
  if (ok) return tree;
  progress(`creating ${tree.files} files under ${dir} (once)`);
  rmSync(stamp, { force: true });
  rmSync(dir, { recursive: true, force: true });
  const pad = (n: number) => String(n).padStart(2, '0');
  for (let a = 0; a < TOP; a++) {
    for (let b = 0; b < SUB; b++) {
      const d = join(dir, `d${pad(a)}`, `e${pad(b)}`);
      mkdirSync(d, { recursive: true });
      for (let c = 0; c < FILES; c++) writeFileSync(join(d, `f${pad(c)}.txt`), `${a} ${b} ${c}\n`);
    }
  }
  writeFileSync(stamp, `${LAYOUT}\n`);
  return tree;
}

const C_SOURCE = `/* compiled by tsvisor's bench: gcc -O0 -c x.c -o x.o */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct point { int x, y; };

static int cmp(const void *a, const void *b) {
  const struct point *p = a, *q = b;
  return (p->x * p->x + p->y * p->y) - (q->x * q->x + q->y * q->y);
}

int sort_points(struct point *pts, size_t n) {
  qsort(pts, n, sizeof *pts, cmp);
  return n > 0 ? pts[0].x : 0;
}

int main(int argc, char **argv) {
  struct point pts[64];
  for (int i = 0; i < 64; i++) { pts[i].x = (i * 37) % 11; pts[i].y = (i * 17) % 13; }
  char buf[64];
  snprintf(buf, sizeof buf, "%d %s", sort_points(pts, 64), argc > 1 ? argv[1] : "");
  puts(buf);
  return (int)strlen(buf) == 0;
}
`;

/** A private temporary directory holding x.c (removed by the returned cleanup). */
export function makeCompileDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-bench-gcc-'));
  writeFileSync(join(dir, 'x.c'), C_SOURCE);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A private temporary directory for recorded traces. */
export function makeTraceDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-bench-trace-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
