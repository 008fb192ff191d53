// Named pipes (FIFOs) of the overlay: the node names a pipe of kernel state, made at the first
// open and gone when its last end closes. Opening one end waits for the other, as on Linux:
// a reader until a writer comes (O_NONBLOCK: at once), a writer until a reader comes
// (O_NONBLOCK: ENXIO); O_RDWR never waits.
import { Errno } from '../errno.js';
import { lowestFreeFd } from '../fd/fd_table.js';
import type { OverlayFifo } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';


export function openFifo(ctx: SyscallContext, path: string, node: OverlayFifo, statusFlags: number, cloexec: boolean): Outcome {
  const state = ctx.kernel.state;
  const access = statusFlags & O_ACCMODE;
  const nonblock = (statusFlags & O_NONBLOCK) !== 0;
  let pipe = state.pipes.get(node.pipeId);
  if (access === O_WRONLY && nonblock && (pipe?.readers ?? 0) === 0) return -Errno.ENXIO;
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  if (!pipe) {
    const pipeId = state.nextPipeId;
    ctx.emit({ type: 'PipeCreated', pipeId });
    ctx.emit({ type: 'OverlayFifoBound', nodeId: node.id, pipeId });
    pipe = state.pipes.get(pipeId)!;
  }
  const pipeId = pipe.id;
  // The open file exists (and counts as a reader or writer) while its opener waits for the other end.
  const fileId = state.nextFileId;
  ctx.emit({ type: 'FileOpened', fileId, kind: 'pipe', path, flags: statusFlags, pipeId, nodeId: node.id });
  ctx.kernel.notify(`pipe:${pipeId}`);
  const install = (): number => {
    const fd = lowestFreeFd(ctx.process);
    if (fd < 0) {
      ctx.emit({ type: 'FileDropped', fileId });
      return fd;
    }
    ctx.emit({ type: 'FdInstalled', pid: ctx.process.pid, fd, fileId, cloexec });
    return fd;
  };
  const otherEndThere = (): boolean => {
    const p = state.pipes.get(pipeId);
    return p !== undefined && (access === O_RDONLY ? p.writers > 0 : p.readers > 0);
  };
  if (access !== O_RDONLY && access !== O_WRONLY) return install();
  if (otherEndThere() || (access === O_RDONLY && nonblock)) return install();
  return ctx.block(
    [`pipe:${pipeId}`],
    () => (otherEndThere() ? install() : null),
    () => {
      ctx.emit({ type: 'FileDropped', fileId });
      ctx.kernel.notify(`pipe:${pipeId}`);
    },
  );
}
