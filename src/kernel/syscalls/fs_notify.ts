// Telling inotify (and dnotify) what changed: the syscalls that change or open files call these after their
// change. Nothing is emitted unless an inotify instance watches one of the inodes involved
// (so a sandbox without inotify pays one Map size check). Changes the host makes to the lower
// layer from outside the sandbox are never seen.
import type { InodeRef, OverlayNode } from '../state.js';
import { IN_ISDIR, IN_OPEN } from '../abi/inotify.js';
import { isWatched } from '../vfs/inotify_reducer.js';
import type { FileStat } from '../vfs/file_stat.js';
import type { VNode } from '../vfs/vnode.js';
import type { SyscallContext } from './context.js';
import { inotifyWakeKey } from './inotify.js';
import { dnotifyEvent } from './dnotify.js';
import { resolvePath } from './paths.js';

export function inodeOf(stat: Pick<FileStat, 'dev' | 'ino'>): InodeRef {
  return { dev: stat.dev, ino: stat.ino };
}

/** Whether any inotify instance or dnotify mark exists (the cheap test before anything else). */
export function fsNotifyActive(ctx: SyscallContext): boolean {
  return ctx.kernel.state.inotifies.size > 0 || (ctx.kernel.state.dnotifyMarks?.length ?? 0) > 0;
}

/**
 * An event: on the entry `name` of directory parent, and on the inode self (either may be
 * null). cookie pairs IN_MOVED_FROM with IN_MOVED_TO.
 */
export function fsNotify(ctx: SyscallContext, mask: number, self: InodeRef | null, parent: InodeRef | null, name = '', cookie = 0): void {
  const state = ctx.kernel.state;
  if (state.dnotifyMarks?.length) dnotifyEvent(ctx, mask, self, parent, cookie);
  if (state.inotifies.size === 0 || (!isWatched(state, self) && !isWatched(state, parent))) return;
  ctx.emit({ type: 'FsNotified', mask, cookie, self, parent, name });
  for (const id of state.inotifies.keys()) ctx.kernel.notify(inotifyWakeKey(id));
}

/** The directory a sandbox path's last component is in, and that name (as the path walk resolved it). */
function parentOf(ctx: SyscallContext, path: string): { parent: InodeRef | null; name: string } {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  if (name === '') return { parent: null, name };
  const dir = resolvePath(ctx, path.slice(0, slash) || '/', true);
  return { parent: typeof dir === 'number' ? null : inodeOf(dir.stat), name };
}

/** An event on a file known by path: to its own watch and to its directory's (IN_MODIFY, IN_ATTRIB...). */
export function fsNotifyPath(ctx: SyscallContext, mask: number, path: string, stat: Pick<FileStat, 'dev' | 'ino' | 'isDirectory'>): void {
  if (!fsNotifyActive(ctx)) return;
  const { parent, name } = parentOf(ctx, path);
  fsNotify(ctx, mask | (stat.isDirectory() ? IN_ISDIR : 0), inodeOf(stat), parent, name);
}

/** fsNotifyPath for a node of the overlay's upper layer. */
export function fsNotifyNode(ctx: SyscallContext, mask: number, path: string, node: OverlayNode): void {
  if (!fsNotifyActive(ctx)) return;
  const { parent, name } = parentOf(ctx, path);
  fsNotify(ctx, mask | (node.kind === 'dir' ? IN_ISDIR : 0), inodeOf(node), parent, name);
}

/**
 * A file was opened (fd): IN_OPEN now, and its open file remembers where to report its
 * close (IN_CLOSE_WRITE / IN_CLOSE_NOWRITE, by the fd reducer when the last fd goes).
 */
export function notifyOpened(ctx: SyscallContext, fd: number, node: VNode): void {
  if (!fsNotifyActive(ctx) || node.fs === 'fd') return;
  const fileId = ctx.process.fds.get(fd)?.fileId;
  if (fileId === undefined) return;
  const { parent, name } = parentOf(ctx, node.path);
  const dir = node.stat.isDirectory();
  ctx.emit({ type: 'OpenFileWatched', fileId, watched: { self: inodeOf(node.stat), parent, name, dir } });
  fsNotify(ctx, IN_OPEN | (dir ? IN_ISDIR : 0), inodeOf(node.stat), parent, name);
}
