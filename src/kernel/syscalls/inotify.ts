// inotify: watches on files and directories of the sandbox, whose changes (made inside the
// sandbox: syscalls/fs_notify.ts emits them) are read as struct inotify_event records.
import { byteLength, writeBytes } from '../../byte_string.js';
import { Errno } from '../errno.js';
import { lookupFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { InotifyRecord, InotifyState, OpenFile } from '../state.js';
import {
  IN_ALL_EVENTS, IN_DONT_FOLLOW, IN_EXCL_UNLINK, IN_IGNORED, IN_ISDIR, IN_MASK_ADD, IN_MASK_CREATE, IN_ONESHOT,
  IN_ONLYDIR, IN_Q_OVERFLOW, IN_UNMOUNT,
} from '../abi/inotify.js';
import { O_RDONLY } from '../abi/open_flags.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { mayAccess } from './overlay_ops.js';
import { AT_FDCWD, resolveAt } from './paths.js';

const IN_NONBLOCK = 0o4000;
const IN_CLOEXEC = 0o2000000;
/** Every bit inotify_add_watch knows; others are EINVAL. */
const ALL_INOTIFY_BITS =
  IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK |
  IN_MASK_CREATE | IN_MASK_ADD | IN_ISDIR | IN_ONESHOT;
/** What a watch keeps of the mask it was given. */
const WATCH_BITS = IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK;
/** sizeof(struct inotify_event), also the unit its name is padded to. */
const EVENT_SIZE = 16;

/** The key an inotify instance's readers and pollers wait on. */
export function inotifyWakeKey(id: number): string {
  return `inotify:${id}`;
}

export function sysInotifyInit(ctx: SyscallContext): Outcome {
  return create(ctx, 0);
}

export function sysInotifyInit1(ctx: SyscallContext): Outcome {
  return create(ctx, ctx.uint(0));
}

function create(ctx: SyscallContext, flags: number): Outcome {
  if (flags & ~(IN_NONBLOCK | IN_CLOEXEC)) return -Errno.EINVAL;
  const id = ctx.kernel.state.nextObjectId;
  ctx.emit({ type: 'InotifyCreated', id });
  return openNewFile(ctx, { kind: 'inotify', path: 'anon_inode:inotify', flags: O_RDONLY | (flags & IN_NONBLOCK), cloexec: (flags & IN_CLOEXEC) !== 0, objectId: id });
}

function instanceOf(ctx: SyscallContext, fd: number): InotifyState | number {
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'inotify') return -Errno.EINVAL;
  return ctx.kernel.state.inotifies.get(d.file.objectId!) ?? -Errno.EBADF;
}

export function sysInotifyAddWatch(ctx: SyscallContext): Outcome {
  const mask = ctx.uint(2);
  if (!(mask & ALL_INOTIFY_BITS) || (mask & ~ALL_INOTIFY_BITS)) return -Errno.EINVAL;
  const inotify = instanceOf(ctx, ctx.int(0));
  if (inotify === -Errno.EBADF) return inotify;
  if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE)) return -Errno.EINVAL;
  if (typeof inotify === 'number') return inotify;
  const path = ctx.readPath(ctx.args[1]!);
  if (typeof path === 'number') return path;
  const node = resolveAt(ctx, AT_FDCWD, path, (mask & IN_DONT_FOLLOW) === 0);
  if (typeof node === 'number') return node;
  if ((mask & IN_ONLYDIR) && !node.stat.isDirectory()) return -Errno.ENOTDIR;
  // Watching needs read permission on what is watched.
  if (!mayAccess(ctx.process, node.stat, 4)) return -Errno.EACCES;
  const { dev, ino } = node.stat;
  const existing = inotify.watches.find((w) => w.dev === dev && w.ino === ino);
  if (existing && (mask & IN_MASK_CREATE)) return -Errno.EEXIST;
  const bits = (mask & WATCH_BITS) | (existing && (mask & IN_MASK_ADD) ? existing.mask : 0);
  const wd = existing?.wd ?? inotify.nextWd;
  ctx.emit({ type: 'InotifyWatchSet', id: inotify.id, wd, dev, ino, mask: bits >>> 0 });
  return wd;
}

export function sysInotifyRmWatch(ctx: SyscallContext): Outcome {
  const inotify = instanceOf(ctx, ctx.int(0));
  if (typeof inotify === 'number') return inotify;
  const wd = ctx.int(1);
  if (!inotify.watches.some((w) => w.wd === wd)) return -Errno.EINVAL;
  ctx.emit({ type: 'InotifyWatchRemoved', id: inotify.id, wd });
  ctx.kernel.notify(inotifyWakeKey(inotify.id));
  return 0;
}

function recordSize(record: InotifyRecord): number {
  return EVENT_SIZE + paddedNameLength(record.name);
}

function paddedNameLength(name: string): number {
  if (name.length === 0) return 0;
  return Math.ceil((byteLength(name) + 1) / EVENT_SIZE) * EVENT_SIZE;
}

function encode(record: InotifyRecord): Buffer {
  const len = paddedNameLength(record.name);
  const out = Buffer.alloc(EVENT_SIZE + len);
  out.writeInt32LE(record.wd, 0);
  out.writeUInt32LE(record.mask >>> 0, 4);
  out.writeUInt32LE(record.cookie >>> 0, 8);
  out.writeUInt32LE(len, 12);
  writeBytes(out, record.name, EVENT_SIZE);
  return out;
}

/** FIONREAD: the bytes the queued records take. */
export function inotifyQueuedBytes(ctx: SyscallContext, file: OpenFile): number {
  const inotify = ctx.kernel.state.inotifies.get(file.objectId!);
  return inotify ? inotify.queue.reduce((n, r) => n + recordSize(r), 0) : 0;
}

export function inotifyReadable(ctx: SyscallContext, file: OpenFile): boolean {
  return (ctx.kernel.state.inotifies.get(file.objectId!)?.queue.length ?? 0) > 0;
}

/** read(2): the whole records that fit in count (EINVAL if not even the first), waiting for one. */
export function readInotify(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  const id = d.file.objectId!;
  const attempt = (): number | null => {
    const inotify = ctx.kernel.state.inotifies.get(id);
    if (!inotify) return -Errno.EBADF;
    if (inotify.queue.length === 0) return d.file.flags & IN_NONBLOCK ? -Errno.EAGAIN : null;
    const chunks: Buffer[] = [];
    let used = 0;
    for (const record of inotify.queue) {
      const size = recordSize(record);
      if (used + size > count) break;
      chunks.push(encode(record));
      used += size;
    }
    if (chunks.length === 0) return -Errno.EINVAL;
    const r = deliver(Buffer.concat(chunks));
    if (r < 0) return r;
    ctx.emit({ type: 'InotifyRead', id, count: chunks.length });
    return r;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([inotifyWakeKey(id)], attempt);
}
