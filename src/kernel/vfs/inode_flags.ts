// Inode flags (chattr/lsattr: FS_IOC_GETFLAGS/SETFLAGS, FS_IOC_FSGETXATTR/FSSETXATTR) as
// Linux's tmpfs keeps them (mm/shmem.c): immutable, append-only, nodump and noatime, which a
// file or directory inherits nodump and noatime of; and what they look like in fsxattr's
// xflags and in statx's attributes.

export const FS_SYNC_FL = 0x8;
export const FS_IMMUTABLE_FL = 0x10;
export const FS_APPEND_FL = 0x20;
export const FS_NODUMP_FL = 0x40;
export const FS_NOATIME_FL = 0x80;

/** The flags tmpfs keeps (what FS_IOC_SETFLAGS may set; anything else is EOPNOTSUPP). */
export const TMPFS_FLAGS = FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL | FS_NOATIME_FL;
/** What a new file takes from its directory (SHMEM_FL_INHERITED). */
export const INHERITED_FLAGS = FS_NODUMP_FL | FS_NOATIME_FL;

const FS_XFLAG_SYNC = 0x20;
const FS_XFLAG_IMMUTABLE = 0x8;
const FS_XFLAG_APPEND = 0x10;
const FS_XFLAG_NOATIME = 0x40;
const FS_XFLAG_NODUMP = 0x80;
const FS_XFLAG_DAX = 0x8000;
const FS_XFLAG_PROJINHERIT = 0x200;
const FS_DAX_FL = 0x2000000;
const FS_PROJINHERIT_FL = 0x20000000;

/** The flags that have an xflag of the same meaning (fileattr_fill_flags / fileattr_fill_xflags). */
const PAIRS: ReadonlyArray<readonly [number, number]> = [
  [FS_SYNC_FL, FS_XFLAG_SYNC],
  [FS_IMMUTABLE_FL, FS_XFLAG_IMMUTABLE],
  [FS_APPEND_FL, FS_XFLAG_APPEND],
  [FS_NODUMP_FL, FS_XFLAG_NODUMP],
  [FS_NOATIME_FL, FS_XFLAG_NOATIME],
  [FS_DAX_FL, FS_XFLAG_DAX],
  [FS_PROJINHERIT_FL, FS_XFLAG_PROJINHERIT],
];

/** FS_XFLAG_COMMON: the xflags that are flags; any other xflag is an fsxattr-only feature. */
export const XFLAGS_COMMON = PAIRS.reduce((all, [, x]) => all | x, 0);

export function xflagsOf(flags: number): number {
  return PAIRS.reduce((x, [f, xf]) => (flags & f ? x | xf : x), 0);
}

export function flagsOfXflags(xflags: number): number {
  return PAIRS.reduce((f, [ff, x]) => (xflags & x ? f | ff : f), 0);
}

const STATX_ATTR_IMMUTABLE = 0x10;
const STATX_ATTR_APPEND = 0x20;
const STATX_ATTR_NODUMP = 0x40;
/** The statx attributes tmpfs reports (stx_attributes_mask). */
export const STATX_ATTRS_TMPFS = STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND | STATX_ATTR_NODUMP;

/** stx_attributes of a file with these flags. */
export function statxAttributes(flags: number): number {
  return (flags & FS_IMMUTABLE_FL ? STATX_ATTR_IMMUTABLE : 0) | (flags & FS_APPEND_FL ? STATX_ATTR_APPEND : 0) | (flags & FS_NODUMP_FL ? STATX_ATTR_NODUMP : 0);
}

/** IS_IMMUTABLE of a file's attributes (a file with no flags, a host file: no). */
export function isImmutable(st: { readonly inodeFlags?: number }): boolean {
  return ((st.inodeFlags ?? 0) & FS_IMMUTABLE_FL) !== 0;
}

/** IS_APPEND. */
export function isAppendOnly(st: { readonly inodeFlags?: number }): boolean {
  return ((st.inodeFlags ?? 0) & FS_APPEND_FL) !== 0;
}

/** Immutable or append-only: no change of mode, owner, given times or xattrs (may_setattr, may_write_xattr). */
export function isFrozen(st: { readonly inodeFlags?: number }): boolean {
  return ((st.inodeFlags ?? 0) & (FS_IMMUTABLE_FL | FS_APPEND_FL)) !== 0;
}
