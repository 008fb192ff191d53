// Syscalls that change the names of the overlay: mkdir, rmdir, unlink, rename, link,
// symlink, mknod. Every change lands in the in-memory upper layer (lower entries are copied
// up or whited out); the host root is never written.
import { Errno } from '../errno.js';
import { lookupFd } from '../fd/fd_table.js';
import type { OverlayNode } from '../state.js';
import { S_IFMT, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFREG, S_IFSOCK } from '../vfs/file_stat.js';
import type { VNode } from '../vfs/vnode.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { changeable, makeEntry, sameBind, writableOf } from './bind_ops.js';
import { child, link as linkOnHost, remove as removeOnHost, rename as renameOnHost } from '../vfs/writable_bind.js';
import {
  copyUp,
  inOverlay,
  isEmptyDir,
  isMountPoint,
  joinPath,
  lastComponent,
  lookupLast,
  newEntryAt,
  lowerHas,
  accessDenied,
  mayChangeDir,
  mayRemove,
  mountOf,
  nowNs,
  upperDir,
  type LastComponent,
} from './overlay_ops.js';
import { AT_EMPTY_PATH, AT_FDCWD, resolveAt, resolvePath } from './paths.js';
import { IN_ATTRIB, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_ISDIR, IN_MOVE_SELF, IN_MOVED_FROM, IN_MOVED_TO } from '../abi/inotify.js';
import { fsNotify, inodeOf, fsNotifyActive } from './fs_notify.js';
import { tmpfsMayAddInode } from './tmpfs_space.js';
import { moveCwds } from './cwd_moves.js';
import { isFrozen } from '../vfs/inode_flags.js';

const AT_REMOVEDIR = 0x200;
const AT_SYMLINK_FOLLOW = 0x400;
const RENAME_NOREPLACE = 1;
const RENAME_EXCHANGE = 2;
const RENAME_WHITEOUT = 4;

/** Where a new entry named by the path at pathAddr goes (newEntryAt), or -errno. */
function newEntry(ctx: SyscallContext, dirfd: number, pathAddr: number, isDir: boolean): LastComponent | number {
  const path = ctx.readPath(pathAddr);
  return typeof path === 'number' ? path : newEntryAt(ctx, dirfd, path, isDir);
}

// ---- mkdir, symlink, mknod ------------------------------------------------------------

function mkdirAt(ctx: SyscallContext, dirfd: number, pathAddr: number, mode: number): number {
  const last = newEntry(ctx, dirfd, pathAddr, true);
  if (typeof last === 'number') return last;
  return makeEntry(ctx, last.parent, last.name, 'dir', mode);
}

export function sysMkdir(ctx: SyscallContext): Outcome {
  return mkdirAt(ctx, AT_FDCWD, ctx.args[0]!, ctx.uint(1));
}

export function sysMkdirat(ctx: SyscallContext): Outcome {
  return mkdirAt(ctx, ctx.int(0), ctx.args[1]!, ctx.uint(2));
}

function symlinkAt(ctx: SyscallContext, targetAddr: number, dirfd: number, pathAddr: number): number {
  const target = ctx.readPath(targetAddr);
  if (typeof target === 'number') return target;
  if (target.length === 0) return -Errno.ENOENT;
  const last = newEntry(ctx, dirfd, pathAddr, false);
  if (typeof last === 'number') return last;
  return makeEntry(ctx, last.parent, last.name, 'symlink', 0o777, target);
}

export function sysSymlink(ctx: SyscallContext): Outcome {
  return symlinkAt(ctx, ctx.args[0]!, AT_FDCWD, ctx.args[1]!);
}

export function sysSymlinkat(ctx: SyscallContext): Outcome {
  return symlinkAt(ctx, ctx.args[0]!, ctx.int(1), ctx.args[2]!);
}

/** mknod: regular files, FIFOs and sockets are made; devices are refused (EPERM: no CAP_MKNOD). */
function mknodAt(ctx: SyscallContext, dirfd: number, pathAddr: number, mode: number): number {
  const type = mode & S_IFMT;
  if (type === S_IFDIR) return -Errno.EPERM;
  if (type !== 0 && type !== S_IFREG && type !== S_IFCHR && type !== S_IFBLK && type !== S_IFIFO && type !== S_IFSOCK) return -Errno.EINVAL;
  const last = newEntry(ctx, dirfd, pathAddr, false);
  if (typeof last === 'number') return last;
  if (type === S_IFCHR || type === S_IFBLK) return -Errno.EPERM;
  const kind = type === S_IFIFO ? 'fifo' : type === S_IFSOCK ? 'socket' : 'file';
  return makeEntry(ctx, last.parent, last.name, kind, mode & 0o7777);
}

