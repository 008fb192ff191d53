// Networking. Not there yet: socket() refuses every address family, so programs take
// their no-network paths (glibc's NSS falls back from nscd to files).
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

export function sysSocket(ctx: SyscallContext): Outcome {
  void ctx;
  return -Errno.EAFNOSUPPORT;
}
