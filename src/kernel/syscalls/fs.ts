// Path syscalls: open, stat family, readlink, access, cwd, directory listing. The root is
// the overlay (an in-memory upper layer over the read-only host tree) plus /dev and /proc;
// the syscalls that change it are in fs_write.ts, fs_attrs.ts and file_data.ts.
import { namespaceOfPath } from '../task/sandbox_namespaces.js';
import fs from 'node:fs';

import { encodeBytes } from '../../byte_string.js';
import { hostFileArg } from '../../platform/host_file_path.js';
import { Errno } from '../errno.js';
import { lookupFd, lowestFreeFd, openNewFile } from '../fd/fd_table.js';
import type { Credentials, OpenFile, OverlayNode } from '../state.js';
import { S_IFCHR, S_IFDIR, S_IFIFO, S_IFMT, S_IFSOCK, syntheticStat, type FileStat } from '../vfs/file_stat.js';
import { nodeStat } from '../vfs/overlay.js';
import { isRunningExecutable } from '../vfs/text_busy.js';
import { PATH_MAX, linkTarget, type ResolveRules, type WalkOptions } from '../vfs/path_walk.js';
import { openFifo } from './fifo.js';
import { hostFifoStat, openHostFifo } from './host_special_files.js';
import { openControllingTerminal, openPtmx, openPtySlave, ptyOf } from './pty.js';
import { DEVPTS_POINT, ptyStat } from '../vfs/devpts.js';
import { fsNotifyPath, notifyOpened } from './fs_notify.js';
import { IN_MODIFY } from '../abi/inotify.js';
import { memFile } from './mem_file.js';
import { accessDenied, copyUp, mayAccess, nowNs } from './overlay_ops.js';
import { makeEntry, openBound } from './bind_ops.js';

/** The device number pipes report (Linux's pipefs is an anonymous device too). */
import { CGROUP_POINT } from '../vfs/sysfs.js';

const PIPEFS_DEV = 0xc;
/** Open files on Linux's anonymous inode (their /proc/PID/fd links read "anon_inode:[...]"). */
const ANON_INODE_KINDS: ReadonlySet<string> = new Set(['epoll', 'eventfd', 'timerfd', 'signalfd', 'inotify', 'pidfd']);
/** The anonymous inode's number (any fixed number: programs only compare it). */
const ANON_INODE_INO = 1;
import { errnoOf } from '../vfs/path_walk.js';
import { encodeStat, encodeStatx } from '../vfs/stat_encoding.js';
import { SANDBOX_ROOT, cwdSeenFrom, rootOf } from '../vfs/process_root.js';
import { tmpfsDev, tmpfsMountOfPath } from '../vfs/tmpfs.js';
import { tmpfsStatfsFlags } from '../vfs/tmpfs_options.js';
import { tmpfsStatfsCounts } from './tmpfs_space.js';
import type { VNode } from '../vfs/vnode.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, baseDir, lookupHeld, resolveAt, resolvePath, walkOptions } from './paths.js';
import { O_ACCMODE, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_LARGEFILE, O_NOATIME, O_NOCTTY, O_NOFOLLOW, O_PATH, O_RDONLY, O_RDWR, O_TMPFILE, O_TMPFILE_BIT, O_TRUNC, O_WRONLY } from '../abi/open_flags.js';
import { CAP_FOWNER, CAP_SYS_CHROOT, SECBIT_NO_SETUID_FIXUP, capabilitySets, capable } from '../task/capabilities.js';
import { inodePermission } from '../vfs/permission.js';
import { isAppendOnly } from '../vfs/inode_flags.js';
import { ST_VALID } from '../abi/statfs_flags.js';
import { mountOf } from '../vfs/procfs_mounts.js';
import { hostStatfs } from '../../platform/host_statfs.js';
import { hostFstat } from '../../platform/host_stat.js';

/** Every O_* bit Linux knows (openat2 refuses the others). */
const VALID_OPEN_FLAGS = 0o37777703;
const RESOLVE_NO_XDEV = 0x01;
const RESOLVE_NO_MAGICLINKS = 0x02;
const RESOLVE_NO_SYMLINKS = 0x04;
const RESOLVE_BENEATH = 0x08;
const RESOLVE_IN_ROOT = 0x10;
const RESOLVE_CACHED = 0x20;
const VALID_RESOLVE_FLAGS = 0x3f;
/** sizeof(struct open_how) version 0: flags, mode, resolve. */
const OPEN_HOW_SIZE = 24;
const PAGE_SIZE = 4096;

const X_OK = 1;

// ---- open ------------------------------------------------------------------------------

export function sysOpen(ctx: SyscallContext): Outcome {
  return openPathAt(ctx, AT_FDCWD, ctx.args[0]!, ctx.uint(1), ctx.uint(2));
}

export function sysOpenat(ctx: SyscallContext): Outcome {
  return openPathAt(ctx, ctx.int(0), ctx.args[1]!, ctx.uint(2), ctx.uint(3));
}

export function sysCreat(ctx: SyscallContext): Outcome {
  return openPathAt(ctx, AT_FDCWD, ctx.args[0]!, O_CREAT | O_WRONLY | O_TRUNC, ctx.uint(1));
}