export function sysMknod(ctx: SyscallContext): Outcome {
  return mknodAt(ctx, AT_FDCWD, ctx.args[0]!, ctx.uint(1));
}

export function sysMknodat(ctx: SyscallContext): Outcome {
  return mknodAt(ctx, ctx.int(0), ctx.args[1]!, ctx.uint(2));
}

// ---- rmdir, unlink ----------------------------------------------------------------------

/** Removes the entry last names from the merged view: a whiteout stays where a lower entry would show. */
function removeEntry(ctx: SyscallContext, last: LastComponent, entry: VNode): number {
  const denied = mayChangeDir(ctx, last.parent) || mayRemove(ctx, last.parent, entry);
  if (denied) return denied;
  if (entry.stat.isDirectory()) {
    // may_delete's refusals come before the directory's own (ENOTEMPTY).
    const empty = isEmptyDir(ctx, entry);
    if (typeof empty === 'number') return empty;
    if (!empty) return -Errno.ENOTEMPTY;
  }
  const bind = writableOf(last.parent);
  if (bind) {
    const removed = removeOnHost(child(bind, last.name), entry.stat.isDirectory());
    if (removed === 0) notifyRemoved(ctx, last.parent, last.name, entry);
    return removed;
  }
  const dir = upperDir(ctx, last.parent);
  if (typeof dir === 'number') return dir;
  ctx.emit({ type: 'OverlayRemoved', parent: dir.id, name: last.name, whiteout: lowerHas(ctx, dir, last.name), timeNs: nowNs() });
  notifyRemoved(ctx, last.parent, last.name, entry);
  return 0;
}

/** Whether entry (just unlinked or replaced) has no name left. */
function lastLinkGone(ctx: SyscallContext, entry: VNode): boolean {
  if (entry.stat.isDirectory()) return true;
  if (entry.fs === 'overlay') return (ctx.kernel.state.overlay.nodes.get(entry.node.id)?.nlink ?? 0) === 0;
  return entry.stat.nlink <= 1n;
}

/**
 * inotify, in Linux's order: a file's link count changed (IN_ATTRIB), the inode is gone
 * (IN_DELETE_SELF, at once: not at the last close of an open one), then IN_DELETE in its directory.
 */
function notifyRemoved(ctx: SyscallContext, parent: VNode, name: string, entry: VNode): void {
  if (!fsNotifyActive(ctx)) return;
  const self = inodeOf(entry.stat);
  const isDir = entry.stat.isDirectory();
  if (!isDir) fsNotify(ctx, IN_ATTRIB, self, null);
  if (lastLinkGone(ctx, entry)) fsNotify(ctx, IN_DELETE_SELF, self, null);
  fsNotify(ctx, IN_DELETE | (isDir ? IN_ISDIR : 0), null, inodeOf(parent.stat), name);
}

/** inotify for a rename: the pair of IN_MOVED_FROM/IN_MOVED_TO (one cookie), then the moved inode's IN_MOVE_SELF. */
function notifyMoved(ctx: SyscallContext, from: LastComponent, to: LastComponent, src: VNode): void {
  const isDir = src.stat.isDirectory() ? IN_ISDIR : 0;
  const cookie = ctx.kernel.state.inotifyCookie + 1;
  fsNotify(ctx, IN_MOVED_FROM | isDir, null, inodeOf(from.parent.stat), from.name, cookie);
  fsNotify(ctx, IN_MOVED_TO | isDir, null, inodeOf(to.parent.stat), to.name, cookie);
}

function rmdirAt(ctx: SyscallContext, dirfd: number, path: string): number {
  const last = lastComponent(ctx, dirfd, path);
  if (typeof last === 'number') return last;
  if (last.kind === 'dot') return -Errno.EINVAL;
  if (last.kind === 'dotdot') return -Errno.ENOTEMPTY;
  if (last.kind === 'root') return -Errno.EBUSY;
  const node = lookupLast(ctx, last);
  if (typeof node === 'number') return node;
  if (!node.stat.isDirectory()) return -Errno.ENOTDIR;
  if (isMountPoint(ctx, node.path)) return -Errno.EBUSY;
  if (!changeable(ctx, last.parent) || !changeable(ctx, node)) return -Errno.EROFS;
  return removeEntry(ctx, last, node);
}

