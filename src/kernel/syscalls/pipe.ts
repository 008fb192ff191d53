// pipe and pipe2: a pipe in kernel state, with a read end and a write end.
import { Errno } from '../errno.js';
import { closeFd, lowestFreeFd, openNewFile } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { O_CLOEXEC, O_DIRECT, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';


export function sysPipe2(ctx: SyscallContext): Outcome {
  return makePipe(ctx, ctx.args[0]!, ctx.uint(1));
}

export function sysPipe(ctx: SyscallContext): Outcome {
  return makePipe(ctx, ctx.args[0]!, 0);
}

function makePipe(ctx: SyscallContext, fdsAddr: number, flags: number): Outcome {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -Errno.EINVAL;
  // Both fds must be free before anything is created.
  const first = lowestFreeFd(ctx.process);
  if (first < 0) return first;
  if (lowestFreeFd(ctx.process, first + 1) < 0) return -Errno.EMFILE;
  const pipeId = ctx.kernel.state.nextPipeId;
  ctx.emit({ type: 'PipeCreated', pipeId });
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const status = flags & O_NONBLOCK;
  const path = `pipe:[${pipeId}]`;
  const r = openNewFile(ctx, { kind: 'pipe', path, flags: O_RDONLY | status, cloexec, pipeId });
  // O_DIRECT (packet mode) is the writer's: it is what makes each write a packet.
  const w = openNewFile(ctx, { kind: 'pipe', path, flags: O_WRONLY | status | (flags & O_DIRECT), cloexec, pipeId });
  const out = Buffer.alloc(8);
  out.writeInt32LE(r, 0);
  out.writeInt32LE(w, 4);
  if (!ctx.write(fdsAddr, out)) {
    closeFd(ctx, r);
    closeFd(ctx, w);
    return -Errno.EFAULT;
  }
  return 0;
}
