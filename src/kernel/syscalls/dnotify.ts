// dnotify (fcntl F_NOTIFY): a process asks to be signalled when entries of a directory are
// accessed, modified, created, deleted, renamed or change attributes. The events are inotify's
// (fs_notify.ts reports every change to both); a mark's owner gets the file's F_SETSIG signal
// (SIGIO by default) with si_code POLL_MSG and the fd as si_fd. Without DN_MULTISHOT the mark
// goes after its first signal.
import { Errno } from '../errno.js';
import type { FdLookup } from '../fd/fd_table.js';
import type { InodeRef } from '../state.js';
import { IN_ACCESS, IN_ATTRIB, IN_CREATE, IN_DELETE, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO } from '../abi/inotify.js';
import { POLL_MSG } from '../abi/signals.js';
import type { SyscallContext } from './context.js';
import { statOfFile } from './fs.js';
import { F_OWNER_PID, sendSigio } from './sigio.js';

const DN_ACCESS = 0x1;
const DN_MODIFY = 0x2;
const DN_CREATE = 0x4;
const DN_DELETE = 0x8;
const DN_RENAME = 0x10;
const DN_ATTRIB = 0x20;
const DN_MULTISHOT = 0x80000000;

/** The inotify events each DN_ bit stands for (Linux's convert_arg: a move out deletes, a move in creates). */
const DN_EVENTS: ReadonlyArray<[number, number]> = [
  [DN_ACCESS, IN_ACCESS],
  [DN_MODIFY, IN_MODIFY],
  [DN_CREATE, IN_CREATE | IN_MOVED_TO],
  [DN_DELETE, IN_DELETE | IN_MOVED_FROM],
  [DN_ATTRIB, IN_ATTRIB],
];

function inotifyMask(dn: number): number {
  let mask = 0;
  for (const [bit, events] of DN_EVENTS) if (dn & bit) mask |= events;
  return mask;
}

/** fcntl(fd, F_NOTIFY, arg): no event bits removes the mark; else fd must be a directory. */
export function setDnotify(ctx: SyscallContext, d: FdLookup, fd: number, arg: number): number {
  const mark = { fileId: d.file.id, pid: ctx.process.pid, fd };
  const dir = { dev: 0n, ino: 0n };
  if ((arg & ~DN_MULTISHOT) === 0) {
    ctx.emit({ type: 'DnotifySet', ...mark, dir, mask: 0 });
    return 0;
  }
  const stat = statOfFile(ctx, d.file);
  if (typeof stat === 'number') return stat;
  if (!stat.isDirectory()) return -Errno.ENOTDIR;
  // The caller becomes the file's owner: the signals are its.
  ctx.emit({ type: 'FileOwnerSet', fileId: d.file.id, ownerType: F_OWNER_PID, ownerId: ctx.process.pid });
  ctx.emit({ type: 'DnotifySet', ...mark, dir: { dev: stat.dev, ino: stat.ino }, mask: arg >>> 0 });
  return 0;
}

function same(a: InodeRef | null, b: InodeRef): boolean {
  return a !== null && a.dev === b.dev && a.ino === b.ino;
}

/** Where the last IN_MOVED_FROM happened: its IN_MOVED_TO in the same directory is a DN_RENAME there. */
const movedFrom = new WeakMap<SyscallContext['kernel'], { cookie: number; parent: InodeRef | null }>();

/**
 * An inotify event (fs_notify.ts): the marks on the directory it happened in, or on the
 * directory itself, fire. DN_RENAME is a rename within the directory (Linux's FS_DN_RENAME: a
 * move to or from another directory is only DN_CREATE / DN_DELETE).
 */
export function dnotifyEvent(ctx: SyscallContext, mask: number, self: InodeRef | null, parent: InodeRef | null, cookie: number): void {
  const marks = ctx.kernel.state.dnotifyMarks;
  if (!marks) return;
  let renamedIn: InodeRef | null = null;
  if (mask & IN_MOVED_FROM) movedFrom.set(ctx.kernel, { cookie, parent });
  if (mask & IN_MOVED_TO) {
    const from = movedFrom.get(ctx.kernel);
    if (from && from.cookie === cookie && parent && same(from.parent, parent)) renamedIn = parent;
  }
  for (const m of [...marks]) {
    const matches = (inotifyMask(m.mask) & mask) !== 0 || (renamedIn !== null && (m.mask & DN_RENAME) !== 0 && same(renamedIn, m.dir));
    if (!matches || !(same(parent, m.dir) || same(self, m.dir))) continue;
    const file = ctx.kernel.state.files.get(m.fileId);
    if (file) sendSigio(ctx.kernel, file, m.fd, POLL_MSG);
    if (!(m.mask & DN_MULTISHOT)) ctx.emit({ type: 'DnotifySet', fileId: m.fileId, pid: m.pid, fd: m.fd, dir: m.dir, mask: 0 });
  }
}
