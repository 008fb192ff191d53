// socket(): unix-domain sockets are the kernel's (unix_socket.ts); there is no network
// yet, so every other family is refused and programs take their no-network paths.
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { createUnixSocket } from './unix_socket.js';

const AF_UNIX = 1;

export function sysSocket(ctx: SyscallContext): Outcome {
  if (ctx.int(0) !== AF_UNIX) return -Errno.EAFNOSUPPORT;
  return createUnixSocket(ctx, ctx.int(1), ctx.int(2));
}
