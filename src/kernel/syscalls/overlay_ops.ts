// What the handlers that change files share: splitting a path into its directory and last
// name, copying lower entries up into the overlay's upper layer (the host's bytes and
// attributes go into the event), whiteout decisions, the clock, and permission checks.
import fs from 'node:fs';

import { byteLength, decodeBytes } from '../../byte_string.js';
import { hostFileArg } from '../../platform/host_file_path.js';
import { Errno } from '../errno.js';
import type { OverlayDir, OverlayNode, ProcessState } from '../state.js';
import { S_IFMT, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, S_IFSOCK, S_ISGID, S_ISVTX, type FileStat } from '../vfs/file_stat.js';
import { freshIno, mergedEntries } from '../vfs/overlay.js';
import { inodePermission, permits } from '../vfs/permission.js';
import { INHERITED_FLAGS, isAppendOnly, isFrozen } from '../vfs/inode_flags.js';
import { ACL_ACCESS, ACL_DEFAULT, encodeAcl, inheritedAcl, storedAcl } from '../vfs/posix_acl.js';
import { errnoOf, listHostDir, splitPath } from '../vfs/path_walk.js';
import { isTmpfsMount, tmpfsDev, tmpfsMountOfPath, TMPFS_ROOT_INO } from '../vfs/tmpfs.js';
import { tmpfsRootMode } from '../vfs/tmpfs_options.js';
import { tmpfsMayAddInode } from './tmpfs_space.js';
import type { VNode } from '../vfs/vnode.js';
import type { SyscallContext } from './context.js';
import { resolveAt, walkOptions } from './paths.js';
import { realtimeNs } from './time.js';
import { IN_CREATE, IN_ISDIR } from '../abi/inotify.js';
import { fsNotify, inodeOf } from './fs_notify.js';
import { CAP_FOWNER, capable } from '../task/capabilities.js';

const NAME_MAX = 255;

/** The file times of changes: the sandbox's realtime clock (recorded in each event). */
export function nowNs(): bigint {
  return realtimeNs();
}

/** A path cut at its last component: the directory it names an entry of, and that entry. */
export interface LastComponent {
  parent: VNode;
  name: string;
  /** '.' and '..' and '/' name no entry of their own: each syscall has its errno for them. */
  kind: 'normal' | 'dot' | 'dotdot' | 'root';
  trailingSlash: boolean;
}

export function lastComponent(ctx: SyscallContext, dirfd: number, path: string): LastComponent | number {
  if (path.length === 0) return -Errno.ENOENT;
  const trimmed = path.replace(/\/+$/, '');
  const trailingSlash = trimmed.length < path.length;
  if (trimmed.length === 0) {
    const root = resolveAt(ctx, dirfd, '/', true);
    return typeof root === 'number' ? root : { parent: root, name: '', kind: 'root', trailingSlash };
  }
  const slash = trimmed.lastIndexOf('/');
  const name = trimmed.slice(slash + 1);
  const parentPath = slash < 0 ? '.' : trimmed.slice(0, slash) || '/';
  const parent = resolveAt(ctx, dirfd, parentPath, true);
  if (typeof parent === 'number') return parent;
  if (!parent.stat.isDirectory()) return -Errno.ENOTDIR;
  if (byteLength(name) > NAME_MAX) return -Errno.ENAMETOOLONG;
  const kind = name === '.' ? 'dot' : name === '..' ? 'dotdot' : 'normal';
  return { parent, name, kind, trailingSlash };
}

/** The entry the last component names (never following a final symlink), or -errno. */
export function lookupLast(ctx: SyscallContext, last: LastComponent): VNode | number {
  return ctx.kernel.root.resolve(last.parent.path, last.name, walkOptions(ctx, false));
}

/**
 * Where a new entry named by path goes (Linux's filename_create). '.', '..', '/' and existing
 * names (a dangling symlink too) are EEXIST; a trailing slash is only for directories (ENOENT).
 */
