// fd-table syscalls: close, dup family, fcntl, lseek, ioctl, close_range.
import { CAP_SYS_RESOURCE, capable } from '../task/capabilities.js';
import { PIPE_PAGE, usedSlots } from '../ipc/pipe_pages.js';
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { closeFd, fdLimit, lookupFd, lookupOpenFd, lowestFreeFd } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import { fcntlLock } from './file_locks.js';
import { F_UNLCK } from '../fd/file_locks.js';
import { addSeals, getSeals } from './memfd.js';
import { statOfFile } from './fs.js';
import { inotifyQueuedBytes } from './inotify.js';
import type { Outcome } from './outcome.js';
import { O_APPEND, O_ASYNC, O_CLOEXEC } from '../abi/open_flags.js';
import { FS_APPEND_FL } from '../vfs/inode_flags.js';
import { F_OWNER_PGRP, F_OWNER_PID, F_OWNER_TID, asyncStarted, getOwner, getOwnerEx, hasFasync, setOwner, setOwnerSignal } from './sigio.js';
import { setDnotify } from './dnotify.js';
import { isPty } from './pty.js';
import { ptyIoctl } from './tty_ioctl.js';
import { socketIoctl } from './socket_ioctl.js';
import { namespaceIoctl, openNamespace } from './ns_ioctl.js';
import { consoleForeground, consoleJobControl, setConsoleForeground } from './console.js';
import { FIOCLEX, FIONBIO, FIONCLEX, FIONREAD, TCGETS, TCSETS, TCSETSF, TCSETSW, TIOCGPGRP, TIOCGWINSZ, TIOCSPGRP, TIOCSWINSZ } from '../abi/tty_ioctls.js';
import { TERMIOS_SIZE, WINSIZE_SIZE } from '../tty/termios.js';
import { memFile } from './mem_file.js';
import { isProcMem, seekProcMem } from './proc_mem.js';
import { inodeFlagsIoctl } from './inode_flags_ioctl.js';
import { nextData, nextHole } from '../vfs/file_extents.js';

const FD_CLOEXEC = 1;
/** The status flags F_SETFL may change (Linux: SETFL_MASK). */
const SETFL_MASK = 0o2000 /* O_APPEND */ | 0o4000 /* O_NONBLOCK */ | 0o20000 /* O_ASYNC */ | 0o40000 /* O_DIRECT */ | 0o1000000; /* O_NOATIME */

export function sysClose(ctx: SyscallContext): Outcome {
  return closeFd(ctx, ctx.int(0));
}

function dupTo(ctx: SyscallContext, oldfd: number, newfd: number, cloexec: boolean): number {
  const d = lookupFd(ctx, oldfd);
  if (!d) return -Errno.EBADF;
  if (newfd < 0 || newfd >= fdLimit(ctx.process)) return -Errno.EBADF;
  if (newfd !== oldfd && ctx.process.fds.has(newfd)) closeFd(ctx, newfd);
  ctx.emit({ type: 'FdInstalled', pid: ctx.process.pid, fd: newfd, fileId: d.file.id, cloexec });
  return newfd;
}

export function sysDup(ctx: SyscallContext): Outcome {
  const oldfd = ctx.int(0);
  if (!lookupFd(ctx, oldfd)) return -Errno.EBADF;
  const fd = lowestFreeFd(ctx.process);
  return fd < 0 ? fd : dupTo(ctx, oldfd, fd, false);
}

export function sysDup2(ctx: SyscallContext): Outcome {
  const oldfd = ctx.int(0);
  const newfd = ctx.int(1);
  if (!lookupFd(ctx, oldfd)) return -Errno.EBADF;
  if (oldfd === newfd) return newfd;
  return dupTo(ctx, oldfd, newfd, false);
}

export function sysDup3(ctx: SyscallContext): Outcome {
  const oldfd = ctx.int(0);
  const newfd = ctx.int(1);
  const flags = ctx.uint(2);
  if (flags & ~O_CLOEXEC) return -Errno.EINVAL;
  if (oldfd === newfd) return -Errno.EINVAL;
  return dupTo(ctx, oldfd, newfd, (flags & O_CLOEXEC) !== 0);
}