export function sysOpenat2(ctx: SyscallContext): Outcome {
  const how = readOpenHow(ctx, ctx.args[2]!, ctx.args[3]!);
  if (typeof how === 'number') return how;
  const dirfd = ctx.int(0);
  const path = ctx.readPath(ctx.args[1]!);
  if (typeof path === 'number') return path;
  if (path.length === 0) return -Errno.ENOENT;
  const scope = how.resolve & RESOLVE_BENEATH ? 'beneath' : how.resolve & RESOLVE_IN_ROOT ? 'in-root' : null;
  // The start directory is the scope of RESOLVE_IN_ROOT even for an absolute path (RESOLVE_BENEATH refuses those).
  const start = scope === 'in-root' || (scope === 'beneath' && !path.startsWith('/')) ? baseDir(ctx, dirfd, '.') : '/';
  if (typeof start === 'number') return start;
  const rules: ResolveRules = {
    noXdev: (how.resolve & RESOLVE_NO_XDEV) !== 0,
    noMagicLinks: (how.resolve & RESOLVE_NO_MAGICLINKS) !== 0,
    noSymlinks: (how.resolve & RESOLVE_NO_SYMLINKS) !== 0,
    scope,
    root: start,
  };
  return openAt(ctx, dirfd, path, how.flags, how.mode, rules);
}

/** struct open_how, checked as openat2 checks it (sizes, unknown bits, mode without O_CREAT). */
function readOpenHow(ctx: SyscallContext, addr: number, size: number): { flags: number; mode: number; resolve: number } | number {
  // size is a size_t: "negative" is huge.
  if (size < 0 || size > PAGE_SIZE) return -Errno.E2BIG;
  if (size < OPEN_HOW_SIZE) return -Errno.EINVAL;
  const raw = ctx.read(addr, size);
  if (!raw) return -Errno.EFAULT;
  // A larger struct from a newer ABI is fine as long as what this kernel does not know is zero.
  if (raw.subarray(OPEN_HOW_SIZE).some((b) => b !== 0)) return -Errno.E2BIG;
  const view = Buffer.from(raw.buffer, raw.byteOffset, OPEN_HOW_SIZE);
  const flags = view.readBigUInt64LE(0);
  const mode = view.readBigUInt64LE(8);
  const resolve = view.readBigUInt64LE(16);
  if (flags & ~BigInt(VALID_OPEN_FLAGS)) return -Errno.EINVAL;
  if (resolve & ~BigInt(VALID_RESOLVE_FLAGS)) return -Errno.EINVAL;
  const f = Number(flags);
  const r = Number(resolve);
  if ((r & RESOLVE_BENEATH) && (r & RESOLVE_IN_ROOT)) return -Errno.EINVAL;
  const creates = (f & (O_CREAT | O_TMPFILE_BIT)) !== 0;
  if (creates ? mode & ~0o7777n : mode !== 0n) return -Errno.EINVAL;
  if ((f & O_CREAT) && (f & O_DIRECTORY)) return -Errno.EINVAL;
  if (tmpfileRefused(f)) return -Errno.EINVAL;
  if ((f & O_PATH) && (f & ~(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))) return -Errno.EINVAL;
  // Every lookup is "cached" here (the walk never waits on a disk), but creating never is.
  if ((r & RESOLVE_CACHED) && (f & (O_TRUNC | O_CREAT | O_TMPFILE_BIT))) return -Errno.EAGAIN;
  return { flags: f, mode: Number(mode), resolve: r };
}

/** Finds the file to open; with O_CREAT, creates it when missing (then `created` is set). */
function findOrCreate(ctx: SyscallContext, dirfd: number, path: string, flags: number, mode: number, rules?: ResolveRules): { node: VNode; created: boolean } | number {
  const creating = (flags & O_CREAT) !== 0;
  const excl = creating && (flags & O_EXCL) !== 0;
  const follow = (flags & O_NOFOLLOW) === 0 && !excl;
  if (path.length === 0) return -Errno.ENOENT;
  const base = baseDir(ctx, dirfd, path);
  if (typeof base === 'number') return base;
  const opts: WalkOptions = { ...walkOptions(ctx, follow), ...(rules ? { resolve: rules } : {}) };
  if (!creating) {
    const node = ctx.kernel.root.resolve(base, path, opts);
    return typeof node === 'number' ? node : { node, created: false };
  }
  const found = ctx.kernel.root.resolveCreate(base, path, opts);
  if (typeof found === 'number') return found;
  if ('node' in found) return excl ? -Errno.EEXIST : { node: found.node, created: false };
  if (found.trailingSlash) return -Errno.EISDIR;
  const created = makeEntry(ctx, found.parent, found.name, 'file', mode);
  if (created < 0) return created;
  const node = ctx.kernel.root.resolve(found.parent.path, found.name, walkOptions(ctx, false));
  return typeof node === 'number' ? node : { node, created: true };
}

function openPathAt(ctx: SyscallContext, dirfd: number, pathAddr: number, flags: number, mode: number): Outcome {
  const path = ctx.readPath(pathAddr);
  return typeof path === 'number' ? path : openAt(ctx, dirfd, path, flags, mode);
}

/** Whether an open with these flags writes the file (O_TRUNC counts, whatever the access mode). */
function opensForWrite(flags: number): boolean {
  return (flags & O_ACCMODE) === O_WRONLY || (flags & O_ACCMODE) === O_RDWR || (flags & O_TRUNC) !== 0;
}

/** The permission bits (4 read, 2 write) an open with these flags needs of an existing file. */
function openAccess(flags: number): number {
  return ((flags & O_ACCMODE) !== O_WRONLY ? 4 : 0) | (opensForWrite(flags) ? 2 : 0);
}

