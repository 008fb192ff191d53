// The syscall side of `--mount HOSTDIR:SANDBOXDIR:rw`: files below such a mount are the
// host's own, changed in place (vfs/writable_bind.ts does it without following any symlink)
// instead of being copied up. The sandbox's permission checks come first, then the host's
// (tsvisor's host user must be allowed too). Nothing of it is kernel state: the host
// directory is outside the sandbox, like a real disk.
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { openNewFile } from '../fd/fd_table.js';
import type { OpenFile } from '../state.js';
import { errnoOf } from '../vfs/path_walk.js';
import type { VNode, WritableBind } from '../vfs/vnode.js';
import { child, create, openFile } from '../vfs/writable_bind.js';
import { IN_CREATE, IN_ISDIR, IN_MODIFY } from '../abi/inotify.js';
import { O_ACCMODE, O_APPEND, O_TRUNC } from '../abi/open_flags.js';
import type { SyscallContext } from './context.js';
import { fsNotify, fsNotifyPath, inodeOf, fsNotifyActive } from './fs_notify.js';
import { mayGrow, writableCount } from './file_size_limit.js';
import { createEntry, inOverlay, mayChangeDir } from './overlay_ops.js';


/** Where on the host a node of a writable bind is; undefined for every other node. */
export function writableOf(node: VNode): WritableBind | undefined {
  return node.fs === 'host' ? node.writable : undefined;
}

/** Whether names in or below node can change: it is in the overlay, or in a writable bind. */
export function changeable(ctx: SyscallContext, node: VNode): boolean {
  return inOverlay(ctx, node) || writableOf(node) !== undefined;
}

/** Whether a rename or link between these two may happen: both in the same writable bind (else EXDEV, as between mounts). */
export function sameBind(a: WritableBind | undefined, b: WritableBind | undefined): boolean {
  return a !== undefined && b !== undefined && a.root === b.root;
}

/**
 * Creates a file, directory, symlink, FIFO or socket file `name` in parent: on the host in a
 * writable bind, in the overlay elsewhere. mode: the bits asked for, before the umask. 0 or -errno.
 */
export function makeEntry(ctx: SyscallContext, parent: VNode, name: string, kind: 'file' | 'dir' | 'symlink' | 'fifo' | 'socket', mode: number, target?: string): number {
  const bind = writableOf(parent);
  if (!bind) {
    const made = createEntry(ctx, parent, name, kind, mode, target);
    return typeof made === 'number' ? made : 0;
  }
  const denied = mayChangeDir(ctx, parent);
  if (denied) return denied;
  const perm = mode & ~ctx.process.umask & (kind === 'dir' ? 0o1777 : 0o7777);
  const made = create(child(bind, name), kind, perm, target);
  if (made === 0) fsNotify(ctx, IN_CREATE | (kind === 'dir' ? IN_ISDIR : 0), null, inodeOf(parent.stat), name);
  return made;
}

/** Opens a regular file of a writable bind (flags: the program's; access mode, O_TRUNC and O_APPEND go to the host). */
export function openBound(ctx: SyscallContext, node: VNode, bind: WritableBind, flags: number, statusFlags: number, cloexec: boolean): number {
  if (!node.stat.isFile()) return -Errno.EACCES; // host devices, FIFOs and sockets stay the host's
  const hostFd = openFile(bind, flags & (O_ACCMODE | O_TRUNC | O_APPEND));
  if (hostFd < 0) return hostFd;
  const fd = openNewFile(ctx, { kind: 'host', path: node.path, flags: statusFlags, cloexec, hostHandle: hostFd });
  if (fd < 0) fs.closeSync(hostFd);
  return fd;
}

/**
 * write/pwrite to a host file open for writing (only files of a writable bind are: a
 * write-open of any other host file opens its overlay copy). O_APPEND writes at the end,
 * pwrite included, as on Linux.
 */
export function writeBound(ctx: SyscallContext, file: OpenFile, bytes: Uint8Array, position: number | null, appendOverride?: boolean): number {
  const hostFd = ctx.kernel.host.fd(file.id);
  if (hostFd === undefined || hostFd < 0) return -Errno.EBADF;
  try {
    const append = appendOverride ?? (file.flags & O_APPEND) !== 0;
    const at = append ? Number(fs.fstatSync(hostFd, { bigint: true }).size) : (position ?? file.offset);
    const allowed = writableCount(ctx, at, bytes.length);
    if (allowed < 0) return allowed;
    const n = fs.writeSync(hostFd, bytes, 0, allowed, at);
    if (position === null) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: at + n });
    if (fsNotifyActive(ctx)) fsNotifyPath(ctx, IN_MODIFY, file.path, fs.fstatSync(hostFd, { bigint: true }));
    return n;
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  }
}

/** ftruncate of a host file open for writing; -EINVAL when file is not one. */
export function truncateBound(ctx: SyscallContext, file: OpenFile, length: number): number {
  const hostFd = file.kind === 'host' ? ctx.kernel.host.fd(file.id) : undefined;
  if (hostFd === undefined || hostFd < 0) return -Errno.EINVAL;
  try {
    const grown = mayGrow(ctx, Number(fs.fstatSync(hostFd, { bigint: true }).size), length);
    if (grown < 0) return grown;
    fs.ftruncateSync(hostFd, length);
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  }
  if (fsNotifyActive(ctx)) fsNotifyPath(ctx, IN_MODIFY, file.path, fs.fstatSync(hostFd, { bigint: true }));
  return 0;
}

const FALLOC_FL_KEEP_SIZE = 0x01;
const FALLOC_FL_PUNCH_HOLE = 0x02;
const FALLOC_FL_ZERO_RANGE = 0x10;
const ZERO_CHUNK = 1 << 20;

/** fallocate of a host file open for writing: the size grows (unless KEEP_SIZE); punched and zeroed ranges are written with zeros. */
export function allocateBound(ctx: SyscallContext, file: OpenFile, mode: number, offset: number, len: number): number {
  const hostFd = ctx.kernel.host.fd(file.id);
  if (hostFd === undefined || hostFd < 0) return -Errno.ENODEV;
  try {
    const size = Number(fs.fstatSync(hostFd, { bigint: true }).size);
    const end = offset + len;
    if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
      const stop = mode & FALLOC_FL_KEEP_SIZE ? Math.min(end, size) : end;
      const zeros = Buffer.alloc(Math.min(ZERO_CHUNK, Math.max(0, stop - offset)));
      for (let at = offset; at < stop; at += zeros.length) fs.writeSync(hostFd, zeros, 0, Math.min(zeros.length, stop - at), at);
    } else if (!(mode & FALLOC_FL_KEEP_SIZE) && end > size) {
      fs.ftruncateSync(hostFd, end);
    }
  } catch (err) {
    return -errnoOf(err, Errno.EIO);
  }
  return 0;
}
