// Syscalls about a file's data as a whole: truncate, ftruncate, fallocate, and the sync
// family (the overlay lives in memory: there is nothing to flush, so they only check their fd).
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { lookupFd, lookupOpenFd } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import { memFile } from './mem_file.js';
import { MAX_FILE_SIZE } from '../vfs/file_bytes.js';
import { isRunningExecutable } from '../vfs/text_busy.js';
import { sealsAllow } from './memfd.js';
import type { Outcome } from './outcome.js';
import { accessDenied, copyUp, inOverlay, nowNs } from './overlay_ops.js';
import { FS_APPEND_FL, FS_IMMUTABLE_FL, isAppendOnly } from '../vfs/inode_flags.js';
import { AT_FDCWD, resolveAt } from './paths.js';
import { O_ACCMODE, O_RDONLY } from '../abi/open_flags.js';
import { IN_MODIFY } from '../abi/inotify.js';
import { fsNotifyNode, fsNotifyPath } from './fs_notify.js';
import { allocateBound, truncateBound } from './bind_ops.js';
import { mayGrow } from './file_size_limit.js';
import { tmpfsMayAllocate } from './tmpfs_space.js';
import { truncate as truncateOnHost } from '../vfs/writable_bind.js';


export function sysTruncate(ctx: SyscallContext): Outcome {
  const length = ctx.args[1]!;
  const path = ctx.readPath(ctx.args[0]!);
  if (typeof path === 'number') return path;
  if (length < 0) return -Errno.EINVAL;
  const node = resolveAt(ctx, AT_FDCWD, path, true);
  if (typeof node === 'number') return node;
  if (node.stat.isDirectory()) return -Errno.EISDIR;
  if (!node.stat.isFile()) return -Errno.EINVAL;
  const denied = accessDenied(ctx.process, node.stat, 2);
  if (denied) return denied;
  if (isAppendOnly(node.stat)) return -Errno.EPERM;
  if (isRunningExecutable(ctx.kernel.state, node.stat)) return -Errno.ETXTBSY;
  const grown = mayGrow(ctx, Number(node.stat.size), length);
  if (grown < 0) return grown;
  if (node.fs === 'host' && node.writable) {
    const truncated = truncateOnHost(node.writable, length);
    if (truncated === 0) fsNotifyPath(ctx, IN_MODIFY, node.path, node.stat);
    return truncated;
  }
  if (!inOverlay(ctx, node)) return -Errno.EROFS;
  if (length > MAX_FILE_SIZE) return -Errno.EFBIG;
  const upper = copyUp(ctx, node.path);
  if (typeof upper === 'number') return upper;
  ctx.emit({ type: 'OverlayTruncated', nodeId: upper.id, size: length, timeNs: nowNs() });
  fsNotifyNode(ctx, IN_MODIFY, node.path, upper);
  return 0;
}

export function sysFtruncate(ctx: SyscallContext): Outcome {
  const d = lookupOpenFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  const length = ctx.args[1]!;
  if (length < 0) return -Errno.EINVAL;
  // Only a regular file open for writing can be truncated through its fd.
  if ((d.file.flags & O_ACCMODE) === O_RDONLY) return -Errno.EINVAL;
  const node = memFile(ctx, d.file);
  if (!node) return truncateBound(ctx, d.file, length);
  if ((node.flags ?? 0) & FS_APPEND_FL) return -Errno.EPERM;
  const grown = mayGrow(ctx, node.size, length);
  if (grown < 0) return grown;
  if (length > MAX_FILE_SIZE) return -Errno.EFBIG;
  const sealed = sealsAllow(node, { end: length });
  if (sealed < 0) return sealed;
  ctx.emit({ type: 'OverlayTruncated', nodeId: node.id, size: length, timeNs: nowNs() });
  fsNotifyNode(ctx, IN_MODIFY, d.file.path, node);
  return 0;
}

const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const FALLOC_FL_ZERO_RANGE = 0x10;