/**
 * O_TMPFILE's own rules, checked before the walk: O_DIRECTORY with it, O_CREAT not, and an
 * access mode that writes (O_ACCMODE, 3, counts as reading and writing).
 */
function tmpfileRefused(flags: number): boolean {
  if (!(flags & O_TMPFILE_BIT)) return false;
  return (flags & (O_TMPFILE_BIT | O_DIRECTORY | O_CREAT)) !== O_TMPFILE || (flags & O_ACCMODE) === O_RDONLY;
}

function openAt(ctx: SyscallContext, dirfd: number, path: string, flags: number, mode: number, rules?: ResolveRules): Outcome {
  // O_PATH ignores every other flag but these.
  if (flags & O_PATH) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  if (tmpfileRefused(flags)) return -Errno.EINVAL;
  if ((flags & O_CREAT) && (flags & O_DIRECTORY)) return -Errno.EINVAL;
  // The fd is taken before the walk (Linux's do_sys_openat2): a full table creates nothing.
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  if ((flags & O_TMPFILE) === O_TMPFILE) {
    const dir = resolveAt(ctx, dirfd, path, true);
    if (typeof dir === 'number') return dir;
    return dir.stat.isDirectory() ? -Errno.EOPNOTSUPP : -Errno.ENOTDIR;
  }
  const wantsWrite = opensForWrite(flags);
  const found = findOrCreate(ctx, dirfd, path, flags, mode, rules);
  if (typeof found === 'number') return found;
  const node = found.node;
  // What F_GETFL shows: the open's flags without the open-time ones, with O_LARGEFILE (forced on 64-bit).
  const statusFlags = flags & O_PATH ? flags & ~O_CLOEXEC : (flags & ~(O_CLOEXEC | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY)) | O_LARGEFILE;
  if (node.fs === 'fd') return reopen(ctx, node, flags, statusFlags, (flags & O_CLOEXEC) !== 0);
  if ((flags & O_DIRECTORY) && !node.stat.isDirectory()) return -Errno.ENOTDIR;
  if (node.stat.isSymbolicLink()) return (flags & O_PATH) ? openPathOnly(ctx, node, flags) : -Errno.ELOOP;
  if (node.stat.isDirectory() && (wantsWrite || (flags & O_CREAT))) return -Errno.EISDIR;
  if (flags & O_PATH) return openPathOnly(ctx, node, flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  // A new file may be opened for writing whatever mode it was given.
  if (!found.created) {
    const denied = accessDenied(ctx.process, node.stat, openAccess(flags));
    if (denied) return denied;
    // An append-only file is written only at its end (may_open).
    if (isAppendOnly(node.stat) && (((flags & O_ACCMODE) !== O_RDONLY && !(flags & O_APPEND)) || flags & O_TRUNC)) return -Errno.EPERM;
    // O_NOATIME is for the file's owner (or CAP_FOWNER).
    if (flags & O_NOATIME && ctx.process.creds.euid !== Number(node.stat.uid) && !capable(ctx.process.creds, CAP_FOWNER)) return -Errno.EPERM;
    if (wantsWrite && node.stat.isFile() && isRunningExecutable(ctx.kernel.state, node.stat)) return -Errno.ETXTBSY;
  }
  const fd = openNode(ctx, node, flags, statusFlags, cloexec, wantsWrite);
  if (typeof fd === 'number' && fd >= 0) {
    notifyOpened(ctx, fd, node);
    // As Linux (6.x): IN_OPEN, then the truncation's IN_MODIFY (a file just created is not truncated).
    if ((flags & O_TRUNC) && !found.created && node.stat.isFile()) fsNotifyPath(ctx, IN_MODIFY, node.path, node.stat);
  }
  return fd;
}

/** Opens what the walk found (after the checks of openAt): the new fd, -errno, or a wait (a FIFO). */
function openNode(ctx: SyscallContext, node: Exclude<VNode, { fs: 'fd' }>, flags: number, statusFlags: number, cloexec: boolean, wantsWrite: boolean): Outcome {
  switch (node.fs) {
    case 'overlay':
      return openUpper(ctx, node.path, node.node, flags, statusFlags, cloexec);
    case 'synthetic-dir':
      if (node.denied) return -Errno.EACCES;
      return openNewFile(ctx, { kind: 'dir', path: node.path, flags: statusFlags, cloexec });
    case 'dev':
      if (node.device === 'tty') return openControllingTerminal(ctx, statusFlags, cloexec, () => openTerminal(ctx, statusFlags, cloexec));
      if (node.device === 'ptmx') return openPtmx(ctx, node.path, statusFlags, cloexec);
      return openNewFile(ctx, { kind: 'dev', path: node.path, flags: statusFlags, cloexec });
    case 'pty':
      return openPtySlave(ctx, node.index, node.path, flags, statusFlags, cloexec);
    case 'synthetic-link':
      return -Errno.ELOOP;
    case 'synthetic-file': {
      // /proc files are made when opened; reads serve that snapshot, as a seq_file does.
      if ((wantsWrite && !node.writable) || node.denied) return -Errno.EACCES;
      if (node.noMemory) return -Errno.ESRCH;
      const content = node.content();
      const fd = openNewFile(ctx, { kind: 'synthetic', path: node.path, flags: statusFlags, cloexec });
      if (fd >= 0) ctx.kernel.host.setContent(ctx.process.fds.get(fd)!.fileId, content);
      return fd;
    }
    case 'host': {
      if (node.stat.isDirectory()) return openNewFile(ctx, { kind: 'dir', path: node.path, flags: statusFlags, cloexec });
      if (node.writable) {
        const type = Number(node.stat.mode) & S_IFMT;
        // A FIFO of the bind is the sandbox's pipe for it; a socket file is connected to, not opened.
        if (type === S_IFIFO) return openHostFifo(ctx, node.path, node.writable, statusFlags, cloexec);
        if (type === S_IFSOCK) return -Errno.ENXIO;
        return openBound(ctx, node, node.writable, flags, statusFlags, cloexec);
      }
      if (wantsWrite && node.stat.isFile()) {
        // Writing to a lower file: it is copied up now, and the open file is the upper copy.
        const upper = copyUp(ctx, node.path);
        if (typeof upper === 'number') return upper;
        return openUpper(ctx, node.path, upper, flags, statusFlags, cloexec);
      }
      // A lower FIFO becomes the overlay's own; host devices and sockets are never opened.
      if ((Number(node.stat.mode) & S_IFMT) === S_IFIFO) {
        const upper = copyUp(ctx, node.path);
        if (typeof upper === 'number') return upper;
        return openUpper(ctx, node.path, upper, flags, statusFlags, cloexec);
      }
      if (!node.stat.isFile()) return -Errno.EACCES;
      let hostFd: number;
      try {
        hostFd = fs.openSync(hostFileArg(node.hostPath), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
      } catch (err) {
        return -errnoOf(err, Errno.EACCES);
      }
      const fd = openNewFile(ctx, { kind: 'host', path: node.path, flags: statusFlags, cloexec, hostHandle: hostFd });
      if (fd < 0) fs.closeSync(hostFd);
      return fd;
    }
  }
}

/** Opens a node of the overlay's upper layer: a directory, a FIFO, or a 'mem' file (truncated for O_TRUNC). */
function openUpper(ctx: SyscallContext, path: string, node: OverlayNode, flags: number, statusFlags: number, cloexec: boolean): Outcome {
  if (node.kind === 'fifo') return openFifo(ctx, path, node, statusFlags, cloexec);
  if (node.kind === 'socket') return -Errno.ENXIO; // sockets are connected to, not opened
  // A directory fd holds its node: fstat still works once the directory is removed.
  if (node.kind === 'dir') return openNewFile(ctx, { kind: 'dir', path, flags: statusFlags, cloexec, nodeId: node.id });
  if (node.kind !== 'file') return -Errno.ELOOP;
  // Linux truncates (and sets the times) at every O_TRUNC open of an existing file, empty or not.
  if (flags & O_TRUNC) ctx.emit({ type: 'OverlayTruncated', nodeId: node.id, size: 0, timeNs: nowNs() });
  return openNewFile(ctx, { kind: 'mem', path, flags: statusFlags, cloexec, nodeId: node.id });
}

/**
 * /dev/tty: the sandbox's controlling terminal is tsvisor's own. It is opened on the host by
 * tsvisor (never by the program) and served like stdio; without one, ENXIO as on Linux.
 */
function openTerminal(ctx: SyscallContext, flags: number, cloexec: boolean): number {
  let hostFd: number;
  try {
    hostFd = fs.openSync('/dev/tty', fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  } catch {
    return -Errno.ENXIO;
  }
  const fd = openNewFile(ctx, { kind: 'stdio', path: 'tty', flags, cloexec, hostFd, hostHandle: hostFd });
  if (fd < 0) fs.closeSync(hostFd);
  return fd;
}

function openPathOnly(ctx: SyscallContext, node: VNode, flags: number): number {
  const pathFlags = flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  if (node.fs === 'overlay') {
    const kind = node.node.kind === 'dir' ? 'dir' : 'mem';
    return openNewFile(ctx, { kind, path: node.path, flags: pathFlags, cloexec, nodeId: node.node.id });
  }
  const kind = node.stat.isDirectory() ? 'dir' : node.fs === 'dev' ? 'dev' : 'host';
  return openNewFile(ctx, { kind, path: node.path, flags: pathFlags, cloexec });
}

/** Opening /proc/PID/fd/N (or /dev/stdin...): a new open file for what that fd refers to. */
function reopen(ctx: SyscallContext, node: Extract<VNode, { fs: 'fd' }>, openFlags: number, flags: number, cloexec: boolean): Outcome {
  const owner = ctx.kernel.state.processes.get(node.pid);
  const entry = owner?.fds.get(node.fd);
  const file = entry && ctx.kernel.state.files.get(entry.fileId);
  if (!file) return -Errno.ENOENT;
  // A pty's master path is ptmx again (a new pty); its slave's is the slave.
  if (file.kind === 'pty-master') return openPtmx(ctx, file.path, flags, cloexec);
  if (file.kind === 'pty-slave') return openPtySlave(ctx, file.objectId!, file.path, openFlags, flags, cloexec);
  if (file.kind === 'host') {
    // The file again, opened as an open of its path opens it: an :rw bind's file writable on
    // the host (2>log; sed 'w/dev/stderr' wrote nowhere), a lower file copied up for writing.
    const node = resolvePath(ctx, file.path, false);
    if (typeof node === 'number' || node.fs !== 'host') return -Errno.ENOENT;
    if (!mayAccess(ctx.process, node.stat, openAccess(openFlags))) return -Errno.EACCES;
    return openNode(ctx, node, openFlags, flags, cloexec, opensForWrite(openFlags));
  }
  // An overlay file opened again with O_TRUNC is truncated, as any open of it.
  if (file.kind === 'mem' && file.nodeId !== undefined && (openFlags & O_TRUNC) && (openFlags & O_ACCMODE) !== 0) {
    ctx.emit({ type: 'OverlayTruncated', nodeId: file.nodeId, size: 0, timeNs: nowNs() });
  }
  return openNewFile(ctx, {
    kind: file.kind,
    path: file.path,
    flags,
    cloexec,
    ...(file.hostFd === undefined ? {} : { hostFd: file.hostFd }),
    ...(file.pipeId === undefined ? {} : { pipeId: file.pipeId }),
    ...(file.nodeId === undefined ? {} : { nodeId: file.nodeId }),
  });
}

// ---- stat family ---------------------------------------------------------------------------

/** The attributes of what an open file refers to. */
export function statOfFile(ctx: SyscallContext, file: OpenFile): FileStat | number {
  if (file.kind === 'stdio') {
    try {
      return fs.fstatSync(file.hostFd!, { bigint: true });
    } catch (err) {
      return -errnoOf(err, Errno.EBADF);
    }
  }
  if (file.kind === 'host') {
    const hostFd = ctx.kernel.host.fd(file.id);
    if (hostFd !== undefined) return hostFstat(hostFd);
  }
  if (file.kind === 'pty-slave' && file.path.startsWith('/dev/pts/')) {
    // The slave's node is gone from /dev/pts once the master closed, but its attributes stay.
    const pty = ptyOf(ctx, file);
    if (pty) return ptyStat(pty, ctx.kernel.root.bootNs);
  }
  if (file.kind === 'pipe') {
    // A FIFO's open file has the FIFO's attributes.
    const fifo = file.nodeId === undefined ? undefined : ctx.kernel.state.overlay.nodes.get(file.nodeId);
    if (fifo) return nodeStat(fifo, () => 0);
    const hostFifo = file.pipeId === undefined ? undefined : hostFifoStat(ctx, file.pipeId);
    if (hostFifo !== undefined) return hostFifo;
    return syntheticStat({ dev: PIPEFS_DEV, ino: file.pipeId!, mode: S_IFIFO | 0o600 }, ctx.kernel.root.bootNs);
  }
  if (file.kind === 'socket') {
    // The socket's inode: its number is the one in its /proc/PID/fd link ("socket:[N]").
    return syntheticStat({ dev: 0, ino: file.objectId!, mode: S_IFSOCK | 0o777 }, ctx.kernel.root.bootNs);
  }
  if (ANON_INODE_KINDS.has(file.kind)) {
    // Linux's anonymous inode: one for all of them, with permission bits and no file type.
    return syntheticStat({ dev: 0, ino: ANON_INODE_INO, mode: file.kind === 'pidfd' ? 0o700 : 0o600 }, ctx.kernel.root.bootNs);
  }
  if (file.kind === 'mem') {
    // The node itself: it may have been renamed or unlinked since it was opened.
    const node = memFile(ctx, file) ?? (file.nodeId === undefined ? undefined : ctx.kernel.state.overlay.nodes.get(file.nodeId));
    return node ? nodeStat(node, () => 0) : -Errno.EBADF;
  }
  // An upper directory's fd holds its node: right after a rename, and once removed.
  const dirNode = file.kind === 'dir' && file.nodeId !== undefined ? ctx.kernel.state.overlay.nodes.get(file.nodeId) : undefined;
  if (dirNode) return ctx.kernel.root.upperStat(dirNode, ctx.kernel.state.overlay);
  // A namespace's open nsfs file was reached through its /proc link: following it gives its attributes.
  const node = file.kind === 'dir' ? lookupHeld(ctx, file.path) : resolvePath(ctx, file.path, namespaceOfPath(file.path) !== undefined);
  if (typeof node === 'number') {
    // A removed directory, or a synthetic file that is gone (/proc/PID of an exited process), still has attributes.
    const mode = file.kind === 'dir' ? S_IFDIR | 0o755 : S_IFCHR | 0o600;
    return syntheticStat({ dev: 0, ino: file.id, mode, nlink: file.kind === 'dir' ? 0 : 1 }, ctx.kernel.root.bootNs);
  }
  return node.stat;
}

function statFd(ctx: SyscallContext, fd: number): FileStat | number {
  if (fd === AT_FDCWD) {
    const node = resolvePath(ctx, ctx.process.cwd, true);
    return typeof node === 'number' ? node : node.stat;
  }
  const d = lookupFd(ctx, fd);
  return d ? statOfFile(ctx, d.file) : -Errno.EBADF;
}

/** stat of (dirfd, path) with AT_* flags; the common core of the stat family. */
function statAt(ctx: SyscallContext, dirfd: number, pathAddr: number, flags: number): FileStat | number {
  const path = ctx.readPath(pathAddr);
  if (typeof path === 'number') return path;
  if (path.length === 0) return flags & AT_EMPTY_PATH ? statFd(ctx, dirfd) : -Errno.ENOENT;
  const node = resolveAt(ctx, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  if (typeof node === 'number') return node;
  return node.fs === 'fd' ? statFdOf(ctx, node.pid, node.fd) : node.stat;
}

/** The attributes of fd of process pid (what /proc/PID/fd/N leads to). */
function statFdOf(ctx: SyscallContext, pid: number, fd: number): FileStat | number {
  const entry = ctx.kernel.state.processes.get(pid)?.fds.get(fd);
  const file = entry && ctx.kernel.state.files.get(entry.fileId);
  return file ? statOfFile(ctx, file) : -Errno.ENOENT;
}

function writeStat(ctx: SyscallContext, st: FileStat | number, addr: number): number {
  if (typeof st === 'number') return st;
  return ctx.write(addr, encodeStat(st)) ? 0 : -Errno.EFAULT;
}

export function sysStat(ctx: SyscallContext): Outcome {
  return writeStat(ctx, statAt(ctx, AT_FDCWD, ctx.args[0]!, 0), ctx.args[1]!);
}

export function sysLstat(ctx: SyscallContext): Outcome {
  return writeStat(ctx, statAt(ctx, AT_FDCWD, ctx.args[0]!, AT_SYMLINK_NOFOLLOW), ctx.args[1]!);
}

export function sysFstat(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  return writeStat(ctx, statOfFile(ctx, d.file), ctx.args[1]!);
}

/** statAt of (argument 0, argument pathArg), where a NULL path with AT_EMPTY_PATH (Linux 6.11 on) is the fd itself. */
function statAtOrFd(ctx: SyscallContext, pathArg: number, flags: number): FileStat | number {
  if (ctx.args[pathArg] === 0 && flags & AT_EMPTY_PATH) return statFd(ctx, ctx.int(0));
  return statAt(ctx, ctx.int(0), ctx.args[pathArg]!, flags);
}

export function sysNewfstatat(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(3);
  // A NULL path with AT_EMPTY_PATH (Linux 6.11 on) is fstat of the directory fd: Linux checks
  // no other flag then.
  if (ctx.args[1] === 0 && flags & AT_EMPTY_PATH && ctx.int(0) >= 0) return writeStat(ctx, statFd(ctx, ctx.int(0)), ctx.args[2]!);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */)) return -Errno.EINVAL;
  return writeStat(ctx, statAtOrFd(ctx, 1, flags), ctx.args[2]!);
}

export function sysStatx(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(2);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000 /* AT_STATX_SYNC_TYPE */)) return -Errno.EINVAL;
  if ((flags & 0x6000) === 0x6000) return -Errno.EINVAL;
  if (ctx.uint(3) & 0x80000000) return -Errno.EINVAL; // STATX__RESERVED
  const st = statAtOrFd(ctx, 1, flags);
  if (typeof st === 'number') return st;
  return ctx.write(ctx.args[4]!, encodeStatx(st)) ? 0 : -Errno.EFAULT;
}

