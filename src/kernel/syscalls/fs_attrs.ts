// Syscalls that change a file's attributes: chmod, chown and utimes families. A lower file
// is copied up first; an fd of an overlay file changes its node, even after an unlink.
import { Errno } from '../errno.js';
import { S_IFMT, S_IFDIR, S_ISGID, S_ISUID, S_IXGRP } from '../vfs/file_stat.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { accessDenied, isOwner, nowNs, processCapable, processInGroup } from './overlay_ops.js';
import { isFrozen, isImmutable } from '../vfs/inode_flags.js';
import { ACL_ACCESS, chmodAcl, encodeAcl, storedAcl } from '../vfs/posix_acl.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW } from './paths.js';
import { chmod as hostChmod, chown as hostChown, setTimes as hostSetTimes } from '../vfs/writable_bind.js';
import { CAP_CHOWN, CAP_FSETID } from '../task/capabilities.js';
import { fdTarget, notifiedOnHost, notifyAttrib, pathTarget, statOf, upperNode, writableOf, type Target } from './attr_target.js';

// ---- chmod ------------------------------------------------------------------------------

function chmodTarget(ctx: SyscallContext, t: Target | number, mode: number): number {
  if (typeof t === 'number' || t === 'none') return typeof t === 'number' ? t : 0;
  const st = statOf(t);
  if (!isOwner(ctx, st)) return -Errno.EPERM;
  if (st.isSymbolicLink()) return -Errno.EOPNOTSUPP;
  if (isFrozen(st)) return -Errno.EPERM;
  let perm = mode & 0o7777;
  // Only a member of the file's group may keep it set-group-ID.
  if (!processCapable(ctx, CAP_FSETID) && !processInGroup(ctx, Number(st.gid))) perm &= ~S_ISGID;
  const bind = writableOf(t);
  if (bind) return notifiedOnHost(ctx, t, hostChmod(bind, perm));
  const node = upperNode(ctx, t);
  if (typeof node === 'number') return node;
  const timeNs = nowNs();
  ctx.emit({ type: 'OverlayAttrsSet', nodeId: node.id, mode: (node.mode & S_IFMT) | perm, ctimeNs: timeNs });
  // The access ACL follows (posix_acl_chmod): its owner, mask (or group) and other entries are the new bits.
  const acl = node.xattrs?.get(ACL_ACCESS);
  if (acl) ctx.emit({ type: 'OverlayXattrSet', nodeId: node.id, name: ACL_ACCESS, value: encodeAcl(chmodAcl(storedAcl(acl), perm)), timeNs });
  notifyAttrib(ctx, t, node);
  return 0;
}

export function sysChmod(ctx: SyscallContext): Outcome {
  return chmodTarget(ctx, pathTarget(ctx, AT_FDCWD, ctx.args[0]!, 0), ctx.uint(1));
}

export function sysFchmod(ctx: SyscallContext): Outcome {
  return chmodTarget(ctx, fdTarget(ctx, ctx.int(0)), ctx.uint(1));
}

/** fchmodat has no flags argument (fchmodat2 has): it always follows symlinks. */
export function sysFchmodat(ctx: SyscallContext): Outcome {
  return chmodTarget(ctx, pathTarget(ctx, ctx.int(0), ctx.args[1]!, 0), ctx.uint(2));
}

// ---- chown ------------------------------------------------------------------------------

