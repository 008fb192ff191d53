// The path walk: resolves a sandbox path inside the sandbox root, component by component,
// following symlinks itself so that neither `..` nor a symlink (absolute or relative) can
// lead outside the root. /dev and /proc are the kernel's own filesystems; /sys is hidden.
// The host is asked only about host paths under the root (lstat, readlink: never following
// a link), and files are opened with O_NOFOLLOW (see syscalls/fs.ts).
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { devfsLookup } from './devfs.js';
import type { FileStat } from './file_stat.js';
import { procfsLookup } from './procfs.js';
import type { ProcessView, VNode } from './vnode.js';

const MAX_SYMLINKS = 40;
const NAME_MAX = 255;
const PATH_MAX = 4096;

export interface WalkOptions {
  /** Follow a symlink in the last component (false: lstat semantics, O_NOFOLLOW). */
  followFinal: boolean;
  /** Who is walking (for /proc/self); absent for walks outside any process. */
  view?: ProcessView;
}

export class HostRoot {
  /** The sandbox's boot time: the times of synthetic files. */
  readonly bootNs = BigInt(Date.now()) * 1_000_000n;

  constructor(readonly root: string) {}

  hostPathOf(components: readonly string[]): string {
    if (components.length === 0) return this.root;
    return (this.root === '/' ? '' : this.root) + '/' + components.join('/');
  }

  /** Resolves path (absolute, or relative to the sandbox directory `base`); a negative errno on failure. */
  resolve(base: string, path: string, opts: WalkOptions): VNode | number {
    if (path.length === 0) return -Errno.ENOENT;
    if (path.length >= PATH_MAX) return -Errno.ENAMETOOLONG;
    const current: string[] = path.startsWith('/') ? [] : splitPath(base);
    const pending = splitPath(path).reverse();
    const mustBeDir = path.endsWith('/');
    let links = 0;
    let node = this.lookup(current, opts.view);
    if (typeof node === 'number') return node;

    while (pending.length > 0) {
      const name = pending.pop()!;
      if (name === '.') continue;
      if (!node.stat.isDirectory()) return -Errno.ENOTDIR;
      if (name === '..') {
        current.pop(); // at the root, `..` is the root itself
      } else {
        if (Buffer.byteLength(name) > NAME_MAX) return -Errno.ENAMETOOLONG;
        current.push(name);
      }
      const next = this.lookup(current, opts.view);
      if (typeof next === 'number') return next;
      const isLast = pending.length === 0;
      if (next.stat.isSymbolicLink() && (!isLast || opts.followFinal || mustBeDir)) {
        if (++links > MAX_SYMLINKS) return -Errno.ELOOP;
        if (next.fs === 'synthetic-link' && next.magic && isLast) {
          return { fs: 'fd', path: next.path, stat: next.stat, ...next.magic };
        }
        const target = next.fs === 'synthetic-link' ? next.target : next.fs === 'host' ? readlink(next.hostPath) : '';
        if (target.length === 0) return -Errno.ENOENT;
        current.pop();
        if (target.startsWith('/')) current.length = 0;
        pending.push(...splitPath(target).reverse());
        const dir = this.lookup(current, opts.view);
        if (typeof dir === 'number') return dir;
        node = dir;
        continue;
      }
      node = next;
    }
    if (mustBeDir && !node.stat.isDirectory()) return -Errno.ENOTDIR;
    return node;
  }

  /** The node at an absolute, symlink-free component list. */
  private lookup(components: readonly string[], view: ProcessView | undefined): VNode | number {
    const top = components[0];
    if (top === 'dev') return devfsLookup(components.slice(1), this.bootNs) ?? -Errno.ENOENT;
    if (top === 'proc') {
      if (!view) return -Errno.ENOENT;
      return procfsLookup(components.slice(1), view, this.bootNs) ?? -Errno.ENOENT;
    }
    // The host's /sys describes the host: the sandbox sees an empty directory.
    if (top === 'sys' && components.length > 1) return -Errno.ENOENT;
    const hostPath = this.hostPathOf(components);
    const stat = hostLstat(hostPath);
    if (typeof stat === 'number') return stat;
    return { fs: 'host', path: '/' + components.join('/'), hostPath, stat };
  }
}

function hostLstat(hostPath: string): FileStat | number {
  try {
    return fs.lstatSync(hostPath, { bigint: true });
  } catch (err) {
    return -errnoOf(err, Errno.ENOENT);
  }
}

function readlink(hostPath: string): string {
  try {
    return fs.readlinkSync(hostPath);
  } catch {
    return '';
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((c) => c.length > 0);
}

/** The positive errno of a Node fs error (e.g. 'ENOENT' -> 2), or fallback. */
export function errnoOf(err: unknown, fallback: number): number {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && code in Errno) return Errno[code as keyof typeof Errno];
  return fallback;
}