// ---- links, access, cwd ------------------------------------------------------------------

export function sysReadlink(ctx: SyscallContext): Outcome {
  return readlinkAt(ctx, AT_FDCWD, ctx.args[0]!, ctx.args[1]!, ctx.int(2));
}

export function sysReadlinkat(ctx: SyscallContext): Outcome {
  return readlinkAt(ctx, ctx.int(0), ctx.args[1]!, ctx.args[2]!, ctx.int(3));
}

function readlinkAt(ctx: SyscallContext, dirfd: number, pathAddr: number, buf: number, size: number): number {
  if (size <= 0) return -Errno.EINVAL;
  const path = ctx.readPath(pathAddr);
  if (typeof path === 'number') return path;
  const node = path.length === 0 ? symlinkOfFd(ctx, dirfd) : resolveAt(ctx, dirfd, path, false);
  if (typeof node === 'number') return node;
  if (node.fs !== 'synthetic-link' && !node.stat.isSymbolicLink()) return -Errno.EINVAL;
  if (node.fs === 'synthetic-link' && node.denied) return -Errno.EACCES;
  const target = linkTarget(node);
  const bytes = encodeBytes(target).subarray(0, size);
  return ctx.write(buf, bytes) ? bytes.length : -Errno.EFAULT;
}

/** readlinkat(fd, ""): the symlink fd was opened on (O_PATH|O_NOFOLLOW); anything else names nothing. */
function symlinkOfFd(ctx: SyscallContext, fd: number): VNode | number {
  if (fd === AT_FDCWD) return -Errno.ENOENT;
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'host' && d.file.kind !== 'mem') return -Errno.ENOENT;
  const node = resolvePath(ctx, d.file.path, false);
  return typeof node !== 'number' && node.stat.isSymbolicLink() ? node : -Errno.ENOENT;
}