export function newEntryAt(ctx: SyscallContext, dirfd: number, path: string, isDir: boolean): LastComponent | number {
  const last = lastComponent(ctx, dirfd, path);
  if (typeof last === 'number') return last;
  if (last.kind !== 'normal') return -Errno.EEXIST;
  const existing = lookupLast(ctx, last);
  if (typeof existing !== 'number') return -Errno.EEXIST;
  if (existing !== -Errno.ENOENT) return existing;
  if (last.trailingSlash && !isDir) return -Errno.ENOENT;
  return last;
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/**
 * Where the overlay cannot go: the kernel's own filesystems and the hidden /sys (but the tmpfs
 * /dev/shm is the overlay's), read-only binds and tmpfs mounts; with a read-only root,
 * everything but the tmpfs mounts.
 */
export function outsideOverlay(ctx: SyscallContext, path: string): boolean {
  const top = splitPath(path)[0];
  const tmpfs = ctx.kernel.root.tmpfsAt(path);
  if (tmpfs) return tmpfs.options.readonly;
  if (ctx.kernel.readonlyRoot || ctx.kernel.root.inReadOnlyBind(path)) return true;
  return top === 'dev' || top === 'proc' || top === 'sys';
}

/** Mount points of the sandbox: they cannot be renamed or removed. */
export function isMountPoint(ctx: SyscallContext, path: string): boolean {
  return path === '/' || path === '/dev' || path === '/proc' || path === '/sys' || isTmpfsMount(ctx.kernel.root.tmpfs, path) || ctx.kernel.root.isBindPoint(path);
}

/** The mount a path of the overlay lies in: a tmpfs mount point, or '/' (renames and links cannot cross them: EXDEV). */
export function mountOf(ctx: SyscallContext, path: string): string {
  return tmpfsMountOfPath(ctx.kernel.root.tmpfs, path)?.mount ?? '/';
}

/** Whether node is a file of the overlay (upper, or lower under it; a tmpfs root before its first change): what changes can reach. */
export function inOverlay(ctx: SyscallContext, node: VNode): boolean {
  const tmpfs = ctx.kernel.root.tmpfsAt(node.path);
  if (tmpfs) return !tmpfs.options.readonly && (node.fs === 'overlay' || (node.fs === 'synthetic-dir' && isTmpfsMount(ctx.kernel.root.tmpfs, node.path)));
  // A writable bind's files are the host's own (syscalls/bind_ops.ts): never copied up.
  return ((node.fs === 'host' && !node.writable) || node.fs === 'overlay') && !outsideOverlay(ctx, node.path);
}

function hostLstat(hostPath: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(hostFileArg(hostPath), { bigint: true });
  } catch {
    return undefined;
  }
}

function hostPathOfLower(ctx: SyscallContext, lower: string): string {
  return ctx.kernel.root.hostPathOf(splitPath(lower));
}

/** Whether removing name from dir must leave a whiteout: the lower directory has an entry of that name. */
export function lowerHas(ctx: SyscallContext, dir: OverlayDir, name: string): boolean {
  if (dir.lower === null) return false;
  return hostLstat(hostPathOfLower(ctx, joinPath(dir.lower, name))) !== undefined;
}

function nodeKindOf(st: fs.BigIntStats): 'file' | 'dir' | 'symlink' | 'fifo' | null {
  // Host sockets and devices are not copied up: they belong to the host.
  const type = Number(st.mode) & S_IFMT;
  return type === S_IFREG ? 'file' : type === S_IFDIR ? 'dir' : type === S_IFLNK ? 'symlink' : type === S_IFIFO ? 'fifo' : null;
}