function chownTarget(ctx: SyscallContext, t: Target | number, uid: number, gid: number): number {
  if (typeof t === 'number' || t === 'none') return typeof t === 'number' ? t : 0;
  const st = statOf(t);
  if (isFrozen(st)) return -Errno.EPERM;
  if (!processCapable(ctx, CAP_CHOWN)) {
    // Without CAP_CHOWN only the owner may, keeping the owner, to a group of its own (Linux's chown_ok, chgrp_ok).
    const owner = Number(st.uid) === ctx.process.creds.euid;
    if (uid !== -1 && !(owner && uid === Number(st.uid))) return -Errno.EPERM;
    if (gid !== -1 && !(owner && (gid === Number(st.gid) || processInGroup(ctx, gid)))) return -Errno.EPERM;
  }
  const bind = writableOf(t);
  if (bind) {
    // Host files keep their host owner: the sandbox cannot give them away (as root squashing does).
    const unchanged = (uid === -1 || uid === Number(st.uid)) && (gid === -1 || gid === Number(st.gid));
    return unchanged ? notifiedOnHost(ctx, t, hostChown(bind, Number(st.uid), Number(st.gid))) : -Errno.EPERM;
  }
  const node = upperNode(ctx, t);
  if (typeof node === 'number') return node;
  let mode = node.mode;
  // A change of owner drops set-user-ID (and set-group-ID of a group-executable file).
  if ((mode & S_IFMT) !== S_IFDIR) {
    mode &= ~S_ISUID;
    if (mode & S_IXGRP) mode &= ~S_ISGID;
  }
  ctx.emit({
    type: 'OverlayAttrsSet', nodeId: node.id, ctimeNs: nowNs(),
    ...(uid === -1 ? {} : { uid }), ...(gid === -1 ? {} : { gid }), ...(mode === node.mode ? {} : { mode }),
  });
  notifyAttrib(ctx, t, node);
  return 0;
}

export function sysChown(ctx: SyscallContext): Outcome {
  return chownTarget(ctx, pathTarget(ctx, AT_FDCWD, ctx.args[0]!, 0), ctx.int(1), ctx.int(2));
}

export function sysLchown(ctx: SyscallContext): Outcome {
  return chownTarget(ctx, pathTarget(ctx, AT_FDCWD, ctx.args[0]!, AT_SYMLINK_NOFOLLOW), ctx.int(1), ctx.int(2));
}

export function sysFchown(ctx: SyscallContext): Outcome {
  return chownTarget(ctx, fdTarget(ctx, ctx.int(0)), ctx.int(1), ctx.int(2));
}

export function sysFchownat(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(4);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
  return chownTarget(ctx, pathTarget(ctx, ctx.int(0), ctx.args[1]!, flags), ctx.int(2), ctx.int(3));
}

// ---- utimensat, utimes, futimesat, utime ----------------------------------------------------

const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;
const NS = 1_000_000_000n;

/** A time to set: nanoseconds, now, left as it is, or (utimensat) out of range, refused once the file is found. */
type TimeSpec = bigint | 'now' | 'omit' | 'invalid';

function setTimes(ctx: SyscallContext, t: Target | number, atime: TimeSpec, mtime: TimeSpec): number {
  if (typeof t === 'number' || t === 'none') return typeof t === 'number' ? t : 0;
  // utimensat's nanoseconds are checked once the file is found (vfs_utimes).
  if (atime === 'invalid' || mtime === 'invalid') return -Errno.EINVAL;
  if (atime === 'omit' && mtime === 'omit') return 0;
  const st = statOf(t);
  // Setting given times is for the owner; "now" for anyone who may write the file.
  const explicit = typeof atime === 'bigint' || typeof mtime === 'bigint';
  // An immutable file keeps its times; an append-only one takes "now" (may_setattr).
  if (explicit ? isFrozen(st) : isImmutable(st)) return -Errno.EPERM;
  if (!isOwner(ctx, st)) {
    if (explicit) return -Errno.EPERM;
    const denied = accessDenied(ctx.process, st, 2);
    if (denied) return denied;
  }
  // A host file of an :rw bind takes "now" from the host, which sets its ctime to the same time.
  const bind = writableOf(t);
  if (bind) return notifiedOnHost(ctx, t, hostSetTimes(bind, atime, mtime));
  const now = nowNs();
  const value = (spec: Exclude<TimeSpec, 'invalid'>): bigint | undefined => (spec === 'omit' ? undefined : spec === 'now' ? now : spec);
  const a = value(atime);
  const m = value(mtime);
  const node = upperNode(ctx, t);
  if (typeof node === 'number') return node;
  ctx.emit({
    type: 'OverlayAttrsSet', nodeId: node.id, ctimeNs: now,
    ...(a === undefined ? {} : { atimeNs: a }), ...(m === undefined ? {} : { mtimeNs: m }),
  });
  notifyAttrib(ctx, t, node);
  return 0;
}

