// Namespaces and mounts made by the program: refused with EPERM, as in a container without
// CAP_SYS_ADMIN (Docker's default seccomp profile answers so too). The sandbox is already
// isolated in namespaces of its own; its mount table is the kernel's, made from tsvisor's
// options (--mount, --tmpfs) and not changed from inside. unshare of the parts that are not
// namespaces (CLONE_FILES, CLONE_FS, CLONE_SYSVSEM) is done where it changes nothing: in a
// single-threaded process, which shares its fd table and fs information with nobody.
import { Errno } from '../errno.js';
import { lookupFd } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

const CLONE_FS = 0x200;
const CLONE_FILES = 0x400;
const CLONE_SYSVSEM = 0x40000;
const CLONE_NEWTIME = 0x80;
const CLONE_NEWNS = 0x20000;
const CLONE_NEWCGROUP = 0x2000000;
const CLONE_NEWUTS = 0x4000000;
const CLONE_NEWIPC = 0x8000000;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWPID = 0x20000000;
const CLONE_NEWNET = 0x40000000;
const NAMESPACES = CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
const SHARED_PARTS = CLONE_FS | CLONE_FILES | CLONE_SYSVSEM;

export function sysUnshare(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(0);
  if (flags & ~(NAMESPACES | SHARED_PARTS | 0x100 /* CLONE_VM */ | 0x800 /* CLONE_SIGHAND */ | 0x10000 /* CLONE_THREAD */)) return -Errno.EINVAL;
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
