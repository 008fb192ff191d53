// The rwx permission check of a file's mode against a process's credentials (the owner's,
// the group's or the others' bits), refined by the file's access ACL (Linux's
// acl_permission_check), and the capabilities that override it (generic_permission):
// CAP_DAC_OVERRIDE passes every check but exec, which the callers see to;
// CAP_DAC_READ_SEARCH passes reading a file and reading or searching a directory.
import { Errno } from '../errno.js';
import type { Credentials } from '../state.js';
import { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, capable } from '../task/capabilities.js';
import { S_IFDIR, S_IFMT, type FileStat } from './file_stat.js';
import { isImmutable } from './inode_flags.js';
import { aclPermits } from './posix_acl.js';

/** Whether creds may use a file with attributes st for the rwx bits of mask (4 read, 2 write, 1 execute/search). */
export function permits(creds: Credentials, st: Pick<FileStat, 'mode' | 'uid' | 'gid' | 'acl'>, mask: number): boolean {
  if (capable(creds, CAP_DAC_OVERRIDE)) return true;
  if (modePermits(creds, st, mask)) return true;
  if (!capable(creds, CAP_DAC_READ_SEARCH)) return false;
  const dir = (Number(st.mode) & S_IFMT) === S_IFDIR;
  return dir ? (mask & 2) === 0 : mask === 4;
}

/**
 * acl_permission_check: the owner gets the owner's bits; anyone else the ACL's verdict when
 * there is one and the mode's group bits (its mask) are not all clear; else the group's bits
 * for a member of the file's group, the others' for the rest.
 */
function modePermits(creds: Credentials, st: Pick<FileStat, 'mode' | 'uid' | 'gid' | 'acl'>, mask: number): boolean {
  const mode = Number(st.mode);
  const uid = Number(st.uid);
  if (uid === creds.euid) return ((mode >> 6) & mask) === mask;
  const gid = Number(st.gid);
  const acl = mode & 0o70 ? st.acl : undefined;
  if (acl) return aclPermits(acl, creds, { uid, gid }, mask);
  const shift = creds.egid === gid || creds.groups.includes(gid) ? 3 : 0;
  return ((mode >> shift) & mask) === mask;
}

/**
 * inode_permission: 0, -EPERM for writing an immutable file (whoever asks: before any
 * permission check), or -EACCES where the mode, ACL and capabilities refuse.
 */
export function inodePermission(creds: Credentials, st: Pick<FileStat, 'mode' | 'uid' | 'gid' | 'acl' | 'inodeFlags'>, mask: number): number {
  if (mask & 2 && isImmutable(st)) return -Errno.EPERM;
  return permits(creds, st, mask) ? 0 : -Errno.EACCES;
}
