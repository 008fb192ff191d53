// Namespaces and mounts made by the program: refused with EPERM, as in a container without
// CAP_SYS_ADMIN (Docker's default seccomp profile answers so too). The sandbox is already
// isolated in namespaces of its own; its mount table is the kernel's, made from tsvisor's
// options (--mount, --tmpfs) and not changed from inside. unshare of the parts that are not
// namespaces (CLONE_FILES, CLONE_FS, CLONE_SYSVSEM) is done where it changes nothing: in a
// single-threaded process, which shares its fd table and fs information with nobody.
import { Errno } from '../errno.js';
import { lookupFd } from '../fd/fd_table.js';
import { CLONE_FILES, CLONE_FS, CLONE_NEWTIME, CLONE_SIGHAND, CLONE_SYSVSEM, CLONE_THREAD, CLONE_VM, NAMESPACE_FLAGS } from '../abi/clone_flags.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { openNamespace } from './ns_ioctl.js';
import { CAP_SYS_ADMIN, CAP_SYS_CHROOT, capable } from '../task/capabilities.js';

const NAMESPACES = NAMESPACE_FLAGS | CLONE_NEWTIME;
const SHARED_PARTS = CLONE_FS | CLONE_FILES | CLONE_SYSVSEM;

export function sysUnshare(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(0);
  if (flags & ~(NAMESPACES | SHARED_PARTS | CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)) return -Errno.EINVAL;
  if (flags & NAMESPACES) return -Errno.EPERM;
  // With other threads, only CLONE_SYSVSEM changes nothing: the threads share the fd table and
  // fs information in the kernel's model, so they cannot be split (and CLONE_VM, CLONE_SIGHAND,
  // CLONE_THREAD are EINVAL there on Linux too).
  if (ctx.process.threads.length > 1 && flags & ~CLONE_SYSVSEM) return -Errno.EINVAL;
  return 0;
}

/**
 * setns: the only namespaces are the sandbox's own, which every process is already in, so
 * entering one through its nsfs file changes nothing; Linux's checks still hold (the type,
 * CAP_SYS_ADMIN, and EINVAL for the user namespace one is in). A pidfd names namespaces that
 * are the caller's too, but is refused (EINVAL) as before.
 */
export function sysSetns(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  const ns = openNamespace(d);
  const nstype = ctx.int(1);
  if (!ns || (nstype !== 0 && nstype !== ns.cloneFlag)) return -Errno.EINVAL;
  if (ns.kind === 'user') return -Errno.EINVAL;
  const creds = ctx.process.creds;
  if (!capable(creds, CAP_SYS_ADMIN) || (ns.kind === 'mnt' && !capable(creds, CAP_SYS_CHROOT))) return -Errno.EPERM;
  return 0;
}

/** mount, umount2, pivot_root, and the new mount API: not permitted inside the sandbox. */
export function sysMountRefused(_ctx: SyscallContext): Outcome {
  return -Errno.EPERM;
}