function unlinkFileAt(ctx: SyscallContext, dirfd: number, path: string): number {
  const last = lastComponent(ctx, dirfd, path);
  if (typeof last === 'number') return last;
  if (last.kind !== 'normal') return -Errno.EISDIR;
  const node = lookupLast(ctx, last);
  if (typeof node === 'number') return node;
  if (node.stat.isDirectory()) return -Errno.EISDIR;
  if (last.trailingSlash) return -Errno.ENOTDIR;
  if (!changeable(ctx, last.parent)) return -Errno.EROFS;
  return removeEntry(ctx, last, node);
}

export function sysRmdir(ctx: SyscallContext): Outcome {
  const path = ctx.readPath(ctx.args[0]!);
  return typeof path === 'number' ? path : rmdirAt(ctx, AT_FDCWD, path);
}

export function sysUnlink(ctx: SyscallContext): Outcome {
  const path = ctx.readPath(ctx.args[0]!);
  return typeof path === 'number' ? path : unlinkFileAt(ctx, AT_FDCWD, path);
}

export function sysUnlinkat(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(2);
  if (flags & ~AT_REMOVEDIR) return -Errno.EINVAL;
  const path = ctx.readPath(ctx.args[1]!);
  if (typeof path === 'number') return path;
  return flags & AT_REMOVEDIR ? rmdirAt(ctx, ctx.int(0), path) : unlinkFileAt(ctx, ctx.int(0), path);
}

// ---- rename -------------------------------------------------------------------------------

/** Whether path lies strictly below dir. */
function isBelow(path: string, dir: string): boolean {
  return path.startsWith(dir === '/' ? '/' : `${dir}/`) && path !== dir;
}

/** The same file under two names: one upper node, or one untouched host file. */
function sameFile(a: VNode, b: VNode): boolean {
  if (a.fs === 'overlay' && b.fs === 'overlay') return a.node.id === b.node.id;
  if (a.fs === 'host' && b.fs === 'host') return a.stat.dev === b.stat.dev && a.stat.ino === b.stat.ino;
  return false;
}

/**
 * rename: both parents and the moving entry are copied up; a lower directory moves as its
 * upper copy, which keeps merging the lower directory it came from (a redirect), so a
 * directory rename never copies its subtree and never fails with EXDEV.
 */
