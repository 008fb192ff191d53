// What a change of a file's attributes (chmod, chown, utimes, extended attributes) applies
// to: a path's node, an open file's upper node, or nothing (a pipe, a terminal); and the
// upper node a change of a lower file goes to, copied up.
import { Errno } from '../errno.js';
import { lookupFd } from '../fd/fd_table.js';
import type { OverlayNode } from '../state.js';
import type { FileStat } from '../vfs/file_stat.js';
import { nodeStat } from '../vfs/overlay.js';
import type { VNode, WritableBind } from '../vfs/vnode.js';
import type { SyscallContext } from './context.js';
import { copyUp, inOverlay } from './overlay_ops.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, lookupHeld, resolveAt, resolvePath } from './paths.js';
import { O_PATH } from '../abi/open_flags.js';
import { IN_ATTRIB, IN_ISDIR } from '../abi/inotify.js';
import { fsNotify, fsNotifyNode, fsNotifyPath, inodeOf } from './fs_notify.js';

/** What an attribute change applies to: a path's node, an open file's upper node, or nothing to change (a pipe, a terminal). */
export type Target = VNode | OverlayNode | 'none';

export function isVNode(t: VNode | OverlayNode): t is VNode {
  return 'fs' in t;
}

export function statOf(t: VNode | OverlayNode): FileStat {
  return isVNode(t) ? t.stat : nodeStat(t, () => 0);
}

/** The target of an fd; an O_PATH fd is only usable through AT_EMPTY_PATH (pathOnly). */
export function fdTarget(ctx: SyscallContext, fd: number, pathOnly = false): Target | number {
  const d = lookupFd(ctx, fd);
  if (!d || ((d.file.flags & O_PATH) && !pathOnly)) return -Errno.EBADF;
  const file = d.file;
  if (file.kind === 'mem') {
    const node = file.nodeId === undefined ? undefined : ctx.kernel.state.overlay.nodes.get(file.nodeId);
    return node ?? -Errno.EBADF;
  }
  // An upper directory's fd holds its node (renamed or removed since, it is still the one).
  const dir = file.kind === 'dir' && file.nodeId !== undefined ? ctx.kernel.state.overlay.nodes.get(file.nodeId) : undefined;
  if (dir) return dir;
  // Found again by its path, without search permission along it: an fd is a file already reached.
  if (file.kind === 'host' || file.kind === 'dir') return lookupHeld(ctx, file.path);
  return 'none';
}

/** The target of a path syscall with AT_* flags (AT_EMPTY_PATH: dirfd itself). */
export function pathTarget(ctx: SyscallContext, dirfd: number, pathAddr: number, flags: number): Target | number {
  const path = ctx.readPath(pathAddr);
  if (typeof path === 'number') return path;
  if (path.length === 0 && (flags & AT_EMPTY_PATH)) {
    return dirfd === AT_FDCWD ? resolvePath(ctx, ctx.process.cwd, true) : fdTarget(ctx, dirfd, true);
  }
  const node = resolveAt(ctx, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  if (typeof node !== 'number' && node.fs === 'fd') return fdTarget(ctx, node.fd, true);
  return node;
}

/** IN_ATTRIB for a change of t (an fd's node is told alone: its path may be stale). */
export function notifyAttrib(ctx: SyscallContext, t: VNode | OverlayNode, node: OverlayNode): void {
  if (isVNode(t)) fsNotifyNode(ctx, IN_ATTRIB, t.path, node);
  else fsNotify(ctx, IN_ATTRIB | (node.kind === 'dir' ? IN_ISDIR : 0), inodeOf(node), null);
}

/** What a change of a writable bind's file returns, with IN_ATTRIB when it was made. */
export function notifiedOnHost(ctx: SyscallContext, t: VNode | OverlayNode, result: number): number {
  if (result === 0 && isVNode(t)) fsNotifyPath(ctx, IN_ATTRIB, t.path, t.stat);
  return result;
}

/** The writable bind a target lies in (its changes go to the host), if any. */
export function writableOf(t: VNode | OverlayNode): WritableBind | undefined {
  return isVNode(t) && t.fs === 'host' ? t.writable : undefined;
}

/** The upper node a change goes to (a lower file is copied up), or -errno. */
export function upperNode(ctx: SyscallContext, t: VNode | OverlayNode): OverlayNode | number {
  if (!isVNode(t)) return t;
  if (!inOverlay(ctx, t)) return -Errno.EROFS;
  return copyUp(ctx, t.path);
}

