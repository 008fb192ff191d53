// Large reads of /dev/zero run on the host: the read's fd is rewritten to the process's own
// host fd of /dev/zero, so the host zeroes the buffer in the program's own address space
// (clear_user) instead of tsvisor copying zeros into it with process_vm_writev, which pins
// every page first (dd bs=1M: ~130 us per MiB). The semantics are Linux's own: the whole
// count, and a buffer that faults part way gives the count zeroed before the fault.
// The first such read of a process hands it the fd (an injected recvmsg over the fd channel,
// as for a mapped host file) and is answered by copying; it keeps the fd until exec or exit.
// Not while recording or replaying: a recorded read keeps what it wrote, which only the
// copying path (io.ts readZeros) sees.
import fs from 'node:fs';

import { hostFileKey } from '../host_file_key.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { hostRunsWithArg } from './host_with_arg.js';

/** Below this, copying zeros costs less than the extra stop at the rewritten call's exit. */
export const HOST_ZERO_MIN = 64 * 1024;

interface HostZero {
  key: string;
  fd: number;
}

/** tsvisor's own fd of the host's /dev/zero, opened at the first large read (null: cannot be). */
let hostZero: HostZero | null | undefined;

function openHostZero(): HostZero | null {
  try {
    const fd = fs.openSync('/dev/zero', fs.constants.O_RDONLY);
    return { key: hostFileKey(fd), fd };
  } catch {
    return null;
  }
}

/**
 * read(fd, buf, count) of /dev/zero with count >= HOST_ZERO_MIN, run by the host; null when
 * the caller should copy zeros itself (this time, or always).
 */
export function readZeroOnHost(ctx: SyscallContext): Outcome | null {
  const kernel = ctx.kernel;
  if (kernel.captureWrites || kernel.syscallSource !== undefined) return null;
  hostZero ??= openHostZero();
  if (!hostZero) return null;
  const platform = kernel.platform;
  const stubFd = platform.heldHostFd(ctx.process.hostPid, hostZero.key);
  if (stubFd === undefined) {
    platform.passHostFile(ctx.hostTid, ctx.process.hostPid, hostZero, ctx.scratchAddress());
    return null;
  }
  return hostRunsWithArg(ctx, 0, stubFd);
}
