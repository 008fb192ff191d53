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

/** setns: the sandbox has no namespace files to enter (an fd is never one: EINVAL). */
export function sysSetns(ctx: SyscallContext): Outcome {
  return lookupFd(ctx, ctx.int(0)) ? -Errno.EINVAL : -Errno.EBADF;
}

/** mount, umount2, pivot_root, and the new mount API: not permitted inside the sandbox. */
export function sysMountRefused(_ctx: SyscallContext): Outcome {
  return -Errno.EPERM;
}
