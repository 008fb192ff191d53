// seccomp(2) for the program's own filters. A filter the program installs runs on the host
// after tsvisor's own, and the host keeps the strictest answer of the two (KILL, then TRAP,
// then ERRNO, before tsvisor's TRACE; ALLOW and LOG yield to it), so a program's filter can
// only take syscalls away from itself: it is made on the host as the program asked. Not
// offered: SECCOMP_FILTER_FLAG_NEW_LISTENER (its notification fd would be a host fd beside
// the kernel's fd table) and strict mode (it would kill the process at the first call the
// kernel makes in it on its behalf). A checkpoint cannot carry the program's filters: it refuses.
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import { hostRuns, type Outcome } from './outcome.js';
import { CAP_SYS_ADMIN, capable } from '../task/capabilities.js';

const SECCOMP_SET_MODE_STRICT = 0;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_GET_ACTION_AVAIL = 2;
const SECCOMP_GET_NOTIF_SIZES = 3;
const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
/** The flags Linux 6.x knows (TSYNC, LOG, SPEC_ALLOW, NEW_LISTENER, TSYNC_ESRCH, WAIT_KILLABLE_RECV). */
const SECCOMP_FILTER_FLAGS = 0x3f;
/** prctl's value for PR_GET_SECCOMP / PR_SET_SECCOMP (strict mode, 1, is not offered). */
export const SECCOMP_MODE_FILTER = 2;

/** Installs a filter the program gave (after checking what the host must not see): the host makes the call. */
export function installFilter(ctx: SyscallContext, flags: number, prog: number): Outcome {
  if (flags & ~SECCOMP_FILTER_FLAGS) return -Errno.EINVAL;
  if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) return -Errno.EINVAL;
  if (!ctx.read(prog, 16)) return -Errno.EFAULT;
  // Only with no_new_privs, or CAP_SYS_ADMIN, may a process filter what it passes on to set-ID programs.
  if (!ctx.process.noNewPrivs && !capable(ctx.process.creds, CAP_SYS_ADMIN)) return -Errno.EACCES;
  if (!ctx.process.seccompFiltered) ctx.emit({ type: 'SeccompFiltered', pid: ctx.process.pid });
  return hostRuns;
}

export function sysSeccomp(ctx: SyscallContext): Outcome {
  const op = ctx.uint(0);
  const flags = ctx.uint(1);
  switch (op) {
    case SECCOMP_SET_MODE_FILTER:
      return installFilter(ctx, flags, ctx.args[2]!);
    case SECCOMP_GET_ACTION_AVAIL:
    case SECCOMP_GET_NOTIF_SIZES:
      return flags === 0 ? hostRuns : -Errno.EINVAL;
    case SECCOMP_SET_MODE_STRICT:
    default:
      return -Errno.EINVAL;
  }
}
