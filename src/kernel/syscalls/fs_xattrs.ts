// Extended attributes: setxattr, getxattr, listxattr, removexattr and their l- (no symlink
// following) and f- (fd) forms. The overlay keeps the user.* and trusted.* attributes of its
// upper nodes (a change to a lower file copies it up); the lower layer's own attributes are
// not read, and files outside the overlay (/proc, /dev, pipes) store none. The POSIX ACLs
// (system.posix_acl_access, system.posix_acl_default) are kept as Linux's tmpfs keeps them
// (vfs/posix_acl.ts, acl_xattrs.ts); security.* are kept too, changed only with CAP_SYS_ADMIN
// (the capability module's rule), but for file capabilities (security.capability), which
// exec would not grant: those and other system.* names cannot be set: as a filesystem
// without their handlers, EOPNOTSUPP; reading them finds nothing (ENODATA). An
// immutable or append-only file takes no change of any (EPERM). The files of a writable bind (`--mount ...:rw`) have the
// host filesystem's attributes: user.* are read and set there, others only read; trusted.*
// need CAP_SYS_ADMIN over the host, which no sandbox has (a container's root in its user
// namespace is in the same place): EPERM to set, ENODATA to get, left out of lists.
//
// The checks follow Linux's fs/xattr.c: the name is copied in before the file is looked up;
// then xattr_permission (trusted.* for CAP_SYS_ADMIN; user.* only on regular files and
// directories, a sticky directory's only for its owner; then read or write permission);
// then the namespace's handler.
import { Errno } from '../errno.js';
import type { OverlayNode } from '../state.js';
import { S_IFDIR, S_IFMT, S_IFREG, S_ISVTX, type FileStat } from '../vfs/file_stat.js';
import { CAP_SYS_ADMIN } from '../task/capabilities.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { inOverlay, isOwner, mayAccess, nowNs, processCapable } from './overlay_ops.js';
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW } from './paths.js';
import { fdTarget, isVNode, notifiedOnHost, notifyAttrib, pathTarget, statOf, upperNode, writableOf, type Target } from './attr_target.js';
import { changeXattr, getXattr, listXattrs } from '../vfs/writable_bind.js';
import type { VNode } from '../vfs/vnode.js';
import { encodeBytes } from '../../byte_string.js';
import { isFrozen } from '../vfs/inode_flags.js';
import { ACL_ACCESS, ACL_DEFAULT, isAclName } from '../vfs/posix_acl.js';
import { getAcl, setAcl } from './acl_xattrs.js';

const XATTR_CREATE = 1;
const XATTR_REPLACE = 2;
const XATTR_NAME_MAX = 255;
/** The largest value, and the largest list of names, the VFS copies. */
const XATTR_SIZE_MAX = 65536;
const XATTR_LIST_MAX = 65536;
const MAY_WRITE = 2;
const MAY_READ = 4;

/**
 * The namespaces the overlay stores, and those it knows but has no handler for. Of security.*,
 * file capabilities (security.capability) are not stored: exec would not grant them.
 */
const STORED_PREFIXES = ['user.', 'trusted.', 'security.'];
const UNSTORED_PREFIXES = ['system.'];
const FILE_CAPABILITIES = 'security.capability';

/** The attribute name argument: 1 to 255 bytes (ERANGE otherwise), or -errno. */
function readName(ctx: SyscallContext, addr: number): string | number {
  const name = ctx.readString(addr, XATTR_NAME_MAX);
  if (typeof name === 'number') return name === -Errno.E2BIG ? -Errno.ERANGE : name;
  return name.length === 0 ? -Errno.ERANGE : name;
}

/** A size_t argument: one negative as a signed 64-bit value is enormous. */
function sizeArg(ctx: SyscallContext, i: number): number {
  const size = ctx.args[i]!;
  return size < 0 ? Number.POSITIVE_INFINITY : size;
}

/** A path argument's target, following the last symlink or not. */
function pathArg(ctx: SyscallContext, follow: boolean): Target | number {
  return pathTarget(ctx, AT_FDCWD, ctx.args[0]!, follow ? 0 : AT_SYMLINK_NOFOLLOW);
}

/** Linux's xattr_permission: who may read (mask MAY_READ) or write (MAY_WRITE) the named attribute of a file. */
function permission(ctx: SyscallContext, st: FileStat, name: string, mask: number): number {
  const write = (mask & MAY_WRITE) !== 0;
  if (write && isFrozen(st)) return -Errno.EPERM; // may_write_xattr
  // The VFS leaves security.* to the security module: commoncap's is CAP_SYS_ADMIN to change one.
  if (name.startsWith('security.')) return write && !processCapable(ctx, CAP_SYS_ADMIN) ? -Errno.EPERM : 0;
  if (UNSTORED_PREFIXES.some((p) => name.startsWith(p))) return 0;
  if (name.startsWith('trusted.')) return processCapable(ctx, CAP_SYS_ADMIN) ? 0 : write ? -Errno.EPERM : -Errno.ENODATA;
  if (name.startsWith('user.')) {
    const type = Number(st.mode) & S_IFMT;
    if (type !== S_IFREG && type !== S_IFDIR) return write ? -Errno.EPERM : -Errno.ENODATA;
    if (type === S_IFDIR && (Number(st.mode) & S_ISVTX) && write && !isOwner(ctx, st)) return -Errno.EPERM;
  }
  return mayAccess(ctx.process, st, mask) ? 0 : -Errno.EACCES;
}