/** Two struct timespec (NULL: both now); -EINVAL for an out-of-range tv_nsec. */
function readTimespecs(ctx: SyscallContext, addr: number): [TimeSpec, TimeSpec] | number {
  if (addr === 0) return ['now', 'now'];
  const raw = ctx.read(addr, 32);
  if (!raw) return -Errno.EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const specs: TimeSpec[] = [];
  for (const at of [0, 16]) {
    const nsec = v.getBigInt64(at + 8, true);
    if (nsec === BigInt(UTIME_NOW)) specs.push('now');
    else if (nsec === BigInt(UTIME_OMIT)) specs.push('omit');
    else if (nsec < 0n || nsec >= NS) specs.push('invalid');
    else specs.push(v.getBigInt64(at, true) * NS + nsec);
  }
  return [specs[0]!, specs[1]!];
}

/** Two struct timeval (NULL: both now); -EINVAL for an out-of-range tv_usec. */
function readTimevals(ctx: SyscallContext, addr: number): [TimeSpec, TimeSpec] | number {
  if (addr === 0) return ['now', 'now'];
  const raw = ctx.read(addr, 32);
  if (!raw) return -Errno.EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const specs: bigint[] = [];
  for (const at of [0, 16]) {
    const usec = v.getBigInt64(at + 8, true);
    if (usec < 0n || usec >= 1_000_000n) return -Errno.EINVAL;
    specs.push(v.getBigInt64(at, true) * NS + usec * 1000n);
  }
  return [specs[0]!, specs[1]!];
}

export function sysUtimensat(ctx: SyscallContext): Outcome {
  const dirfd = ctx.int(0);
  const pathAddr = ctx.args[1]!;
  const flags = ctx.uint(3);
  const times = readTimespecs(ctx, ctx.args[2]!);
  if (typeof times === 'number') return times;
  if (times[0] === 'omit' && times[1] === 'omit') return 0;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
  // A NULL path means the file open at dirfd (futimens).
  if (pathAddr === 0) {
    if (dirfd === AT_FDCWD) return -Errno.EFAULT;
    if (flags) return -Errno.EINVAL;
    return setTimes(ctx, fdTarget(ctx, dirfd), ...times);
  }
  return setTimes(ctx, pathTarget(ctx, dirfd, pathAddr, flags), ...times);
}

export function sysFutimesat(ctx: SyscallContext): Outcome {
  const times = readTimevals(ctx, ctx.args[2]!);
  if (typeof times === 'number') return times;
  // A NULL path is the file open at dirfd; with AT_FDCWD it is a path read from NULL (EFAULT).
  if (ctx.args[1] === 0) return ctx.int(0) === AT_FDCWD ? -Errno.EFAULT : setTimes(ctx, fdTarget(ctx, ctx.int(0)), ...times);
  return setTimes(ctx, pathTarget(ctx, ctx.int(0), ctx.args[1]!, 0), ...times);
}

export function sysUtimes(ctx: SyscallContext): Outcome {
  const times = readTimevals(ctx, ctx.args[1]!);
  if (typeof times === 'number') return times;
  return setTimes(ctx, pathTarget(ctx, AT_FDCWD, ctx.args[0]!, 0), ...times);
}

/** utime: a struct utimbuf of two time_t in seconds (NULL: now). */
export function sysUtime(ctx: SyscallContext): Outcome {
  const addr = ctx.args[1]!;
  let times: [TimeSpec, TimeSpec] = ['now', 'now'];
  if (addr !== 0) {
    const raw = ctx.read(addr, 16);
    if (!raw) return -Errno.EFAULT;
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    times = [v.getBigInt64(0, true) * NS, v.getBigInt64(8, true) * NS];
  }
  return setTimes(ctx, pathTarget(ctx, AT_FDCWD, ctx.args[0]!, 0), ...times);
}