const F_DUPFD = 0;
const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
const F_SETOWN = 8;
const F_GETOWN = 9;
const F_SETSIG = 10;
const F_GETSIG = 11;
const F_SETOWN_EX = 15;
const F_GETOWN_EX = 16;
const F_GETLEASE = 1025;
const F_NOTIFY = 1026;
const F_DUPFD_CLOEXEC = 1030;
const F_ADD_SEALS = 1033;
const F_GET_SEALS = 1034;
const F_SETPIPE_SZ = 1031;
/** /proc/sys/fs/pipe-max-size: what an unprivileged process may ask for. */
export const PIPE_MAX_SIZE = 1048576;
const F_GETPIPE_SZ = 1032;
const F_OFD_GETLK = 36;
const F_OFD_SETLK = 37;
const F_OFD_SETLKW = 38;

export function sysFcntl(ctx: SyscallContext): Outcome {
  const fd = ctx.int(0);
  const cmd = ctx.int(1);
  const d = lookupFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = ctx.int(2);
      if (min < 0 || min >= fdLimit(ctx.process)) return -Errno.EINVAL;
      const newfd = lowestFreeFd(ctx.process, min);
      return newfd < 0 ? newfd : dupTo(ctx, fd, newfd, cmd === F_DUPFD_CLOEXEC);
    }
    case F_GETFD:
      return d.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD:
      ctx.emit({ type: 'FdFlagsSet', pid: ctx.process.pid, fd, cloexec: (ctx.int(2) & FD_CLOEXEC) !== 0 });
      return 0;
    case F_GETFL:
      return d.file.flags;
    case F_SETFL: {
      let flags = (d.file.flags & ~SETFL_MASK) | (ctx.uint(2) & SETFL_MASK);
      // An append-only file's open files keep O_APPEND (setfl).
      if ((flags ^ d.file.flags) & O_APPEND && (memFile(ctx, d.file)?.flags ?? 0) & FS_APPEND_FL) return -Errno.EPERM;
      // O_ASYNC stays only on files that can signal (Linux drops it where there is no fasync).
      if (!hasFasync(d.file)) flags &= ~O_ASYNC;
      const starting = (flags & O_ASYNC) !== 0 && !(d.file.flags & O_ASYNC);
      ctx.emit({ type: 'FileStatusFlagsSet', fileId: d.file.id, flags, fd });
      if (starting) asyncStarted(ctx.kernel, d.file);
      return 0;
    }
    case F_GETOWN:
      return getOwner(ctx, d);
    case F_SETOWN: {
      const who = ctx.int(2);
      if (who === -0x80000000) return -Errno.EINVAL;
      return setOwner(ctx, d, who < 0 ? F_OWNER_PGRP : F_OWNER_PID, Math.abs(who));
    }
    case F_GETOWN_EX: {
      const owner = getOwnerEx(ctx, d);
      const out = Buffer.alloc(8);
      out.writeInt32LE(owner.type, 0);
      out.writeInt32LE(owner.id, 4);
      return ctx.write(ctx.args[2]!, out) ? 0 : -Errno.EFAULT;
    }
    case F_SETOWN_EX: {
      const raw = ctx.read(ctx.args[2]!, 8);
      if (!raw) return -Errno.EFAULT;
      const v = new DataView(raw.buffer, raw.byteOffset, 8);
      const type = v.getInt32(0, true);
      const id = v.getInt32(4, true);
      if (type !== F_OWNER_TID && type !== F_OWNER_PID && type !== F_OWNER_PGRP) return -Errno.EINVAL;
      if (id < 0) return -Errno.EINVAL;
      return setOwner(ctx, d, type, id);
    }
    case F_GETSIG:
      return d.file.ownerSignal ?? 0;
    case F_SETSIG:
      return setOwnerSignal(ctx, d, ctx.int(2));
    case F_NOTIFY:
      return setDnotify(ctx, d, fd, ctx.uint(2));
    case F_GETLK:
      return fcntlLock(ctx, d, 'get', false);
    case F_SETLK:
      return fcntlLock(ctx, d, 'set', false);
    case F_SETLKW:
      return fcntlLock(ctx, d, 'wait', false);
    case F_OFD_GETLK:
      return fcntlLock(ctx, d, 'get', true);
    case F_OFD_SETLK:
      return fcntlLock(ctx, d, 'set', true);
    case F_OFD_SETLKW:
      return fcntlLock(ctx, d, 'wait', true);
    case F_GETPIPE_SZ: {
      // tsvisor's stdio may be a host pipe: its size is the host's.
      if (d.file.kind === 'stdio') return ctx.kernel.platform.hostPipeSize(d.file.hostFd!, -1);
      const pipe = d.file.pipeId === undefined ? undefined : ctx.kernel.state.pipes.get(d.file.pipeId);
      return pipe ? pipe.capacity : -Errno.EBADF;
    }
    case F_SETPIPE_SZ: {
      const pipe = d.file.pipeId === undefined ? undefined : ctx.kernel.state.pipes.get(d.file.pipeId);
      if (!pipe && d.file.kind !== 'stdio') return -Errno.EBADF;
      // An unsigned int: beyond 2^31 no size rounds up (EINVAL); else a power-of-two number of
      // pages, at least one. Growing past pipe-max-size needs CAP_SYS_RESOURCE.
      const want = ctx.uint(2);
      if (want > 2 ** 31) return -Errno.EINVAL;
      let capacity = 4096;
      while (capacity < want) capacity *= 2;
      const grows = !pipe || capacity > pipe.capacity;
      if (grows && capacity > PIPE_MAX_SIZE && !capable(ctx.process.creds, CAP_SYS_RESOURCE)) return -Errno.EPERM;
      if (!pipe) return ctx.kernel.platform.hostPipeSize(d.file.hostFd!, want);
      // Not below the pages the pipe holds (however few bytes they have).
      if (capacity / PIPE_PAGE < usedSlots(pipe)) return -Errno.EBUSY;
      ctx.emit({ type: 'PipeCapacitySet', pipeId: pipe.id, capacity });
      ctx.kernel.notify(`pipe:${pipe.id}`);
      return capacity;
    }
    // No lease is ever granted (F_SETLEASE is refused), so none is held.
    case F_GETLEASE:
      return F_UNLCK;
    case F_GET_SEALS:
      return getSeals(ctx, d);
    case F_ADD_SEALS:
      return addSeals(ctx, d, ctx.uint(2));
    default:
      return -Errno.EINVAL;
  }
}

