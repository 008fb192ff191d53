// The overlay's read side: finding a path in the upper layer (whiteouts hide lower entries,
// upper entries shadow them, a directory without a lower one is opaque), merging directory
// listings, and the attributes of upper nodes. Nothing here changes state.
import { byteLength } from '../../byte_string.js';
import type { OverlayDir, OverlayNode, OverlayState } from '../state.js';
import { Errno } from '../errno.js';
import { S_IFMT, S_IFDIR, S_IFLNK, S_IFREG, type FileStat } from './file_stat.js';
import { allocatedBlocks } from './file_extents.js';
import { splitPath } from './split_path.js';
import { ACL_ACCESS, storedAcl, type Acl } from './posix_acl.js';

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
  // The arrays are made before the objects: a literal holding a literal is copied from its
  // boilerplate in V8's runtime (one lookup per path component).
  if (!upper || start === 0) {
    const lower = components.slice();
    return { layer: 'lower', lower };
  }
  let node = upper.nodes.get(start)!;
  for (let i = 0; i < components.length; i++) {
    if (node.kind !== 'dir') return -Errno.ENOTDIR;
    const name = components[i]!;
    const entry = node.entries.get(name);
    if (entry === 'whiteout') return -Errno.ENOENT;
    if (entry === undefined) {
      if (node.lower === null) return -Errno.ENOENT;
      const lower = splitPath(node.lower);
      for (let j = i; j < components.length; j++) lower.push(components[j]!);
      return { layer: 'lower', lower };
    }
    node = upper.nodes.get(entry)!;
  }
  return { layer: 'upper', node };
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
  return new UpperStat(node, subdirs);
}

/**
 * An upper node's attributes as they are when made (nlink: when read). A class, not an object
 * literal with a getter and four closures, which V8 builds in its runtime (every lookup of an
 * upper node makes one).
 */
class UpperStat implements FileStat {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly mode: bigint;
  readonly uid: bigint;
  readonly gid: bigint;
  readonly rdev = 0n;
  readonly size: bigint;
  readonly blksize = 4096n;
  readonly blocks: bigint;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly birthtimeNs: bigint;
  private readonly type: number;

  constructor(
    private readonly node: OverlayNode,
    private readonly subdirs: () => number,
  ) {
    this.type = node.mode & S_IFMT;
    this.dev = node.dev;
    this.ino = node.ino;
    this.mode = BigInt(node.mode);
    this.uid = BigInt(node.uid);
    this.gid = BigInt(node.gid);
    this.size = node.kind === 'file' ? BigInt(node.size) : node.kind === 'dir' ? DIR_SIZE : node.kind === 'symlink' ? BigInt(byteLength(node.target)) : 0n;
    this.blocks = node.kind === 'symlink' ? 0n : node.kind === 'file' ? allocatedBlocks(node) : ((this.size + 4095n) / 4096n) * 8n;
    this.atimeNs = node.atimeNs;
    this.mtimeNs = node.mtimeNs;
    this.ctimeNs = node.ctimeNs;
    this.birthtimeNs = node.btimeNs ?? node.ctimeNs;
  }

  get acl(): Acl | undefined {
    const bytes = this.node.xattrs?.get(ACL_ACCESS);
    return bytes && storedAcl(bytes);
  }

  get inodeFlags(): number {
    return this.node.flags ?? 0;
  }

  get nlink(): bigint {
    const node = this.node;
    if (node.kind === 'dir') return node.nlink === 0 ? 0n : BigInt(2 + this.subdirs());
    return BigInt(node.nlink);
  }

  isDirectory(): boolean {
    return this.type === S_IFDIR;
  }
  isFile(): boolean {
    return this.type === S_IFREG;
  }
  isSymbolicLink(): boolean {
    return this.type === S_IFLNK;
  }
  isCharacterDevice(): boolean {
    return false;
  }
}