function renameAt(ctx: SyscallContext, olddirfd: number, oldAddr: number, newdirfd: number, newAddr: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -Errno.EINVAL;
  if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT))) return -Errno.EINVAL;
  if (flags & RENAME_WHITEOUT) return -Errno.EINVAL; // the overlay keeps its whiteouts to itself
  const exchange = (flags & RENAME_EXCHANGE) !== 0;
  const oldPath = ctx.readPath(oldAddr);
  if (typeof oldPath === 'number') return oldPath;
  const newPath = ctx.readPath(newAddr);
  if (typeof newPath === 'number') return newPath;
  const from = lastComponent(ctx, olddirfd, oldPath);
  if (typeof from === 'number') return from;
  const to = lastComponent(ctx, newdirfd, newPath);
  if (typeof to === 'number') return to;
  if (from.kind !== 'normal') return -Errno.EBUSY;
  if (to.kind !== 'normal') return flags & RENAME_NOREPLACE ? -Errno.EEXIST : -Errno.EBUSY;
  const src = lookupLast(ctx, from);
  if (typeof src === 'number') return src;
  const found = lookupLast(ctx, to);
  if (typeof found === 'number' && found !== -Errno.ENOENT) return found;
  const dst = typeof found === 'number' ? undefined : found;
  if (exchange && !dst) return -Errno.ENOENT;
  if (dst && (flags & RENAME_NOREPLACE)) return -Errno.EEXIST;
  const srcIsDir = src.stat.isDirectory();
  const dstIsDir = dst?.stat.isDirectory() ?? false;
  if (exchange ? (from.trailingSlash && !srcIsDir) || (to.trailingSlash && !dstIsDir) : !srcIsDir && (from.trailingSlash || to.trailingSlash)) {
    return -Errno.ENOTDIR;
  }
  if (isMountPoint(ctx, src.path) || (dst && isMountPoint(ctx, dst.path))) return -Errno.EBUSY;
  const fromBind = writableOf(from.parent);
  const toBind = writableOf(to.parent);
  if (fromBind || toBind) {
    // An :rw mount is a mount: nothing is renamed into or out of it.
    if (!sameBind(fromBind, toBind)) return -Errno.EXDEV;
  } else if (!inOverlay(ctx, from.parent) || !inOverlay(ctx, to.parent)) {
    return inOverlay(ctx, from.parent) || inOverlay(ctx, to.parent) ? -Errno.EXDEV : -Errno.EROFS;
  }
  if (mountOf(ctx, from.parent.path) !== mountOf(ctx, to.parent.path)) return -Errno.EXDEV; // into or out of /dev/shm
  const dstPath = joinPath(to.parent.path, to.name);
  if (isBelow(dstPath, src.path)) return -Errno.EINVAL; // a directory cannot move into itself
  if (isBelow(src.path, dstPath)) return exchange ? -Errno.EINVAL : -Errno.ENOTEMPTY;
  if (dst) {
    if (sameFile(src, dst)) return 0;
    if (!exchange) {
      if (srcIsDir && !dstIsDir) return -Errno.ENOTDIR;
      if (!srcIsDir && dstIsDir) return -Errno.EISDIR;
      if (dstIsDir) {
        const empty = isEmptyDir(ctx, dst);
        if (typeof empty === 'number') return empty;
        if (!empty) return -Errno.ENOTEMPTY;
      }
    }
  }
  const denied = mayChangeDir(ctx, from.parent) || mayChangeDir(ctx, to.parent);
  if (denied) return denied;
  const refused = mayRemove(ctx, from.parent, src) || (dst ? mayRemove(ctx, to.parent, dst) : 0);
  if (refused) return refused;
  // A directory moving to another parent has its ".." rewritten: write permission on it.
  if (srcIsDir && from.parent.path !== to.parent.path) {
    const moved = accessDenied(ctx.process, src.stat, 2);
    if (moved) return moved;
  }
  if (fromBind && toBind) {
    if (exchange) return -Errno.EINVAL; // not offered on the host side
    const renamed = renameOnHost(child(fromBind, from.name), child(toBind, to.name));
    if (renamed === 0) {
      if (srcIsDir) moveCwds(ctx, src.path, dstPath, false);
      notifyRenamed(ctx, from, to, src, dst, false);
    }
    return renamed;
  }

  const fromDir = upperDir(ctx, from.parent);
  if (typeof fromDir === 'number') return fromDir;
  const toDir = upperDir(ctx, to.parent);
  if (typeof toDir === 'number') return toDir;
  const moving = copyUp(ctx, src.path);
  if (typeof moving === 'number') return moving;
  if (exchange) {
    const other = copyUp(ctx, dstPath);
    if (typeof other === 'number') return other;
  }
  ctx.emit({
    type: 'OverlayRenamed',
    fromParent: fromDir.id, fromName: from.name, toParent: toDir.id, toName: to.name,
    whiteout: !exchange && lowerHas(ctx, fromDir, from.name), exchange, timeNs: nowNs(),
  });
  if (srcIsDir || (exchange && dstIsDir)) moveCwds(ctx, src.path, dstPath, exchange);
  notifyRenamed(ctx, from, to, src, dst, exchange);
  return 0;
}

function notifyRenamed(ctx: SyscallContext, from: LastComponent, to: LastComponent, src: VNode, dst: VNode | undefined, exchange: boolean): void {
  if (!fsNotifyActive(ctx)) return;
  notifyMoved(ctx, from, to, src);
  if (exchange && dst) notifyMoved(ctx, to, from, dst);
  else if (dst) fsNotify(ctx, IN_ATTRIB, inodeOf(dst.stat), null);
  fsNotify(ctx, IN_MOVE_SELF, inodeOf(src.stat), null);
  if (exchange && dst) fsNotify(ctx, IN_MOVE_SELF, inodeOf(dst.stat), null);
  else if (dst && lastLinkGone(ctx, dst)) fsNotify(ctx, IN_DELETE_SELF, inodeOf(dst.stat), null);
}

export function sysRename(ctx: SyscallContext): Outcome {
  return renameAt(ctx, AT_FDCWD, ctx.args[0]!, AT_FDCWD, ctx.args[1]!, 0);
}

export function sysRenameat(ctx: SyscallContext): Outcome {
  return renameAt(ctx, ctx.int(0), ctx.args[1]!, ctx.int(2), ctx.args[3]!, 0);
}

export function sysRenameat2(ctx: SyscallContext): Outcome {
  return renameAt(ctx, ctx.int(0), ctx.args[1]!, ctx.int(2), ctx.args[3]!, ctx.uint(4));
}

// ---- link -------------------------------------------------------------------------------

/** What link's old path (or AT_EMPTY_PATH fd) names: a node to link, or -errno. */
function linkSource(ctx: SyscallContext, dirfd: number, path: string, flags: number): OverlayNode | VNode | number {
  if (path.length === 0 && (flags & AT_EMPTY_PATH)) return fileSource(ctx, dirfd, -1);
  const src = resolveAt(ctx, dirfd, path, (flags & AT_SYMLINK_FOLLOW) !== 0);
  if (typeof src === 'number') return src;
  return src.fs === 'fd' ? fileSource(ctx, src.fd, src.pid) : src;
}