const SEEK_SET = 0;
const SEEK_CUR = 1;
const SEEK_END = 2;
const SEEK_DATA = 3;
const SEEK_HOLE = 4;

/** SEEK_DATA or SEEK_HOLE on the host fd of a host file (lower layer or :rw mount): the offset or -errno; undefined for files without one. */
function hostSeek(ctx: SyscallContext, fileId: number, offset: number, whence: number): number | undefined {
  const hostFd = ctx.kernel.host.fd(fileId);
  if (hostFd === undefined || hostFd < 0) return undefined;
  return ctx.kernel.platform.hostLseek(hostFd, offset, whence);
}

export function sysLseek(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  const offset = ctx.args[1]!;
  const whence = ctx.int(2);
  const file = d.file;
  if (whence < SEEK_SET || whence > SEEK_HOLE) return -Errno.EINVAL;
  if (file.kind === 'stdio') {
    const st = fs.fstatSync(file.hostFd!);
    if (!st.isFile() && !st.isBlockDevice()) return -Errno.ESPIPE;
    return ctx.kernel.platform.hostLseek(file.hostFd!, offset, whence);
  }
  if (file.kind === 'dev') return 0;
  if (isProcMem(file)) return seekProcMem(ctx, file, offset, whence);
  if (file.kind === 'pipe' || isPty(file)) return -Errno.ESPIPE;
  let size = 0;
  const node = file.kind === 'mem' ? memFile(ctx, file) : undefined;
  if (file.kind === 'host' || file.kind === 'mem') {
    const st = statOfFile(ctx, file);
    if (typeof st === 'number') return st;
    size = Number(st.size);
  }
  let next: number;
  switch (whence) {
    case SEEK_SET:
      next = offset;
      break;
    case SEEK_CUR:
      next = file.offset + offset;
      break;
    case SEEK_END:
      next = size + offset;
      break;
    // Offsets compare as unsigned here, as in Linux: a negative one is past the end.
    // An overlay file knows its holes (vfs/file_extents.ts), a host file's filesystem knows
    // its own (asked on the kernel's host fd, whose offset reads never use: they give theirs).
    case SEEK_DATA: {
      if (offset < 0 || offset >= size) return -Errno.ENXIO;
      const data = node ? nextData(node, offset) : hostSeek(ctx, file.id, offset, whence) ?? offset;
      if (data === null) return -Errno.ENXIO;
      if (data < 0) return data;
      next = data;
      break;
    }
    case SEEK_HOLE: {
      if (offset < 0 || offset >= size) return -Errno.ENXIO;
      const hole = node ? nextHole(node, offset) : hostSeek(ctx, file.id, offset, whence) ?? size;
      if (hole < 0) return hole;
      next = hole;
      break;
    }
    default:
      return -Errno.EINVAL;
  }
  if (next < 0) return -Errno.EINVAL;
  // Offsets are JavaScript numbers here (the platform reports arguments as doubles): past
  // 2^53 they are no longer exact, so they are refused as beyond the largest file, as Linux
  // refuses offsets past a filesystem's maximum size (ext4's is 16 TiB).
  if (next > Number.MAX_SAFE_INTEGER) return -Errno.EINVAL;
  if (file.kind === 'dir' && whence !== SEEK_SET) return -Errno.EINVAL;
  if (next !== file.offset) ctx.emit({ type: 'FileOffsetSet', fileId: file.id, offset: next });
  if (file.kind === 'dir') ctx.kernel.host.forgetListing(file.id, next === 0);
  return next;
}


