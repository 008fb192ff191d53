// chattr and lsattr's ioctls on an fd: FS_IOC_GETFLAGS/FS_IOC_SETFLAGS (an int of FS_*_FL)
// and FS_IOC_FSGETXATTR/FS_IOC_FSSETXATTR (struct fsxattr), for the files and directories of
// the overlay and the tmpfs mounts, which keep the flags Linux's tmpfs keeps
// (vfs/inode_flags.ts). A lower file has none until it is given some (then it is copied up).
// The files of an `:rw` bind are the host's: their flags are not the sandbox's to read or
// set, so they answer as a file without those ioctls does (ENOTTY; chattr says "Operation not
// supported"), as do pipes, sockets, devices and /proc.
//
// The checks follow Linux's ioctl_setflags/ioctl_fssetxattr and vfs_fileattr_set: the
// argument, a writable mount (EROFS), a file that has flags (ENOTTY), its owner or
// CAP_FOWNER (EPERM), CAP_LINUX_IMMUTABLE to change i or a (EPERM), then tmpfs refusing what
// it does not keep (EOPNOTSUPP).
import { Errno } from '../errno.js';
import type { OverlayNode } from '../state.js';
import { CAP_LINUX_IMMUTABLE } from '../task/capabilities.js';
import {
  FS_APPEND_FL, FS_IMMUTABLE_FL, TMPFS_FLAGS, XFLAGS_COMMON, flagsOfXflags, xflagsOf,
} from '../vfs/inode_flags.js';
import { fdTarget, isVNode, statOf, upperNode, type Target } from './attr_target.js';
import type { SyscallContext } from './context.js';
import { inOverlay, isOwner, nowNs, processCapable } from './overlay_ops.js';

export const FS_IOC_GETFLAGS = 0x80086601;
export const FS_IOC_SETFLAGS = 0x40086602;
export const FS_IOC_FSGETXATTR = 0x801c581f;
export const FS_IOC_FSSETXATTR = 0x401c5820;
const FSXATTR_SIZE = 28;

/** The flags a target keeps: a number (0 for a lower file), or undefined for one that has none (ENOTTY). */
function flagsOf(ctx: SyscallContext, t: Target): number | undefined {
  if (t === 'none') return undefined;
  if (!isVNode(t)) return t.kind === 'file' || t.kind === 'dir' ? (t.flags ?? 0) : undefined;
  if (t.fs === 'overlay') return flagsOf(ctx, t.node);
  const st = statOf(t);
  if (!st.isFile() && !st.isDirectory()) return undefined;
  // The lower layer's files and a tmpfs root not yet made are the overlay's, with no flags yet.
  return (t.fs === 'host' && !t.writable) || (t.fs === 'synthetic-dir' && inOverlay(ctx, t)) ? 0 : undefined;
}

/** The answer to one of the four requests, or undefined for any other request. */
export function inodeFlagsIoctl(ctx: SyscallContext, fd: number, request: number, argp: number): number | undefined {
  switch (request) {
    case FS_IOC_GETFLAGS:
    case FS_IOC_FSGETXATTR: {
      const t = fdTarget(ctx, fd);
      if (typeof t === 'number') return t;
      const flags = flagsOf(ctx, t);
      if (flags === undefined) return -Errno.ENOTTY;
      const out = Buffer.alloc(request === FS_IOC_GETFLAGS ? 4 : FSXATTR_SIZE);
      out.writeUInt32LE(request === FS_IOC_GETFLAGS ? flags : xflagsOf(flags) >>> 0, 0);
      return ctx.write(argp, out) ? 0 : -Errno.EFAULT;
    }
    case FS_IOC_SETFLAGS: {
      const raw = ctx.read(argp, 4);
      if (!raw) return -Errno.EFAULT;
      return setFlags(ctx, fd, Buffer.from(raw).readUInt32LE(0), false);
    }
    case FS_IOC_FSSETXATTR: {
      const raw = ctx.read(argp, FSXATTR_SIZE);
      if (!raw) return -Errno.EFAULT;
      const b = Buffer.from(raw);
      const xflags = b.readUInt32LE(0);
      // fileattr_has_fsx: an xflag that is no flag, an extent size hint or a project id is beyond tmpfs.
      const fsxOnly = (xflags & ~XFLAGS_COMMON) !== 0 || b.readUInt32LE(4) !== 0 || b.readUInt32LE(12) !== 0 || b.readUInt32LE(16) !== 0;
      return setFlags(ctx, fd, flagsOfXflags(xflags), fsxOnly);
    }
  }
  return undefined;
}

function setFlags(ctx: SyscallContext, fd: number, flags: number, fsxOnly: boolean): number {
  const t = fdTarget(ctx, fd);
  if (typeof t === 'number') return t;
  const old = flagsOf(ctx, t);
  if (t !== 'none' && isVNode(t) && !inOverlay(ctx, t) && old !== undefined) return -Errno.EROFS;
  if (old === undefined || t === 'none') return -Errno.ENOTTY;
  if (!isOwner(ctx, statOf(t))) return -Errno.EPERM;
  if ((flags ^ old) & (FS_APPEND_FL | FS_IMMUTABLE_FL) && !processCapable(ctx, CAP_LINUX_IMMUTABLE)) return -Errno.EPERM;
  if (fsxOnly || flags & ~TMPFS_FLAGS) return -Errno.EOPNOTSUPP;
  const node: OverlayNode | number = upperNode(ctx, t);
  if (typeof node === 'number') return node;
  ctx.emit({ type: 'OverlayFlagsSet', nodeId: node.id, flags, ctimeNs: nowNs() });
  return 0;
}
