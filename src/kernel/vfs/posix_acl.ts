// POSIX ACLs as Linux keeps them (fs/posix_acl.c): the xattr format of
// linux/posix_acl_xattr.h (a little-endian u32 version 2, then 8-byte entries: u16 tag, u16
// perm, u32 id), its validation, the permission check of POSIX.1e, and the three ways the
// kernel itself rewrites an ACL: a set that the mode alone can say (equiv_mode), chmod, and
// the inheritance of a directory's default ACL by what is made in it (create_masq).
//
// The overlay stores an ACL as the xattr bytes Linux would give back (the ids of the base
// entries -1), under its xattr name in the node's xattrs; the decoded form is cached per
// stored value (a WeakMap beside the state, so images and traces hold the bytes only).
import { Errno } from '../errno.js';
import type { Credentials } from '../state.js';

export const ACL_ACCESS = 'system.posix_acl_access';
export const ACL_DEFAULT = 'system.posix_acl_default';

export const ACL_USER_OBJ = 0x01;
export const ACL_USER = 0x02;
export const ACL_GROUP_OBJ = 0x04;
export const ACL_GROUP = 0x08;
export const ACL_MASK = 0x10;
export const ACL_OTHER = 0x20;
const ACL_UNDEFINED_ID = 0xffffffff;
const POSIX_ACL_XATTR_VERSION = 2;
const HEADER = 4;
const ENTRY = 8;

export interface AclEntry {
  readonly tag: number;
  /** rwx as 4/2/1. */
  readonly perm: number;
  /** The uid or gid of a named entry (ACL_USER, ACL_GROUP); unused otherwise. */
  readonly id: number;
}

export type Acl = readonly AclEntry[];

/** Whether an xattr name is one of the two ACLs (Linux's is_posix_acl_xattr). */
export function isAclName(name: string): boolean {
  return name === ACL_ACCESS || name === ACL_DEFAULT;
}

/**
 * posix_acl_from_xattr: the entries of an xattr value, [] for no ACL (an empty value or a
 * header alone), -EINVAL for a malformed one, -EOPNOTSUPP for another version.
 */
export function decodeAcl(bytes: Uint8Array): Acl | number {
  if (bytes.length === 0) return [];
  if (bytes.length < HEADER) return -Errno.EINVAL;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== POSIX_ACL_XATTR_VERSION) return -Errno.EOPNOTSUPP;
  if ((bytes.length - HEADER) % ENTRY !== 0) return -Errno.EINVAL;
  const entries: AclEntry[] = [];
  for (let at = HEADER; at < bytes.length; at += ENTRY) {
    const tag = v.getUint16(at, true);
    const id = v.getUint32(at + 4, true);
    switch (tag) {
      case ACL_USER_OBJ:
      case ACL_GROUP_OBJ:
      case ACL_MASK:
      case ACL_OTHER:
        break;
      case ACL_USER:
      case ACL_GROUP:
        if (id === ACL_UNDEFINED_ID) return -Errno.EINVAL; // no such uid/gid
        break;
      default:
        return -Errno.EINVAL;
    }
    entries.push({ tag, perm: v.getUint16(at + 2, true), id });
  }
  return entries;
}

/**
 * posix_acl_valid: perms within rwx; one owner entry, then named users, the owning group,
 * named groups, a mask (required when there is a named entry), one other entry, in that
 * order. Named ids need be neither sorted nor unique (Linux does not look).
 */
export function validAcl(acl: Acl): boolean {
  // Where the walk is: before the owner, among named users, among groups, at other, past it.
  const [UserObj, User, Group, Other, Done] = [0, 1, 2, 3, 4];
  let state = UserObj;
  let needsMask = false;
  for (const e of acl) {
    if (e.perm & ~7) return false;
    switch (e.tag) {
      case ACL_USER_OBJ:
        if (state !== UserObj) return false;
        state = User;
        break;
      case ACL_USER:
        if (state !== User) return false;
        needsMask = true;
        break;
      case ACL_GROUP_OBJ:
        if (state !== User) return false;
        state = Group;
        break;
      case ACL_GROUP:
        if (state !== Group) return false;
        needsMask = true;
        break;
      case ACL_MASK:
        if (state !== Group) return false;
        state = Other;
        break;
      case ACL_OTHER:
        if (state !== Other && !(state === Group && !needsMask)) return false;
        state = Done;
        break;
      default:
        return false;
    }
  }
  return state === Done;
}

/** posix_acl_to_xattr: version 2, the entries in order, -1 as the id of unnamed ones. */
export function encodeAcl(acl: Acl): Uint8Array {
  const out = new Uint8Array(HEADER + ENTRY * acl.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, POSIX_ACL_XATTR_VERSION, true);
  acl.forEach((e, i) => {
    const at = HEADER + ENTRY * i;
    v.setUint16(at, e.tag, true);
    v.setUint16(at + 2, e.perm, true);
    v.setUint32(at + 4, e.tag === ACL_USER || e.tag === ACL_GROUP ? e.id : ACL_UNDEFINED_ID, true);
  });
  return out;
}

