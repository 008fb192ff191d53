// The POSIX ACL xattrs (system.posix_acl_access, system.posix_acl_default) through the xattr
// syscalls, as Linux 6.x handles them apart from other xattrs (do_set_acl, vfs_set_acl,
// set_posix_acl, simple_set_acl; vfs_get_acl): XATTR_CREATE/XATTR_REPLACE are ignored, an
// empty value or a header alone removes, a removal of an absent ACL succeeds, reading needs
// no permission. Files of the overlay and the tmpfs mounts keep them (a lower file is copied
// up); an `:rw` bind's files show the host's own, read-only (their ids are the host's, which
// the sandbox's do not map to: EOPNOTSUPP to set, as a filesystem without ACLs); /proc and
// /dev have none (EOPNOTSUPP to set, ENODATA to get).
import { Errno } from '../errno.js';
import type { OverlayNode } from '../state.js';
import { CAP_FSETID } from '../task/capabilities.js';
import { S_ISGID } from '../vfs/file_stat.js';
import { isFrozen } from '../vfs/inode_flags.js';
import { ACL_ACCESS, ACL_DEFAULT, aclMode, decodeAcl, encodeAcl, validAcl } from '../vfs/posix_acl.js';
import { getXattr } from '../vfs/writable_bind.js';
import type { VNode } from '../vfs/vnode.js';
import { isVNode, notifyAttrib, statOf, upperNode, writableOf } from './attr_target.js';
import type { SyscallContext } from './context.js';
import { inOverlay, isOwner, nowNs, processCapable, processInGroup } from './overlay_ops.js';

/** Whether a target is a file of a filesystem with ACLs: the overlay's (lower or upper) or a tmpfs's. */
function keepsAcls(ctx: SyscallContext, t: VNode | OverlayNode): boolean {
  if (!isVNode(t)) return true;
  return t.fs === 'overlay' || (t.fs === 'host' && !t.writable) || (t.fs === 'synthetic-dir' && inOverlay(ctx, t));
}

/**
 * setxattr (value) or removexattr (null) of an ACL name: the value decoded (EINVAL,
 * EOPNOTSUPP), then may_write_xattr (EPERM), then set_posix_acl's checks: a symlink has none
 * (EOPNOTSUPP), a default ACL is for directories (EACCES; removing one elsewhere does
 * nothing), the owner or CAP_FOWNER (EPERM), a valid ACL (EINVAL). An access ACL the mode can
 * say is not kept; the mode takes its bits (the mask as the group's).
 */
export function setAcl(ctx: SyscallContext, t: VNode | OverlayNode, name: string, value: Uint8Array | null): number {
  if (writableOf(t) || !keepsAcls(ctx, t)) return -Errno.EOPNOTSUPP;
  if (isVNode(t) && !inOverlay(ctx, t)) return -Errno.EROFS;
  const acl = value === null ? [] : decodeAcl(value);
  if (typeof acl === 'number') return acl;
  const st = statOf(t);
  if (isFrozen(st)) return -Errno.EPERM;
  if (st.isSymbolicLink()) return -Errno.EOPNOTSUPP;
  if (name === ACL_DEFAULT && !st.isDirectory()) return acl.length > 0 ? -Errno.EACCES : 0;
  if (!isOwner(ctx, st)) return -Errno.EPERM;
  if (acl.length > 0 && !validAcl(acl)) return -Errno.EINVAL;
  const node = upperNode(ctx, t);
  if (typeof node === 'number') return node;
  const timeNs = nowNs();
  if (name === ACL_ACCESS) {
    // No ACL (a removal) leaves the mode as it is.
    const { mode, equivalent } = acl.length > 0 ? aclMode(acl, node.mode) : { mode: node.mode, equivalent: true };
    ctx.emit({ type: 'OverlayXattrSet', nodeId: node.id, name, value: equivalent ? null : encodeAcl(acl), timeNs });
    // posix_acl_update_mode: set-group-ID stays only for a member of the file's group.
    const kept = processInGroup(ctx, node.gid) || processCapable(ctx, CAP_FSETID) ? mode : mode & ~S_ISGID;
    if (kept !== node.mode) ctx.emit({ type: 'OverlayAttrsSet', nodeId: node.id, mode: kept, ctimeNs: timeNs });
  } else {
    ctx.emit({ type: 'OverlayXattrSet', nodeId: node.id, name, value: acl.length > 0 ? encodeAcl(acl) : null, timeNs });
  }
  notifyAttrib(ctx, t, node);
  return 0;
}

/** getxattr of an ACL name: its bytes, ENODATA without one, EOPNOTSUPP for a symlink. */
export function getAcl(t: VNode | OverlayNode, name: string, stored: OverlayNode | undefined): Uint8Array | number {
  const bind = writableOf(t);
  if (bind) return getXattr(bind, name);
  if (statOf(t).isSymbolicLink()) return -Errno.EOPNOTSUPP;
  return stored?.xattrs?.get(name) ?? -Errno.ENODATA;
}
