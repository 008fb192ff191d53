// Nodes of the kernel's synthetic filesystems (/proc, /sys): directories whose entries are
// computed when listed and read-only files whose contents are made when read, with stable
// inode numbers made from their paths.
import { encodeBytes } from '../../byte_string.js';
import { S_IFDIR, S_IFLNK, S_IFREG, syntheticStat } from './file_stat.js';
import type { SyntheticEntry, VNode } from './vnode.js';

export const DT_DIR = 4;
export const DT_REG = 8;
export const DT_LNK = 10;

export type SyntheticLink = Extract<VNode, { fs: 'synthetic-link' }>;

/** A stable inode number for a path (synthetic inodes only need to be distinct). */
export function inoOf(path: string): number {
  let h = 2166136261;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
  return (h >>> 0) + 0x1000;
}

export function syntheticDir(dev: number, path: string, ino: number, bootNs: bigint, entries: () => SyntheticEntry[]): VNode {
  return { fs: 'synthetic-dir', path, stat: syntheticStat({ dev, ino, mode: S_IFDIR | 0o555, nlink: 2 }, bootNs), entries };
}

export function syntheticLink(dev: number, path: string, ino: number, bootNs: bigint, target: string): SyntheticLink {
  return { fs: 'synthetic-link', path, target, stat: syntheticStat({ dev, ino, mode: S_IFLNK | 0o777, size: 64 }, bootNs) };
}

/** A file made when opened; a writable one (a task's comm) takes writes through syscalls/proc_write.ts. */
export function syntheticFile(dev: number, path: string, ino: number, bootNs: bigint, content: () => string | Uint8Array, writable = false): VNode {
  return {
    fs: 'synthetic-file',
    path,
    // Like Linux's /proc and /sys, files report size 0: their contents exist only when read.
    stat: syntheticStat({ dev, ino, mode: S_IFREG | (writable ? 0o644 : 0o444) }, bootNs),
    ...(writable ? { writable } : {}),
    content: () => {
      const c = content();
      return typeof c === 'string' ? encodeBytes(c) : c;
    },
  };
}

/**
 * The entries of directory `prefix` ("" for the top) in a tree given by its files' paths
 * ("a/b/c") and its empty directories' paths: each name once, a directory if anything lies
 * below it.
 */
export function treeEntries(files: Iterable<string>, emptyDirs: Iterable<string>, prefix: string): SyntheticEntry[] {
  const names = new Map<string, number>();
  const add = (key: string, leafType: number): void => {
    if (prefix && !key.startsWith(prefix + '/')) return;
    const rest = prefix ? key.slice(prefix.length + 1) : key;
    const [first, ...deeper] = rest.split('/');
    names.set(first!, deeper.length > 0 ? DT_DIR : leafType);
  };
  for (const key of files) add(key, DT_REG);
  for (const key of emptyDirs) add(key, DT_DIR);
  return [...names].map(([name, type]) => ({ name, ino: inoOf(`${prefix}/${name}`), type }));
}
