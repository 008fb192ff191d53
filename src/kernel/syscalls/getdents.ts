// getdents64 and the older getdents: a directory's entries as the records each call defines,
// from the listing the kernel keeps per open directory (its offset is an index into it).
import { byteLength, writeBytes } from '../../byte_string.js';
import { IN_ACCESS } from '../abi/inotify.js';
import { Errno } from '../errno.js';
import { lookupFd } from '../fd/fd_table.js';
import type { OpenFile } from '../state.js';
import { mergedEntries } from '../vfs/overlay.js';
import { listHostDir, splitPath } from '../vfs/path_walk.js';
import { tmpfsMountsIn, TMPFS_ROOT_INO } from '../vfs/tmpfs.js';
import type { SyscallContext } from './context.js';
import { statOfFile } from './fs.js';
import { fsNotifyPath, fsNotifyActive } from './fs_notify.js';
import type { Outcome } from './outcome.js';
import { lookupHeld } from './paths.js';

const DT_DIR = 4;

type DirEntry = { name: string; ino: bigint; type: number };

function listDirectory(ctx: SyscallContext, file: OpenFile): DirEntry[] | number {
  const list = listLayers(ctx, file);
  if (typeof list === 'number') return list;
  // A --tmpfs mount point the lower layer lacks is an entry all the same.
  for (const name of tmpfsMountsIn(ctx.kernel.root.tmpfs, file.path)) {
    if (!list.some((e) => e.name === name)) list.push({ name, ino: TMPFS_ROOT_INO, type: DT_DIR });
  }
  // So is a bind's mount point, or the directory on the way to it (vfs/path_walk.ts).
  if (ctx.kernel.root.bindMounts.length === 0) return list;
  for (const e of ctx.kernel.root.bindEntriesIn(splitPath(file.path))) {
    if (!list.some((l) => l.name === e.name)) list.push({ name: e.name, ino: BigInt(e.ino), type: e.type });
  }
  return list;
}

/** The entries of a directory as its filesystem has them. */
function listLayers(ctx: SyscallContext, file: OpenFile): DirEntry[] | number {
  const path = file.path;
  // An upper directory is listed through its node (its path may be stale); a removed one is dead.
  const held = file.nodeId === undefined ? undefined : ctx.kernel.state.overlay.nodes.get(file.nodeId);
  if (held && held.nlink === 0) return -Errno.ENOENT;
  const node = held ? ({ fs: 'overlay', path, stat: ctx.kernel.root.upperStat(held, ctx.kernel.state.overlay), node: held } as const) : lookupHeld(ctx, path);
  if (typeof node === 'number') return node;
  const self = { name: '.', ino: node.stat.ino, type: DT_DIR };
  const parent = { name: '..', ino: parentIno(ctx, path, node.stat), type: DT_DIR };
  if (node.fs === 'synthetic-dir') {
    return [self, parent, ...node.entries().map((e) => ({ name: e.name, ino: BigInt(e.ino), type: e.type }))];
  }
  if (node.fs === 'overlay') {
    if (node.node.kind !== 'dir') return -Errno.ENOTDIR;
    const root = ctx.kernel.root;
    const merged = mergedEntries(ctx.kernel.state.overlay, node.node, (lower) => root.listLower(lower));
    return typeof merged === 'number' ? merged : [self, parent, ...merged];
  }
  if (node.fs !== 'host') return -Errno.ENOTDIR;
  const entries = listHostDir(node.hostPath);
  return typeof entries === 'number' ? entries : [self, parent, ...entries];
}

/**
 * The inode number of ".." in a directory's listing: its parent's, as stat("..") finds it
 * (gawk's readdir test compares the two with ls -ai). A filesystem's root (/, /proc, a
 * tmpfs: the parent is on another device) is its own "..", as Linux's filesystems list it;
 * so is a directory whose parent is gone.
 */
function parentIno(ctx: SyscallContext, path: string, own: { dev: bigint; ino: bigint }): bigint {
  if (path === '/') return own.ino;
  const parent = lookupHeld(ctx, path.slice(0, path.lastIndexOf('/')) || '/');
  return typeof parent === 'number' || parent.stat.dev !== own.dev ? own.ino : parent.stat.ino;
}

/** How one call lays out its records: each is 8-byte aligned and starts with d_ino and d_off. */
interface DirentLayout {
  length(name: string): number;
  /** Writes what follows d_ino and d_off (d_reclen at 16, the name, the type). */
  fill(out: Buffer, at: number, reclen: number, entry: DirEntry): void;
}

/** linux_dirent64: {ino, off, reclen, type, name, NUL, padding}. */
const DIRENT64: DirentLayout = {
  length: (name) => (19 + byteLength(name) + 1 + 7) & ~7,
  fill(out, at, reclen, entry) {
    out.writeUInt16LE(reclen, at + 16);
    out.writeUInt8(entry.type, at + 18);
    writeBytes(out, entry.name, at + 19);
  },
};

/** linux_dirent (the first getdents): {ino, off, reclen, name, NUL, padding, type in the last byte}. */
const DIRENT: DirentLayout = {
  length: (name) => (18 + byteLength(name) + 2 + 7) & ~7,
  fill(out, at, reclen, entry) {
    out.writeUInt16LE(reclen, at + 16);
    writeBytes(out, entry.name, at + 18);
    out.writeUInt8(entry.type, at + reclen - 1);
  },
};

export function sysGetdents64(ctx: SyscallContext): Outcome {
  return getdents(ctx, DIRENT64);
}

export function sysGetdents(ctx: SyscallContext): Outcome {
  return getdents(ctx, DIRENT);
}

function getdents(ctx: SyscallContext, layout: DirentLayout): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'dir') return -Errno.ENOTDIR;
  // count is an unsigned int that Linux keeps in an int: only its low 32 bits count, and from
  // 2^31 on it is negative, where no entry fits (EINVAL).
  const count = Math.min(ctx.int(2), 1 << 20);
  let failure = 0;
  const entries = ctx.kernel.host.dirEntries(d.file.id, () => {
    const list = listDirectory(ctx, d.file);
    if (typeof list === 'number') {
      failure = list;
      return [];
    }
    return list;
  });
  if (failure) return failure;
  // The records that fit, then built in one buffer.
  let used = 0;
  let index = d.file.offset;
  for (; index < entries.length; index++) {
    const reclen = layout.length(entries[index]!.name);
    if (used + reclen > count) break;
    used += reclen;
  }
  if (used === 0 && index < entries.length) return -Errno.EINVAL; // buffer too small
  const out = Buffer.alloc(used);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = d.file.offset, at = 0; i < index; i++) {
    const e = entries[i]!;
    const reclen = layout.length(e.name);
    // DataView stores, not Buffer's BigInt writes (slow while the code is not compiled yet);
    // d_off's upper half stays 0 from Buffer.alloc.
    view.setBigUint64(at, e.ino, true);
    view.setUint32(at + 8, i + 1, true);
    layout.fill(out, at, reclen, e);
    at += reclen;
  }
  if (used > 0 && !ctx.write(ctx.args[1]!, out)) return -Errno.EFAULT;
  if (index !== d.file.offset) ctx.emit({ type: 'FileOffsetSet', fileId: d.file.id, offset: index });
  if (fsNotifyActive(ctx)) {
    const st = statOfFile(ctx, d.file);
    if (typeof st !== 'number') fsNotifyPath(ctx, IN_ACCESS, d.file.path, st);
  }
  return used;
}