/** faccessat2: check as the effective ids, not the real ones. */
const AT_EACCESS = 0x200;

export function sysAccess(ctx: SyscallContext): Outcome {
  return accessAt(ctx, AT_FDCWD, ctx.args[0]!, ctx.int(1), 0);
}

export function sysFaccessat(ctx: SyscallContext): Outcome {
  return accessAt(ctx, ctx.int(0), ctx.args[1]!, ctx.int(2), 0);
}

export function sysFaccessat2(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_EACCESS)) return -Errno.EINVAL;
  return accessAt(ctx, ctx.int(0), ctx.args[1]!, ctx.int(2), flags);
}

function accessAt(ctx: SyscallContext, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (mode & ~7) return -Errno.EINVAL;
  const st = statAt(ctx, dirfd, pathAddr, flags);
  if (typeof st === 'number') return st;
  // Even with CAP_DAC_OVERRIDE, execute needs one x bit on non-directories.
  if ((mode & X_OK) && !st.isDirectory() && (Number(st.mode) & 0o111) === 0) return -Errno.EACCES;
  const creds = flags & AT_EACCESS ? ctx.process.creds : accessCredentials(ctx.process.creds);
  return inodePermission(creds, st, mode);
}

/**
 * access(2) checks as the real uid and gid would be checked, and with capabilities only when
 * the real uid is 0 (then the permitted ones), as Linux's faccessat does.
 */