export function sysIoctl(ctx: SyscallContext): Outcome {
  const fd = ctx.int(0);
  const request = ctx.uint(1);
  const argp = ctx.args[2]!;
  // Not even FIOCLEX takes an O_PATH fd.
  const d = lookupOpenFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  switch (request) {
    case FIOCLEX:
    case FIONCLEX:
      ctx.emit({ type: 'FdFlagsSet', pid: ctx.process.pid, fd, cloexec: request === FIOCLEX });
      return 0;
    case FIONBIO: {
      const on = ctx.read(argp, 4);
      if (!on) return -Errno.EFAULT;
      const O_NONBLOCK = 0o4000;
      const set = new DataView(on.buffer, on.byteOffset).getInt32(0, true) !== 0;
      ctx.emit({ type: 'FileStatusFlagsSet', fileId: d.file.id, flags: set ? d.file.flags | O_NONBLOCK : d.file.flags & ~O_NONBLOCK });
      return 0;
    }
  }
  const attrs = inodeFlagsIoctl(ctx, fd, request, argp);
  if (attrs !== undefined) return attrs;
  if (isPty(d.file)) return ptyIoctl(ctx, d, request, argp);
  if (d.file.kind === 'socket') return socketIoctl(ctx, d, request, argp);
  const ns = openNamespace(d);
  if (ns) return namespaceIoctl(ctx, ns, request, argp);
  if (d.file.kind !== 'stdio') {
    if (request === FIONREAD && d.file.kind === 'inotify') {
      const out = Buffer.alloc(4);
      out.writeInt32LE(inotifyQueuedBytes(ctx, d.file));
      return ctx.write(argp, out) ? 0 : -Errno.EFAULT;
    }
    if (request === FIONREAD && d.file.kind === 'pipe') {
      const out = Buffer.alloc(4);
      out.writeInt32LE(ctx.kernel.state.pipes.get(d.file.pipeId!)?.length ?? 0);
      return ctx.write(argp, out) ? 0 : -Errno.EFAULT;
    }
    if (request === FIONREAD && (d.file.kind === 'host' || d.file.kind === 'mem')) {
      const st = statOfFile(ctx, d.file);
      if (typeof st === 'number') return st;
      const left = Math.max(0, Number(st.size) - d.file.offset);
      const out = Buffer.alloc(4);
      out.writeInt32LE(Math.min(left, 0x7fffffff));
      return ctx.write(argp, out) ? 0 : -Errno.EFAULT;
    }
    return -Errno.ENOTTY;
  }
  // stdio: terminal requests go to tsvisor's own terminal; anything else is not a tty.
  const hostFd = d.file.hostFd!;
  const platform = ctx.kernel.platform;
  switch (request) {
    case TCGETS:
    case TIOCGWINSZ: {
      const buf = new Uint8Array(request === TCGETS ? TERMIOS_SIZE : WINSIZE_SIZE);
      const r = platform.hostIoctl(hostFd, request, buf);
      if (r < 0) return r;
      return ctx.write(argp, buf) ? 0 : -Errno.EFAULT;
    }
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TIOCSWINSZ: {
      const refused = request === TIOCSWINSZ ? undefined : consoleJobControl(ctx, hostFd, 'change');
      if (refused !== undefined) return refused;
      const buf = ctx.read(argp, request === TIOCSWINSZ ? WINSIZE_SIZE : TERMIOS_SIZE);
      if (!buf) return -Errno.EFAULT;
      return platform.hostIoctl(hostFd, request, buf);
    }
    case TIOCGPGRP: {
      const probe = new Uint8Array(TERMIOS_SIZE);
      if (platform.hostIoctl(hostFd, TCGETS, probe) < 0) return -Errno.ENOTTY;
      const pgrp = consoleForeground(ctx);
      if (pgrp < 0) return pgrp;
      const out = Buffer.alloc(4);
      out.writeInt32LE(pgrp);
      return ctx.write(argp, out) ? 0 : -Errno.EFAULT;
    }
    case TIOCSPGRP: {
      const probe = new Uint8Array(TERMIOS_SIZE);
      if (platform.hostIoctl(hostFd, TCGETS, probe) < 0) return -Errno.ENOTTY;
      const refused = consoleJobControl(ctx, hostFd, 'change');
      // tcsetpgrp from a background group that may not stop is ENOTTY, not EIO (Linux).
      if (refused !== undefined) return refused === -Errno.EIO ? -Errno.ENOTTY : refused;
      const raw = ctx.read(argp, 4);
      if (!raw) return -Errno.EFAULT;
      return setConsoleForeground(ctx, new DataView(raw.buffer, raw.byteOffset).getInt32(0, true));
    }
    case FIONREAD: {
      const buf = new Uint8Array(4);
      const r = platform.hostIoctl(hostFd, FIONREAD, buf);
      if (r < 0) return r;
      return ctx.write(argp, buf) ? 0 : -Errno.EFAULT;
    }
    default:
      return -Errno.ENOTTY;
  }
}

const CLOSE_RANGE_UNSHARE = 2;
const CLOSE_RANGE_CLOEXEC = 4;

export function sysCloseRange(ctx: SyscallContext): Outcome {
  const first = ctx.uint(0);
  const last = ctx.uint(1);
  const flags = ctx.uint(2);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) return -Errno.EINVAL;
  for (const fd of [...ctx.process.fds.keys()].sort((a, b) => a - b)) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) ctx.emit({ type: 'FdFlagsSet', pid: ctx.process.pid, fd, cloexec: true });
    else closeFd(ctx, fd);
  }
  return 0;
}
