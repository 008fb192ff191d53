// The overlay's read side: finding a path in the upper layer (whiteouts hide lower entries,
// upper entries shadow them, a directory without a lower one is opaque), merging directory
// listings, and the attributes of upper nodes. Nothing here changes state.
import { byteLength } from '../../byte_string.js';
import type { OverlayDir, OverlayNode, OverlayState } from '../state.js';
import { Errno } from '../errno.js';
import { S_IFMT, S_IFDIR, S_IFLNK, S_IFREG, type FileStat } from './file_stat.js';
import { allocatedBlocks } from './file_extents.js';

export const DT_FIFO = 1;
export const DT_DIR = 4;
export const DT_REG = 8;
export const DT_LNK = 10;
export const DT_SOCK = 12;

/** Inode numbers of new upper nodes: far above what host filesystems hand out. */
const FRESH_INO_BASE = 0x7fff_0000_0000_0000n;

export function freshIno(nodeId: number): bigint {
  return FRESH_INO_BASE + BigInt(nodeId);
}

/** A directory entry as getdents64 reports it. */
export interface ListedEntry {
  name: string;
  ino: bigint;
  type: number;
}

/**
 * Where a symlink-free sandbox path lives (components below the upper directory rootId, by
 * default the overlay's root; a tmpfs mount's root has no lower directory): an upper node, the lower (host root) path it
 * shows (which differs from the sandbox path below a renamed directory), or -errno.
 */
export type LayerLookup = { layer: 'upper'; node: OverlayNode } | { layer: 'lower'; lower: string[] } | number;

export function lookupLayers(upper: OverlayState | undefined, components: readonly string[], rootId?: number): LayerLookup {
  const start = rootId ?? upper?.root ?? 0;
  if (!upper || start === 0) return { layer: 'lower', lower: [...components] };
  let node = upper.nodes.get(start)!;
  for (let i = 0; i < components.length; i++) {
    if (node.kind !== 'dir') return -Errno.ENOTDIR;
    const name = components[i]!;
    const entry = node.entries.get(name);
    if (entry === 'whiteout') return -Errno.ENOENT;
    if (entry === undefined) {
      if (node.lower === null) return -Errno.ENOENT;
      return { layer: 'lower', lower: [...splitLower(node.lower), ...components.slice(i)] };
    }
    node = upper.nodes.get(entry)!;
  }
  return { layer: 'upper', node };
}

function splitLower(path: string): string[] {
  return path.split('/').filter((c) => c.length > 0);
}

export function typeOfNode(node: OverlayNode): number {
  switch (node.kind) {
    case 'dir':
      return DT_DIR;
    case 'symlink':
      return DT_LNK;
    case 'fifo':
      return DT_FIFO;
    case 'socket':
      return DT_SOCK;
    case 'file':
      return DT_REG;
  }
}

/**
 * The merged listing of an upper directory (without . and ..): its upper entries, then the
 * lower directory's entries that are neither shadowed nor whited out.
 */
export function mergedEntries(upper: OverlayState, dir: OverlayDir, listLower: (lower: string) => ListedEntry[] | number): ListedEntry[] | number {
  const out: ListedEntry[] = [];
  if (dir.lower !== null) {
    const lower = listLower(dir.lower);
    if (typeof lower === 'number') return lower;
    for (const e of lower) if (!dir.entries.has(e.name)) out.push(e);
  }
  for (const [name, entry] of dir.entries) {
    if (entry === 'whiteout') continue;
    const node = upper.nodes.get(entry);
    if (node) out.push({ name, ino: node.ino, type: typeOfNode(node) });
  }
  return out;
}

const DIR_SIZE = 4096n;

/** The attributes of an upper node; subdirs counts a directory's subdirectories (for nlink), asked only when read. */
export function nodeStat(node: OverlayNode, subdirs: () => number): FileStat {
  const type = node.mode & S_IFMT;
  const size =
    node.kind === 'file' ? BigInt(node.size) : node.kind === 'dir' ? DIR_SIZE : node.kind === 'symlink' ? BigInt(byteLength(node.target)) : 0n;
  const blocks = node.kind === 'symlink' ? 0n : node.kind === 'file' ? allocatedBlocks(node) : ((size + 4095n) / 4096n) * 8n;
  return {
    dev: node.dev,
    ino: node.ino,
    get nlink(): bigint {
      if (node.kind === 'dir') return node.nlink === 0 ? 0n : BigInt(2 + subdirs());
      return BigInt(node.nlink);
    },
    mode: BigInt(node.mode),
    uid: BigInt(node.uid),
    gid: BigInt(node.gid),
    rdev: 0n,
    size,
    blksize: 4096n,
    blocks,
    atimeNs: node.atimeNs,
    mtimeNs: node.mtimeNs,
    ctimeNs: node.ctimeNs,
    birthtimeNs: node.ctimeNs,
    isDirectory: () => type === S_IFDIR,
    isFile: () => type === S_IFREG,
    isSymbolicLink: () => type === S_IFLNK,
    isCharacterDevice: () => false,
  };
}