function accessCredentials(c: Credentials): Credentials {
  const sets = capabilitySets(c);
  if (sets.securebits & SECBIT_NO_SETUID_FIXUP) return { ...c, euid: c.uid, egid: c.gid };
  return { ...c, euid: c.uid, egid: c.gid, caps: { ...sets, effective: c.uid === 0 ? sets.permitted : 0 } };
}

export function sysGetcwd(ctx: SyscallContext): Outcome {
  const bytes = encodeBytes(cwdSeenFrom(rootOf(ctx.process), ctx.process.cwd) + '\0');
  // Linux builds the name in one PATH_MAX page: longer, ENAMETOOLONG whatever the buffer
  // (glibc's getcwd(NULL, 0) relies on it, then walks ".." itself).
  if (bytes.length > PATH_MAX) return -Errno.ENAMETOOLONG;
  // A removed working directory has no name: ENOENT (glibc and gnulib then report it).
  const here = lookupHeld(ctx, ctx.process.cwd);
  if (here === -Errno.ENOENT || here === -Errno.ENOTDIR) return -Errno.ENOENT;
  // size is a size_t: a "negative" one is huge, never too small.
  const size = ctx.args[1]!;
  if (size >= 0 && size < bytes.length) return -Errno.ERANGE;
  return ctx.write(ctx.args[0]!, bytes) ? bytes.length : -Errno.EFAULT;
}