/** The file behind an fd (of pid, or of the caller): its upper node while it has a name, else ENOENT. */
function fileSource(ctx: SyscallContext, fd: number, pid: number): OverlayNode | VNode | number {
  const entry = pid < 0 ? lookupFd(ctx, fd)?.file : ctx.kernel.state.files.get(ctx.kernel.state.processes.get(pid)?.fds.get(fd)?.fileId ?? -1);
  if (!entry) return pid < 0 ? -Errno.EBADF : -Errno.ENOENT;
  if (entry.kind === 'mem') {
    const node = entry.nodeId === undefined ? undefined : ctx.kernel.state.overlay.nodes.get(entry.nodeId);
    return node && node.nlink > 0 ? node : -Errno.ENOENT;
  }
  if (entry.kind !== 'host' && entry.kind !== 'dir') return -Errno.ENOENT;
  return resolvePath(ctx, entry.path, false);
}

/** A path in the mount an upper node (linked by fd) lies in: its tmpfs mount when it has that device. */
function nodeMount(ctx: SyscallContext, node: OverlayNode): string {
  for (const [mount, rootId] of ctx.kernel.state.overlay.mounts) {
    if (ctx.kernel.state.overlay.nodes.get(rootId)?.dev === node.dev) return mount;
  }
  return '/';
}

function linkAt(ctx: SyscallContext, olddirfd: number, oldAddr: number, newdirfd: number, newAddr: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
  const oldPath = ctx.readPath(oldAddr);
  if (typeof oldPath === 'number') return oldPath;
  const src = linkSource(ctx, olddirfd, oldPath, flags);
  if (typeof src === 'number') return src;
  const isVNode = 'fs' in src;
  if (isVNode ? src.stat.isDirectory() : src.kind === 'dir') return -Errno.EPERM;
  const last = newEntry(ctx, newdirfd, newAddr, false);
  if (typeof last === 'number') return last;
  const fromBind = isVNode ? writableOf(src) : undefined;
  const toBind = writableOf(last.parent);
  if (fromBind || toBind) {
    if (!sameBind(fromBind, toBind)) return -Errno.EXDEV;
    const denied = mayChangeDir(ctx, last.parent);
    if (denied) return denied;
    const linked = linkOnHost(fromBind!, child(toBind!, last.name));
    if (linked === 0 && isVNode) {
      fsNotify(ctx, IN_ATTRIB, inodeOf(src.stat), null);
      fsNotify(ctx, IN_CREATE, null, inodeOf(last.parent.stat), last.name);
    }
    return linked;
  }
  if (ctx.kernel.root.tmpfsAt(last.parent.path)?.options.readonly) return -Errno.EROFS;
  if (!inOverlay(ctx, last.parent)) return -Errno.EXDEV;
  if (isVNode && !inOverlay(ctx, src)) return -Errno.EXDEV;
  if (mountOf(ctx, isVNode ? src.path : nodeMount(ctx, src)) !== mountOf(ctx, last.parent.path)) return -Errno.EXDEV;
  const denied = mayChangeDir(ctx, last.parent);
  if (denied) return denied;
  // No new name for an append-only or immutable file.
  if (isFrozen(isVNode ? src.stat : { inodeFlags: src.flags ?? 0 })) return -Errno.EPERM;
  const node = isVNode ? copyUp(ctx, src.path) : src;
  if (typeof node === 'number') return node;
  // A tmpfs charges each further link an inode (a file linked back from nlink 0 already holds one).
  if (node.nlink > 0) {
    const room = tmpfsMayAddInode(ctx, node.dev);
    if (room < 0) return room;
  }
  const dir = upperDir(ctx, last.parent);
  if (typeof dir === 'number') return dir;
  ctx.emit({ type: 'OverlayLinked', nodeId: node.id, parent: dir.id, name: last.name, timeNs: nowNs() });
  fsNotify(ctx, IN_ATTRIB, inodeOf(node), null);
  fsNotify(ctx, IN_CREATE, null, inodeOf(last.parent.stat), last.name);
  return 0;
}

export function sysLink(ctx: SyscallContext): Outcome {
  return linkAt(ctx, AT_FDCWD, ctx.args[0]!, AT_FDCWD, ctx.args[1]!, 0);
}

export function sysLinkat(ctx: SyscallContext): Outcome {
  return linkAt(ctx, ctx.int(0), ctx.args[1]!, ctx.int(2), ctx.args[3]!, ctx.uint(4));
}