const decoded = new WeakMap<Uint8Array, Acl>();

/** The entries of a stored (already validated) ACL, decoded once per stored value. */
export function storedAcl(bytes: Uint8Array): Acl {
  let acl = decoded.get(bytes);
  if (acl === undefined) {
    const d = decodeAcl(bytes);
    acl = typeof d === 'number' ? [] : d;
    decoded.set(bytes, acl);
  }
  return acl;
}

function inGroup(creds: Credentials, gid: number): boolean {
  return creds.egid === gid || creds.groups.includes(gid);
}

/**
 * posix_acl_permission: the owner entry for the owner; else a named user entry, masked;
 * else every group entry that matches (the owning group, named groups) until one grants
 * want, masked; if some matched and none granted, denied; else the other entry.
 */
export function aclPermits(acl: Acl, creds: Credentials, owner: { uid: number; gid: number }, want: number): boolean {
  want &= 7;
  let found = false;
  for (let i = 0; i < acl.length; i++) {
    const e = acl[i]!;
    switch (e.tag) {
      case ACL_USER_OBJ:
        if (owner.uid === creds.euid) return (e.perm & want) === want;
        break;
      case ACL_USER:
        if (e.id === creds.euid) return masked(acl, i, want);
        break;
      case ACL_GROUP_OBJ:
      case ACL_GROUP:
        if (inGroup(creds, e.tag === ACL_GROUP ? e.id : owner.gid)) {
          found = true;
          if ((e.perm & want) === want) return masked(acl, i, want);
        }
        break;
      case ACL_MASK:
        break;
      case ACL_OTHER:
        return !found && (e.perm & want) === want;
    }
  }
  return false;
}

/** An entry's grant through the mask that follows it (none: the entry alone). */
function masked(acl: Acl, i: number, want: number): boolean {
  const perm = acl[i]!.perm;
  const mask = acl.slice(i + 1).find((e) => e.tag === ACL_MASK);
  return ((mask ? perm & mask.perm : perm) & want) === want;
}

/**
 * posix_acl_equiv_mode: the permission bits an ACL gives the mode (the mask as the group's),
 * and whether the mode says all of it (no named entry, no mask).
 */
export function aclMode(acl: Acl, mode: number): { mode: number; equivalent: boolean } {
  let bits = 0;
  let equivalent = true;
  for (const e of acl) {
    if (e.tag === ACL_USER_OBJ) bits |= (e.perm & 7) << 6;
    else if (e.tag === ACL_GROUP_OBJ) bits |= (e.perm & 7) << 3;
    else if (e.tag === ACL_OTHER) bits |= e.perm & 7;
    else if (e.tag === ACL_MASK) {
      bits = (bits & ~0o70) | ((e.perm & 7) << 3);
      equivalent = false;
    } else equivalent = false;
  }
  return { mode: (mode & ~0o777) | bits, equivalent };
}

/** __posix_acl_chmod_masq: chmod's new bits into the owner, mask (or owning group) and other entries. */
export function chmodAcl(acl: Acl, mode: number): Acl {
  const hasMask = acl.some((e) => e.tag === ACL_MASK);
  return acl.map((e) => {
    if (e.tag === ACL_USER_OBJ) return { ...e, perm: (mode >> 6) & 7 };
    if (e.tag === ACL_OTHER) return { ...e, perm: mode & 7 };
    if (e.tag === (hasMask ? ACL_MASK : ACL_GROUP_OBJ)) return { ...e, perm: (mode >> 3) & 7 };
    return e;
  });
}

/**
 * posix_acl_create_masq: what a file made with mode in a directory with default ACL `acl`
 * gets. The owner, other and mask (or owning group) entries keep only what mode asks, and
 * mode only what they give; the umask plays no part. access: the new file's ACL, absent when
 * the mode says it all.
 */
export function inheritedAcl(acl: Acl, mode: number): { mode: number; access?: Acl } {
  let m = mode;
  let equivalent = true;
  const out = acl.map((e) => ({ ...e }));
  for (const e of out) {
    if (e.tag === ACL_USER_OBJ) {
      e.perm &= (m >> 6) & 7;
      m &= (e.perm << 6) | ~0o700;
    } else if (e.tag === ACL_OTHER) {
      e.perm &= m & 7;
      m &= e.perm | ~0o7;
    } else if (e.tag !== ACL_GROUP_OBJ) equivalent = false;
  }
  const group = out.find((e) => e.tag === ACL_MASK) ?? out.find((e) => e.tag === ACL_GROUP_OBJ);
  if (group) {
    group.perm &= (m >> 3) & 7;
    m &= (group.perm << 3) | ~0o70;
  }
  return equivalent ? { mode: m } : { mode: m, access: out };
}