/** Copies the root directory up (its attributes from the host), once. */
function upperRoot(ctx: SyscallContext): OverlayDir | number {
  const overlay = ctx.kernel.state.overlay;
  if (overlay.root === 0) {
    const st = hostLstat(ctx.kernel.root.hostPathOf([]));
    if (!st) return -Errno.EIO;
    ctx.emit({
      type: 'OverlayCopiedUp', parent: 0, name: '', nodeId: overlay.nextNodeId, kind: 'dir',
      mode: Number(st.mode), uid: Number(st.uid), gid: Number(st.gid), dev: st.dev, ino: st.ino,
      atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, lower: '/',
    });
  }
  const root = overlay.nodes.get(overlay.root);
  return root?.kind === 'dir' ? root : -Errno.EIO;
}

/** The root directory of a tmpfs mount, made (empty, without a lower directory) at its first change. */
function tmpfsRoot(ctx: SyscallContext, mount: string, index: number): OverlayDir | number {
  const overlay = ctx.kernel.state.overlay;
  if (!overlay.mounts.has(mount)) {
    const { options } = ctx.kernel.root.tmpfsMounts[index]!;
    ctx.emit({
      type: 'OverlayNodeCreated', parent: 0, name: '', mount, nodeId: overlay.nextNodeId, kind: 'dir',
      mode: tmpfsRootMode(options), uid: options.uid, gid: options.gid, dev: tmpfsDev(index), ino: TMPFS_ROOT_INO, timeNs: ctx.kernel.root.bootNs,
    });
  }
  const root = overlay.nodes.get(overlay.mounts.get(mount) ?? 0);
  return root?.kind === 'dir' ? root : -Errno.EIO;
}

/**
 * Brings the entry at a symlink-free sandbox path, and every directory above it, into the
 * upper layer: directories as themselves (their lower one stays merged below), files with
 * their bytes, symlinks with their target. Returns the upper node or -errno.
 */
export function copyUp(ctx: SyscallContext, path: string): OverlayNode | number {
  if (outsideOverlay(ctx, path)) return -Errno.EROFS;
  const overlay = ctx.kernel.state.overlay;
  const tmpfs = tmpfsMountOfPath(ctx.kernel.root.tmpfs, path);
  const root = tmpfs ? tmpfsRoot(ctx, tmpfs.mount, tmpfs.index) : upperRoot(ctx);
  if (typeof root === 'number') return root;
  let node: OverlayNode = root;
  let at = tmpfs ? tmpfs.mount : '';
  for (const name of tmpfs ? tmpfs.rest : splitPath(path)) {
    at += `/${name}`;
    if (node.kind !== 'dir') return -Errno.ENOTDIR;
    const dir: OverlayDir = node;
    const entry = dir.entries.get(name);
    if (typeof entry === 'number') {
      node = overlay.nodes.get(entry)!;
      continue;
    }
    if (entry === 'whiteout' || dir.lower === null) return -Errno.ENOENT;
    const copied = copyUpEntry(ctx, dir, name, at);
    if (typeof copied === 'number') return copied;
    node = copied;
  }
  return node;
}

function copyUpEntry(ctx: SyscallContext, dir: OverlayDir, name: string, path: string): OverlayNode | number {
  const overlay = ctx.kernel.state.overlay;
  const lower = joinPath(dir.lower!, name);
  const hostPath = hostPathOfLower(ctx, lower);
  const st = hostLstat(hostPath);
  if (!st) return -Errno.ENOENT;
  const kind = nodeKindOf(st);
  // Host devices and sockets stay the host's: the overlay cannot hold them. A FIFO becomes the overlay's own.
  if (kind === null) return -Errno.EPERM;
  let contents: { data: Uint8Array } | { target: string } | { lower: string } | Record<string, never>;
  try {
    if (kind === 'file') contents = { data: readHostFile(hostPath) };
    else if (kind === 'symlink') contents = { target: decodeBytes(fs.readlinkSync(hostFileArg(hostPath), { encoding: 'buffer' })) };
    else if (kind === 'dir') contents = { lower };
    else contents = {};
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  }
  const nodeId = overlay.nextNodeId;
  ctx.emit({
    type: 'OverlayCopiedUp', parent: dir.id, name, nodeId, kind,
    mode: Number(st.mode), uid: Number(st.uid), gid: Number(st.gid), dev: st.dev, ino: st.ino,
    atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ...contents,
  });
  // Files already open on the lower file read the upper copy from now on, as on Linux's overlayfs.
  if (kind === 'file') {
    for (const f of [...ctx.kernel.state.files.values()]) {
      if (f.kind !== 'host' || f.path !== path) continue;
      ctx.emit({ type: 'OpenFileCopiedUp', fileId: f.id, nodeId });
      ctx.kernel.host.release(f.id);
    }
  }
  return overlay.nodes.get(nodeId) ?? -Errno.EIO;
}