/** fallocate: the overlay has no blocks to reserve; growing the size, punching and zeroing ranges are done. */
export function sysFallocate(ctx: SyscallContext): Outcome {
  const d = lookupOpenFd(ctx, ctx.int(0));
  const mode = ctx.int(1);
  const offset = ctx.args[2]!;
  const len = ctx.args[3]!;
  if (!d) return -Errno.EBADF;
  if (offset < 0 || len <= 0) return -Errno.EINVAL;
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) return -Errno.EOPNOTSUPP;
  if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE)) return -Errno.EOPNOTSUPP;
  if ((d.file.flags & O_ACCMODE) === O_RDONLY) return -Errno.EBADF;
  if (d.file.kind === 'pipe') return -Errno.ESPIPE;
  if (d.file.kind === 'dir') return -Errno.EISDIR;
  const node = memFile(ctx, d.file);
  if (!node) return d.file.kind === 'host' ? allocateBound(ctx, d.file, mode, offset, len) : -Errno.ENODEV;
  // An append-only file may only be given blocks; an immutable one nothing (through an fd opened before).
  if (((node.flags ?? 0) & FS_APPEND_FL && mode & ~FALLOC_FL_KEEP_SIZE) || (node.flags ?? 0) & FS_IMMUTABLE_FL) return -Errno.EPERM;
  const end = offset + len;
  if (!(mode & FALLOC_FL_KEEP_SIZE)) {
    const grown = mayGrow(ctx, node.size, end);
    if (grown < 0) return grown;
  }
  if (end > MAX_FILE_SIZE) return -Errno.EFBIG;
  const sealed = sealsAllow(node, { write: (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) !== 0, end: mode & FALLOC_FL_KEEP_SIZE ? node.size : Math.max(end, node.size) });
  if (sealed < 0) return sealed;
  // Linux's tmpfs zeroes no ranges in place.
  if ((mode & FALLOC_FL_ZERO_RANGE) && ctx.kernel.root.tmpfsOfDev(node.dev)) return -Errno.EOPNOTSUPP;
  if (!(mode & FALLOC_FL_PUNCH_HOLE)) {
    const room = tmpfsMayAllocate(ctx, node, offset, len);
    if (room < 0) return room;
  }
  const time = nowNs();
  if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
    // The range reads back as zeros, with no buffer of them made: the punch event zeroes it
    // (within the file) and makes its whole pages holes; a zeroed range then stays allocated,
    // as unwritten pages (ext4's unwritten extents), and may grow the file.
    if (!(mode & FALLOC_FL_KEEP_SIZE) && end > node.size) ctx.emit({ type: 'OverlayTruncated', nodeId: node.id, size: end, timeNs: time });
    ctx.emit({ type: 'OverlayAllocated', nodeId: node.id, offset, length: len, punch: true, timeNs: time });
    if (mode & FALLOC_FL_ZERO_RANGE) ctx.emit({ type: 'OverlayAllocated', nodeId: node.id, offset, length: len, punch: false });
    fsNotifyNode(ctx, IN_MODIFY, d.file.path, node);
    return 0;
  }
  if (!(mode & FALLOC_FL_KEEP_SIZE) && end > node.size) ctx.emit({ type: 'OverlayTruncated', nodeId: node.id, size: end, timeNs: time });
  ctx.emit({ type: 'OverlayAllocated', nodeId: node.id, offset, length: len, punch: false });
  fsNotifyNode(ctx, IN_MODIFY, d.file.path, node);
  return 0;
}

/**
 * Whether fd can be synced (Linux's file has an fsync method): files and directories yes, and
 * sysfs attributes; pipes, sockets, terminals, devices, /proc files and the anonymous files
 * (eventfd, epoll...) are EINVAL.
 */
export function syncable(ctx: SyscallContext, fd: number): number {
  const d = lookupOpenFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  const kind = d.file.kind;
  if (kind === 'host' || kind === 'mem' || kind === 'dir') return 0;
  if (kind === 'synthetic') return d.file.path.startsWith('/sys/') ? 0 : -Errno.EINVAL;
  if (kind === 'stdio') {
    try {
      const st = fs.fstatSync(d.file.hostFd!);
      return st.isFile() || st.isBlockDevice() ? 0 : -Errno.EINVAL;
    } catch {
      return -Errno.EINVAL;
    }
  }
  return -Errno.EINVAL;
}

export function sysFsync(ctx: SyscallContext): Outcome {
  return syncable(ctx, ctx.int(0));
}

export function sysFdatasync(ctx: SyscallContext): Outcome {
  return syncable(ctx, ctx.int(0));
}

export function sysSync(ctx: SyscallContext): Outcome {
  void ctx;
  return 0;
}

export function sysSyncfs(ctx: SyscallContext): Outcome {
  return lookupOpenFd(ctx, ctx.int(0)) ? 0 : -Errno.EBADF;
}

const SYNC_FILE_RANGE_ALL = 7;

export function sysSyncFileRange(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  if (ctx.uint(3) & ~SYNC_FILE_RANGE_ALL || ctx.args[1]! < 0 || ctx.args[2]! < 0) return -Errno.EINVAL;
  if (d.file.kind === 'pipe') return -Errno.ESPIPE;
  return 0;
}