/**
 * xattr_permission for a pipe, socket or terminal fd (an inode neither a regular file nor a
 * directory, of a filesystem with no xattr handlers): user.* is EPERM to set and ENODATA to
 * get, trusted.* needs CAP_SYS_ADMIN, and the rest has no handler.
 */
function handlerless(ctx: SyscallContext, name: string, write: boolean): number {
  if (name.startsWith('user.')) return write ? -Errno.EPERM : -Errno.ENODATA;
  if (name.startsWith('trusted.') && !processCapable(ctx, CAP_SYS_ADMIN)) return write ? -Errno.EPERM : -Errno.ENODATA;
  return -Errno.EOPNOTSUPP;
}

/** The namespace handler's verdict on a name: stored, unstored (known, no handler), or an error. */
function handler(name: string): 'stored' | 'unstored' | number {
  if (name === FILE_CAPABILITIES) return 'unstored';
  const stored = STORED_PREFIXES.find((p) => name.startsWith(p));
  const prefix = stored ?? UNSTORED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix === undefined) return -Errno.EOPNOTSUPP;
  if (name.length === prefix.length) return -Errno.EINVAL;
  return stored ? 'stored' : 'unstored';
}

/** The upper node whose attributes a target has, if any (a lower file, a synthetic one: none). */
function storedNode(t: Target): OverlayNode | undefined {
  if (t === 'none') return undefined;
  if (!isVNode(t)) return t;
  return t.fs === 'overlay' ? t.node : undefined;
}

/**
 * The names of a node's attributes the caller may see: the ACLs first (the access ACL, then
 * the default one, as posix_acl_listxattr puts them), trusted.* only with CAP_SYS_ADMIN.
 */
function visibleNames(ctx: SyscallContext, node: OverlayNode | undefined): string[] {
  const all = [...(node?.xattrs?.keys() ?? [])];
  const names = [...[ACL_ACCESS, ACL_DEFAULT].filter((n) => all.includes(n)), ...all.filter((n) => !isAclName(n))];
  return processCapable(ctx, CAP_SYS_ADMIN) ? names : names.filter((n) => !n.startsWith('trusted.'));
}

/** The bytes of a NUL-terminated name list (names are byte strings: src/byte_string.ts). */
function encodeNames(names: readonly string[]): Buffer {
  return encodeBytes(names.map((n) => `${n}\0`).join(''));
}

// ---- setxattr, removexattr ----------------------------------------------------------------

/** Sets (value) or removes (null) an attribute of a target, checked as Linux checks it. */
function change(ctx: SyscallContext, t: Target | number, name: string, value: Uint8Array | null, flags: number): number {
  if (typeof t === 'number') return t;
  if (t === 'none') return handlerless(ctx, name, true);
  if (isAclName(name)) return setAcl(ctx, t, name, value);
  const denied = permission(ctx, statOf(t), name, MAY_WRITE);
  if (denied) return denied;
  const verdict = handler(name);
  if (typeof verdict === 'number') return verdict;
  const bind = writableOf(t);
  if (bind) {
    if (name.startsWith('trusted.')) return -Errno.EPERM;
    // The host's security.* labels are the host's business: read, never set from the sandbox.
    if (verdict === 'unstored' || name.startsWith('security.')) return -Errno.EOPNOTSUPP;
    return notifiedOnHost(ctx, t as VNode, changeXattr(bind, name, value, flags));
  }
  // Outside the overlay (/proc, /dev) nothing is stored.
  if (verdict === 'unstored' || (isVNode(t) && !inOverlay(ctx, t))) return -Errno.EOPNOTSUPP;
  const node = upperNode(ctx, t);
  if (typeof node === 'number') return node;
  const exists = node.xattrs?.has(name) ?? false;
  if (value === null || flags & XATTR_REPLACE) {
    if (!exists) return -Errno.ENODATA;
  } else if (flags & XATTR_CREATE && exists) {
    return -Errno.EEXIST;
  }
  // The names must still fit one list (what Linux's filesystems bound by their own space: ENOSPC).
  if (value !== null && !exists && encodeNames([...(node.xattrs?.keys() ?? []), name]).length > XATTR_LIST_MAX) return -Errno.ENOSPC;
  ctx.emit({ type: 'OverlayXattrSet', nodeId: node.id, name, value, timeNs: nowNs() });
  notifyAttrib(ctx, t, node);
  return 0;
}