function readHostFile(hostPath: string): Uint8Array {
  const fd = fs.openSync(hostFileArg(hostPath), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The upper directory a change in `parent` goes to (copied up as needed), or -errno. */
export function upperDir(ctx: SyscallContext, parent: VNode): OverlayDir | number {
  if (!inOverlay(ctx, parent)) return -Errno.EROFS;
  const node = copyUp(ctx, parent.path);
  if (typeof node === 'number') return node;
  return node.kind === 'dir' ? node : -Errno.ENOTDIR;
}

// ---- permissions: capabilities override them, as on Linux (the sandbox's root has them all) --

/** CAP_FOWNER: the owner's rights over any file. */
function overridesOwner(p: ProcessState): boolean {
  return capable(p.creds, CAP_FOWNER);
}

function inGroup(p: ProcessState, gid: number): boolean {
  return p.creds.egid === gid || p.creds.groups.includes(gid);
}

/** Whether the process may use st with the rwx bits of mask (4 read, 2 write, 1 search). */
export function mayAccess(p: ProcessState, st: FileStat, mask: number): boolean {
  return permits(p.creds, st, mask);
}

/** inode_permission: 0, -EPERM (writing an immutable file) or -EACCES. */
export function accessDenied(p: ProcessState, st: FileStat, mask: number): number {
  return inodePermission(p.creds, st, mask);
}

/** Creating or removing entries of dir needs write and search permission on it (and a dir that is not immutable). */
export function mayChangeDir(ctx: SyscallContext, dir: VNode): number {
  return inodePermission(ctx.process.creds, dir.stat, 3);
}

/**
 * What may_delete adds to mayChangeDir for removing (or renaming away, or replacing) entry of
 * dir: EPERM for an append-only directory, the sticky rule, an immutable or append-only entry.
 */
export function mayRemove(ctx: SyscallContext, dir: VNode, entry: VNode): number {
  if (isAppendOnly(dir.stat)) return -Errno.EPERM;
  return stickyAllows(ctx, dir, entry) && !isFrozen(entry.stat) ? 0 : -Errno.EPERM;
}

/** In a sticky directory only the owner of an entry (or of the directory) may remove or rename it. */
function stickyAllows(ctx: SyscallContext, dir: VNode, entry: VNode): boolean {
  const p = ctx.process;
  if (overridesOwner(p) || (Number(dir.stat.mode) & S_ISVTX) === 0) return true;
  return Number(entry.stat.uid) === p.creds.euid || Number(dir.stat.uid) === p.creds.euid;
}

/** Changing mode or times (to given values) is for the owner. */
export function isOwner(ctx: SyscallContext, st: FileStat): boolean {
  return overridesOwner(ctx.process) || Number(st.uid) === ctx.process.creds.euid;
}

/** Whether the caller holds cap (task/capabilities.ts). */
export function processCapable(ctx: SyscallContext, cap: number): boolean {
  return capable(ctx.process.creds, cap);
}

export function processInGroup(ctx: SyscallContext, gid: number): boolean {
  return inGroup(ctx.process, gid);
}

/** The owner of a new file: the caller, with the group of a set-group-ID directory. */
export function newOwner(ctx: SyscallContext, parent: VNode): { uid: number; gid: number; inheritSgid: boolean } {
  const sgid = (Number(parent.stat.mode) & S_ISGID) !== 0;
  return { uid: ctx.process.creds.euid, gid: sgid ? Number(parent.stat.gid) : ctx.process.creds.egid, inheritSgid: sgid };
}

/**
 * Creates a new file, directory or symlink `name` in the directory parent (which the caller
 * found without such an entry). mode: the permission bits asked for, before the umask.
 */
export function createEntry(
  ctx: SyscallContext,
  parent: VNode,
  name: string,
  kind: 'file' | 'dir' | 'symlink' | 'fifo' | 'socket',
  mode: number,
  target?: string,
): OverlayNode | number {
  if (!inOverlay(ctx, parent)) return -Errno.EROFS;
  const denied = mayChangeDir(ctx, parent);
  if (denied) return denied;
  const room = tmpfsMayAddInode(ctx, parent.stat.dev);
  if (room < 0) return room;
  const dir = upperDir(ctx, parent);
  if (typeof dir === 'number') return dir;
  const owner = newOwner(ctx, parent);
  // A directory's default ACL replaces the umask (posix_acl_create; symlinks take neither).
  const defaultAcl = kind === 'symlink' ? undefined : dir.xattrs?.get(ACL_DEFAULT);
  const inherited = defaultAcl && inheritedAcl(storedAcl(defaultAcl), mode & (kind === 'dir' ? 0o1777 : 0o7777));
  const bits = inherited ? inherited.mode : mode & ~ctx.process.umask;
  let perm: number;
  if (kind === 'symlink') perm = S_IFLNK | 0o777;
  else if (kind === 'dir') perm = S_IFDIR | (bits & 0o1777) | (owner.inheritSgid ? S_ISGID : 0);
  else perm = (kind === 'fifo' ? S_IFIFO : kind === 'socket' ? S_IFSOCK : S_IFREG) | (bits & 0o7777);
  const nodeId = ctx.kernel.state.overlay.nextNodeId;
  const timeNs = nowNs();
  ctx.emit({
    type: 'OverlayNodeCreated', parent: dir.id, name, nodeId, kind, mode: perm, uid: owner.uid, gid: owner.gid,
    // A new file lives on the device of its directory, with an inode number of its own.
    dev: parent.stat.dev, ino: freshIno(nodeId), timeNs,
    ...(target === undefined ? {} : { target }),
  });
  if (inherited?.access) ctx.emit({ type: 'OverlayXattrSet', nodeId, name: ACL_ACCESS, value: encodeAcl(inherited.access), timeNs });
  if (defaultAcl && kind === 'dir') ctx.emit({ type: 'OverlayXattrSet', nodeId, name: ACL_DEFAULT, value: Uint8Array.from(defaultAcl), timeNs });
  // nodump and noatime pass from a directory to what is made in it, as on tmpfs.
  const flags = (dir.flags ?? 0) & INHERITED_FLAGS;
  if (flags) ctx.emit({ type: 'OverlayFlagsSet', nodeId, flags, ctimeNs: timeNs });
  fsNotify(ctx, IN_CREATE | (kind === 'dir' ? IN_ISDIR : 0), null, inodeOf(parent.stat), name);
  return ctx.kernel.state.overlay.nodes.get(nodeId) ?? -Errno.EIO;
}

/** Whether a directory of the overlay has no entries (merged view: whiteouts hide lower ones). */
export function isEmptyDir(ctx: SyscallContext, dir: VNode): boolean | number {
  const root = ctx.kernel.root;
  if (dir.fs === 'overlay' && dir.node.kind === 'dir') {
    const list = mergedEntries(ctx.kernel.state.overlay, dir.node, (lower) => root.listLower(lower));
    return typeof list === 'number' ? list : list.length === 0;
  }
  if (dir.fs === 'host') {
    const list = listHostDir(dir.hostPath);
    return typeof list === 'number' ? list : list.length === 0;
  }
  return false;
}