/**
 * chroot: the directory becomes the process's root (its threads share it, fork and exec keep
 * it). Checked in Linux's order: the walk (EFAULT, ENOENT, ENOTDIR, ELOOP, EACCES), search
 * permission on the directory, then CAP_SYS_CHROOT (else EPERM).
 * The cwd does not move: a cwd outside the new root stays there.
 */
export function sysChroot(ctx: SyscallContext): Outcome {
  const path = ctx.readPath(ctx.args[0]!);
  if (typeof path === 'number') return path;
  const dir = directoryAt(ctx, path);
  if (typeof dir === 'number') return dir;
  if (!mayAccess(ctx.process, dir.stat, 1)) return -Errno.EACCES;
  if (!capable(ctx.process.creds, CAP_SYS_CHROOT)) return -Errno.EPERM;
  if (dir.path !== rootOf(ctx.process)) ctx.emit({ type: 'RootChanged', pid: ctx.process.pid, root: dir.path });
  return 0;
}

export function sysChdir(ctx: SyscallContext): Outcome {
  const path = ctx.readPath(ctx.args[0]!);
  if (typeof path === 'number') return path;
  const node = directoryAt(ctx, path);
  if (typeof node === 'number') return node;
  if (!mayAccess(ctx.process, node.stat, 1)) return -Errno.EACCES;
  ctx.emit({ type: 'CwdChanged', pid: ctx.process.pid, cwd: node.path });
  return 0;
}

/** The directory a path names (a /proc/PID/fd/N link: the directory open there), or -errno. */
function directoryAt(ctx: SyscallContext, path: string): VNode | number {
  let node = resolveAt(ctx, AT_FDCWD, path, true);
  if (typeof node !== 'number' && node.fs === 'fd') {
    const entry = ctx.kernel.state.processes.get(node.pid)?.fds.get(node.fd);
    const file = entry && ctx.kernel.state.files.get(entry.fileId);
    node = file?.kind === 'dir' ? resolvePath(ctx, file.path, true) : -Errno.ENOTDIR;
  }
  if (typeof node === 'number') return node;
  return node.stat.isDirectory() ? node : -Errno.ENOTDIR;
}

export function sysFchdir(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'dir') return -Errno.ENOTDIR;
  const st = statOfFile(ctx, d.file);
  if (typeof st === 'number') return st;
  if (!mayAccess(ctx.process, st, 1)) return -Errno.EACCES;
  ctx.emit({ type: 'CwdChanged', pid: ctx.process.pid, cwd: d.file.path });
  return 0;
}

// ---- filesystem information --------------------------------------

const PROC_SUPER_MAGIC = 0x9fa0;
const TMPFS_MAGIC = 0x01021994;
const SYSFS_MAGIC = 0x62656572;
const CGROUP2_SUPER_MAGIC = 0x63677270;
const DEVPTS_SUPER_MAGIC = 0x1cd1;

/** The filesystem type statfs reports for a kernel-made node: procfs, sysfs, cgroup2 (how runtimes detect cgroup v2), devpts, else tmpfs. */
function syntheticMagic(path: string): number {
  if (path === '/proc' || path.startsWith('/proc/')) return PROC_SUPER_MAGIC;
  if (path === CGROUP_POINT || path.startsWith(`${CGROUP_POINT}/`)) return CGROUP2_SUPER_MAGIC;
  if (path === '/sys' || path.startsWith('/sys/')) return SYSFS_MAGIC;
  if (path === DEVPTS_POINT || path.startsWith(`${DEVPTS_POINT}/`)) return DEVPTS_SUPER_MAGIC;
  return TMPFS_MAGIC;
}

