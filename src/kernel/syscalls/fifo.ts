// Named pipes (FIFOs): the node names a pipe of kernel state, made at the first open and gone
// when its last end closes. An overlay FIFO's node holds its pipe's id; a host FIFO (in a
// `--mount ...:rw`) is found by its identity, which its pipe holds (host_special_files.ts).
// Opening one end waits for the other, as on Linux: a reader until a writer comes
// (O_NONBLOCK: at once), a writer until a reader comes (O_NONBLOCK: ENXIO); O_RDWR never waits.
import { Errno } from '../errno.js';
import { lowestFreeFd } from '../fd/fd_table.js';
import type { KernelState, OverlayFifo, PipeState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';

/** A FIFO: a node of the overlay, or the identity ("dev:ino") of a host FIFO. */
export type FifoNode = OverlayFifo | { identity: string };

/** The pipe a FIFO has now, if any. */
function pipeOfFifo(state: KernelState, fifo: FifoNode): PipeState | undefined {
  if ('id' in fifo) return state.pipes.get(fifo.pipeId);
  for (const p of state.pipes.values()) if (p.fifo === fifo.identity) return p;
  return undefined;
}

export function openFifo(ctx: SyscallContext, path: string, fifo: FifoNode, statusFlags: number, cloexec: boolean): Outcome {
  const state = ctx.kernel.state;
  const access = statusFlags & O_ACCMODE;
  const nonblock = (statusFlags & O_NONBLOCK) !== 0;
  let pipe = pipeOfFifo(state, fifo);
  if (access === O_WRONLY && nonblock && (pipe?.readers ?? 0) === 0) return -Errno.ENXIO;
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  if (!pipe) {
    const pipeId = state.nextPipeId;
    if ('id' in fifo) {
      ctx.emit({ type: 'PipeCreated', pipeId });
      ctx.emit({ type: 'OverlayFifoBound', nodeId: fifo.id, pipeId });
    } else {
      ctx.emit({ type: 'PipeCreated', pipeId, fifo: fifo.identity });
    }
    pipe = state.pipes.get(pipeId)!;
  }
  const pipeId = pipe.id;
  // The open file exists (and counts as a reader or writer) while its opener waits for the other end.
  const fileId = state.nextFileId;
  ctx.emit({ type: 'FileOpened', fileId, kind: 'pipe', path, flags: statusFlags, pipeId, ...('id' in fifo ? { nodeId: fifo.id } : {}) });
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