/** setxattr's arguments past the target: flags, then the name, then the value, checked in Linux's order. */
function setArgs(ctx: SyscallContext): { name: string; value: Uint8Array; flags: number } | number {
  const flags = ctx.int(4);
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -Errno.EINVAL;
  const name = readName(ctx, ctx.args[1]!);
  if (typeof name === 'number') return name;
  const size = sizeArg(ctx, 3);
  if (size > XATTR_SIZE_MAX) return -Errno.E2BIG;
  const raw = size === 0 ? new Uint8Array(0) : ctx.read(ctx.args[2]!, size);
  if (!raw) return -Errno.EFAULT;
  return { name, value: Uint8Array.from(raw), flags };
}

function setxattr(ctx: SyscallContext, target: () => Target | number): Outcome {
  const a = setArgs(ctx);
  if (typeof a === 'number') return a;
  return change(ctx, target(), a.name, a.value, a.flags);
}

export function sysSetxattr(ctx: SyscallContext): Outcome {
  return setxattr(ctx, () => pathArg(ctx, true));
}

export function sysLsetxattr(ctx: SyscallContext): Outcome {
  return setxattr(ctx, () => pathArg(ctx, false));
}

export function sysFsetxattr(ctx: SyscallContext): Outcome {
  return setxattr(ctx, () => fdTarget(ctx, ctx.int(0)));
}

function removexattr(ctx: SyscallContext, target: () => Target | number): Outcome {
  const name = readName(ctx, ctx.args[1]!);
  if (typeof name === 'number') return name;
  return change(ctx, target(), name, null, 0);
}

export function sysRemovexattr(ctx: SyscallContext): Outcome {
  return removexattr(ctx, () => pathArg(ctx, true));
}

export function sysLremovexattr(ctx: SyscallContext): Outcome {
  return removexattr(ctx, () => pathArg(ctx, false));
}

export function sysFremovexattr(ctx: SyscallContext): Outcome {
  return removexattr(ctx, () => fdTarget(ctx, ctx.int(0)));
}

// ---- getxattr, listxattr ------------------------------------------------------------------

/**
 * Copies out what a get or list found: its length for size 0, ERANGE if it does not fit. (A
 * value or list never exceeds the VFS's limits here, so Linux's E2BIG for a full-size buffer
 * that is still too small cannot arise.)
 */
function copyOut(ctx: SyscallContext, bytes: Uint8Array, addr: number, size: number): number {
  if (size === 0) return bytes.length;
  if (bytes.length > size) return -Errno.ERANGE;
  if (bytes.length > 0 && !ctx.write(addr, Buffer.from(bytes))) return -Errno.EFAULT;
  return bytes.length;
}

function getxattr(ctx: SyscallContext, target: () => Target | number): Outcome {
  const name = readName(ctx, ctx.args[1]!);
  if (typeof name === 'number') return name;
  const t = target();
  if (typeof t === 'number') return t;
  if (t === 'none') return handlerless(ctx, name, false);
  if (isAclName(name)) {
    const acl = getAcl(t, name, storedNode(t));
    return typeof acl === 'number' ? acl : copyOut(ctx, acl, ctx.args[2]!, sizeArg(ctx, 3));
  }
  const denied = permission(ctx, statOf(t), name, MAY_READ);
  if (denied) return denied;
  const verdict = handler(name);
  if (typeof verdict === 'number') return verdict;
  const bind = writableOf(t);
  const value = bind ? (name.startsWith('trusted.') ? -Errno.ENODATA : getXattr(bind, name)) : storedNode(t)?.xattrs?.get(name);
  if (value === undefined) return -Errno.ENODATA;
  if (typeof value === 'number') return value;
  return copyOut(ctx, value, ctx.args[2]!, sizeArg(ctx, 3));
}

export function sysGetxattr(ctx: SyscallContext): Outcome {
  return getxattr(ctx, () => pathArg(ctx, true));
}

export function sysLgetxattr(ctx: SyscallContext): Outcome {
  return getxattr(ctx, () => pathArg(ctx, false));
}

export function sysFgetxattr(ctx: SyscallContext): Outcome {
  return getxattr(ctx, () => fdTarget(ctx, ctx.int(0)));
}

function listxattr(ctx: SyscallContext, t: Target | number): Outcome {
  if (typeof t === 'number') return t;
  const bind = t === 'none' ? undefined : writableOf(t);
  if (bind) {
    const names = listXattrs(bind);
    if (typeof names === 'number') return names;
    return copyOut(ctx, encodeNames(names.filter((n) => !n.startsWith('trusted.'))), ctx.args[1]!, sizeArg(ctx, 2));
  }
  return copyOut(ctx, encodeNames(visibleNames(ctx, storedNode(t))), ctx.args[1]!, sizeArg(ctx, 2));
}

export function sysListxattr(ctx: SyscallContext): Outcome {
  return listxattr(ctx, pathArg(ctx, true));
}

export function sysLlistxattr(ctx: SyscallContext): Outcome {
  return listxattr(ctx, pathArg(ctx, false));
}

export function sysFlistxattr(ctx: SyscallContext): Outcome {
  return listxattr(ctx, fdTarget(ctx, ctx.int(0)));
}