/**
 * The f_fsid of a filesystem Linux gives a random uuid when mounted (tmpfs, sysfs, cgroup2):
 * here a fixed scramble of its device (splitmix64), distinct per mount and the same in a replay.
 */
function uuidFsid(device: number | bigint): bigint {
  const M = (1n << 64n) - 1n;
  let z = (BigInt(device) + 0x9e3779b97f4a7c15n) & M;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  return BigInt.asIntN(64, z ^ (z >> 31n));
}

/**
 * struct statfs (120 bytes) from its fields in order: f_type, f_bsize, f_blocks, f_bfree,
 * f_bavail, f_files, f_ffree, f_fsid, f_namelen, f_frsize, f_flags (the spare words zero).
 */
function statfsBytes(fields: ReadonlyArray<bigint | number>): Buffer {
  const out = Buffer.alloc(120);
  fields.forEach((v, i) => out.writeBigInt64LE(BigInt(v), i * 8));
  return out;
}

function encodeStatfs(ctx: SyscallContext, node: VNode): Buffer | number {
  const tmpfs = tmpfsMountOfPath(ctx.kernel.root.tmpfs, node.path);
  if (tmpfs) {
    // The kernel's tmpfs mounts (/dev/shm, --tmpfs): their size= and nr_inodes= (default: half of RAM) and flags.
    const dev = tmpfsDev(tmpfs.index);
    const counts = tmpfsStatfsCounts(ctx, dev);
    const flags = ST_VALID | tmpfsStatfsFlags(ctx.kernel.root.tmpfsMounts[tmpfs.index]!.options);
    return statfsBytes([TMPFS_MAGIC, 4096, counts.blocks, counts.bfree, counts.bfree, counts.files, counts.ffree, uuidFsid(dev), 255, 4096, flags]);
  }
  // The flags are the mount's as the mount table shows them (ro for a read-only root or bind).
  const mount = mountOf({ tmpfs: ctx.kernel.root.tmpfsMounts, binds: ctx.kernel.root.bindMounts, readonlyRoot: ctx.kernel.readonlyRoot, root: SANDBOX_ROOT }, node.path);
  if (node.fs === 'host' || node.fs === 'overlay') {
    // The overlay reports the host filesystem below it (its counts and f_fsid), writable (its changes stay in memory).
    const st = hostStatfs(node.fs === 'host' ? node.hostPath : ctx.kernel.root.hostPathOf([]));
    if (typeof st === 'number') return st;
    return statfsBytes([st.type, st.bsize, st.blocks, st.bfree, st.bavail, st.files, st.ffree, st.fsid, st.namelen, st.frsize, mount.flags]);
  }
  // Linux (6.7 and later) gives proc and devpts their device as f_fsid; sysfs, cgroup2 and tmpfs one made from their uuid.
  const magic = syntheticMagic(node.path);
  const fsid = magic === PROC_SUPER_MAGIC || magic === DEVPTS_SUPER_MAGIC ? mount.device : uuidFsid(mount.device);
  return statfsBytes([magic, 4096, 0, 0, 0, 0, 0, fsid, 255, 4096, mount.flags]);
}

export function sysStatfs(ctx: SyscallContext): Outcome {
  const path = ctx.readPath(ctx.args[0]!);
  if (typeof path === 'number') return path;
  const node = resolveAt(ctx, AT_FDCWD, path, true);
  if (typeof node === 'number') return node;
  const buf = encodeStatfs(ctx, node);
  if (typeof buf === 'number') return buf;
  return ctx.write(ctx.args[1]!, buf) ? 0 : -Errno.EFAULT;
}

const PIPEFS_MAGIC = 0x50495045;
const SOCKFS_MAGIC = 0x534f434b;
const ANON_INODE_FS_MAGIC = 0x09041934;

/**
 * The statfs of a file on one of Linux's internal filesystems (a pipe's pipefs, a socket's
 * sockfs, the anonymous inode's): its magic, 4096-byte blocks and nothing counted, f_fsid the
 * device its fstat shows; undefined for a file that has a path (a FIFO among them).
 */
function internalStatfs(ctx: SyscallContext, file: OpenFile): Buffer | undefined {
  const magic = file.kind === 'pipe' && file.nodeId === undefined ? PIPEFS_MAGIC
    : file.kind === 'socket' ? SOCKFS_MAGIC
    : ANON_INODE_KINDS.has(file.kind) ? ANON_INODE_FS_MAGIC : undefined;
  if (magic === undefined) return undefined;
  const st = statOfFile(ctx, file);
  return statfsBytes([magic, 4096, 0, 0, 0, 0, 0, typeof st === 'number' ? 0 : st.dev, 255, 4096, ST_VALID]);
}

export function sysFstatfs(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  const internal = internalStatfs(ctx, d.file);
  if (internal) return ctx.write(ctx.args[1]!, internal) ? 0 : -Errno.EFAULT;
  // A 'mem' file may be unlinked: its mount is that of the path it was opened by (renames stay in a mount).
  const path = d.file.kind === 'stdio' ? '/dev' : d.file.kind === 'mem' ? (tmpfsMountOfPath(ctx.kernel.root.tmpfs, d.file.path)?.mount ?? '/') : d.file.path;
  const node = resolvePath(ctx, path, false);
  if (typeof node === 'number') return node;
  const buf = encodeStatfs(ctx, node);
  if (typeof buf === 'number') return buf;
  return ctx.write(ctx.args[1]!, buf) ? 0 : -Errno.EFAULT;
}
