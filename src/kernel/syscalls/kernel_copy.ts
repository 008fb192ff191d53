// The copies the kernel makes between open files for the program: splice, tee, vmsplice,
// sendfile and copy_file_range.
// The kernel already holds both ends' data, so splice is a read from one end handed to a
// write on the other (a pipe's bytes are taken only as far as the other side took them),
// tee copies a pipe's bytes into another pipe without taking them, and vmsplice is writev or
// readv on a pipe.
import { Errno } from '../errno.js';
import type { FdLookup } from '../fd/fd_table.js';
import { SIGPIPE } from '../abi/signals.js';
import { O_APPEND, O_NONBLOCK } from '../abi/open_flags.js';
import type { PipeState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { checkFd, isStream, readFile, readOffset, vectoredRead, vectoredWrite, writeFile, writeOffset } from './io.js';
import { peekPipe } from '../ipc/reducer.js';
import { wakeKeysOf } from './poll.js';
import { writableCount } from './file_size_limit.js';
import { PIPE_PAGE, freeSlots } from '../ipc/pipe_pages.js';
import { signalSelf } from './signal.js';

const SPLICE_F_NONBLOCK = 2;
const SPLICE_F_ALL = 0xf;
const MAX_SPLICE = 0x7ffff000;

function pipeOf(ctx: SyscallContext, d: FdLookup): PipeState | undefined {
  return d.file.pipeId === undefined ? undefined : ctx.kernel.state.pipes.get(d.file.pipeId);
}

/** Room in an output pipe: the bytes it takes now, null to wait, or -errno (EPIPE with SIGPIPE). */
function roomIn(ctx: SyscallContext, pipe: PipeState | undefined, nonblock: boolean): number | null {
  if (!pipe || pipe.readers === 0) {
    signalSelf(ctx, SIGPIPE);
    return -Errno.EPIPE;
  }
  // Splice puts what it moves in fresh pages (at most the free slots' bytes).
  const room = freeSlots(pipe) * PIPE_PAGE;
  if (room > 0) return room;
  return nonblock ? -Errno.EAGAIN : null;
}

/**
 * Moves up to length bytes from input to output, one of them a pipe (or output any file, for
 * sendfile): waits for data in an input pipe and for room in an output pipe unless nonblock;
 * updates the offsets given by address (inAddr, outAddr: 0 for none).
 */
function transfer(
  ctx: SyscallContext,
  input: FdLookup,
  output: FdLookup,
  length: number,
  offsets: { inPos: number | null; inAddr: number; outPos: number | null; outAddr: number },
  nonblock: boolean,
): Outcome {
  const inPipe = input.file.kind === 'pipe';
  const outPipe = output.file.kind === 'pipe';
  const toFile = output.file.kind === 'mem' || output.file.kind === 'host';
  const { inPos, inAddr, outPos, outAddr } = offsets;
  const outputWaits = !outPipe && !nonblock && (output.file.flags & O_NONBLOCK) === 0;
  const outputNow: FdLookup = outPipe ? output : { ...output, file: { ...output.file, flags: output.file.flags | O_NONBLOCK } };
  const attempt = (): number | null => {
    // At most 16 MiB a call (a short count is allowed, and the program comes back for more).
    let count = Math.min(length, 16 << 20);
    if (outPipe) {
      const room = roomIn(ctx, pipeOf(ctx, output), nonblock || (output.file.flags & O_NONBLOCK) !== 0);
      if (room === null || room < 0) return room;
      count = Math.min(count, room);
    }
    if (inPipe) {
      const pipe = pipeOf(ctx, input);
      if (!pipe || (pipe.length === 0 && pipe.writers === 0)) return 0;
      if (pipe.length === 0) return nonblock || (input.file.flags & O_NONBLOCK) !== 0 ? -Errno.EAGAIN : null;
    }
    // The read side delivers what it has; the write side takes what it can without waiting
    // (a full socket or terminal too: this waits for it below, and its write must not).
    // A pipe gives up only what was taken; a file's offset is set back by what was not.
    let moved = 0;
    const r = readFile(ctx, input, count, inPos, (bytes) => {
      // A pipe's bytes are views of its ring, reused once read: the output (a pipe, a socket)
      // may keep what it is given, so it gets a copy.
      const data = inPipe ? new Uint8Array(bytes) : bytes;
      const w = bytes.length === 0 ? 0 : writeFile(ctx, outputNow, data, outPos);
      moved = typeof w === 'number' ? w : -Errno.EAGAIN;
      // Linux writes the rest of a short write to a file again: at RLIMIT_FSIZE that second
      // write is refused with SIGXFSZ, though the call returns what went in.
      if (toFile && moved > 0 && moved < data.length) {
        const at = (outPos ?? outputNow.file.offset) + moved;
        const rest = writeFile(ctx, outputNow, data.subarray(moved), at);
        if (typeof rest === 'number' && rest > 0) {
          moved += rest;
          if (outPos === null) ctx.emit({ type: 'FileOffsetSet', fileId: output.file.id, offset: at + rest });
        }
      }
      return inPipe ? moved : bytes.length;
    });
    if (typeof r !== 'number') return -Errno.EAGAIN;
    if (r < 0) return r;
    const taken = Math.max(moved, 0);
    if (!inPipe && inPos === null && taken < r) ctx.emit({ type: 'FileOffsetSet', fileId: input.file.id, offset: input.file.offset - (r - taken) });
    if (moved === -Errno.EAGAIN && outputWaits) return null;
    if (moved < 0) return moved;
    if (moved > 0 && inAddr !== 0 && !writeOffset(ctx, inAddr, inPos! + moved)) return -Errno.EFAULT;
    if (moved > 0 && outAddr !== 0 && !writeOffset(ctx, outAddr, outPos! + moved)) return -Errno.EFAULT;
    return moved;
  };
  const first = attempt();
  if (first !== null) return first;
  const keys = [input, output].map((d) => pipeOf(ctx, d)).filter((p): p is PipeState => p !== undefined).map((p) => `pipe:${p.id}`);
  return ctx.block(outPipe ? keys : [...keys, ...wakeKeysOf(output.file)], attempt);
}

export function sysSplice(ctx: SyscallContext): Outcome {
  const input = checkFd(ctx, ctx.int(0), 'read');
  if (typeof input === 'number') return input;
  const output = checkFd(ctx, ctx.int(2), 'write');
  if (typeof output === 'number') return output;
  const flags = ctx.uint(5);
  if (flags & ~SPLICE_F_ALL) return -Errno.EINVAL;
  const inPipe = input.file.kind === 'pipe';
  const outPipe = output.file.kind === 'pipe';
  if (!inPipe && !outPipe) return -Errno.EINVAL;
  if (input.file.pipeId !== undefined && input.file.pipeId === output.file.pipeId) return -Errno.EINVAL;
  const [inAddr, outAddr] = [ctx.args[1]!, ctx.args[3]!];
  if ((inPipe && inAddr !== 0) || (outPipe && outAddr !== 0)) return -Errno.ESPIPE;
  if (!outPipe && (output.file.flags & O_APPEND)) return -Errno.EINVAL;
  const inPos = readOffset(ctx, inAddr);
  const outPos = readOffset(ctx, outAddr);
  if (inPos === false || outPos === false) return -Errno.EFAULT;
  if ((inPos !== null && inPos < 0) || (outPos !== null && outPos < 0)) return -Errno.EINVAL;
  const length = Math.min(ctx.args[4]!, MAX_SPLICE);
  if (length === 0) return 0;
  return transfer(ctx, input, output, length, { inPos, inAddr, outPos, outAddr }, (flags & SPLICE_F_NONBLOCK) !== 0);
}

/** sendfile(out, in, offset, count): from a file to any file, a pipe included. */
export function sysSendfile(ctx: SyscallContext): Outcome {
  // The offset is read before the fds are looked at (EFAULT first, as on Linux).
  const inAddr = ctx.args[2]!;
  const inPos = readOffset(ctx, inAddr);
  if (inPos === false) return -Errno.EFAULT;
  const output = checkFd(ctx, ctx.int(0), 'write');
  const input = checkFd(ctx, ctx.int(1), 'read');
  if (typeof output === 'number') return output;
  if (typeof input === 'number') return input;
  if (input.file.kind !== 'host' && input.file.kind !== 'mem' && input.file.kind !== 'dev') return -Errno.EINVAL;
  // Into a file, sendfile writes at the output's offset: never to one open with O_APPEND.
  if (output.file.kind !== 'pipe' && (output.file.flags & O_APPEND)) return -Errno.EINVAL;
  if (inPos !== null && inPos < 0) return -Errno.EINVAL;
  const length = Math.min(ctx.args[3]!, MAX_SPLICE);
  if (length === 0) return 0;
  return transfer(ctx, input, output, length, { inPos, inAddr, outPos: null, outAddr: 0 }, false);
}

/** copy_file_range: between two regular files, at explicit offsets or the files' own. */
export function sysCopyFileRange(ctx: SyscallContext): Outcome {
  if (ctx.uint(5) !== 0) return -Errno.EINVAL;
  const input = checkFd(ctx, ctx.int(0), 'read');
  const output = checkFd(ctx, ctx.int(2), 'write');
  if (typeof input === 'number') return input;
  if (typeof output === 'number') return output;
  // The offsets are read before the files are looked at (EFAULT first, as on Linux).
  const inAddr = ctx.args[1]!;
  const outAddr = ctx.args[3]!;
  const inPos = readOffset(ctx, inAddr);
  const outPos = readOffset(ctx, outAddr);
  if (inPos === false || outPos === false) return -Errno.EFAULT;
  // Both ends must be regular files (a pipe or terminal is EINVAL, as on Linux).
  const outIsFile = output.file.kind === 'stdio' ? !isStream(output.file.hostFd!) : output.file.kind === 'mem';
  if ((input.file.kind !== 'host' && input.file.kind !== 'mem') || !outIsFile) return -Errno.EINVAL;
  // It writes at an offset it is given or the output's own, so an O_APPEND output is refused.
  if (output.file.flags & O_APPEND) return -Errno.EBADF;
  const requested = Math.min(ctx.args[4]!, MAX_SPLICE);
  if (requested === 0) return 0;
  // The length is first cut to RLIMIT_FSIZE (an output offset at or past it is EFBIG and SIGXFSZ).
  const length = writableCount(ctx, outPos ?? output.file.offset, requested);
  if (length < 0) return length;
  return transfer(ctx, input, output, length, { inPos, inAddr, outPos, outAddr }, false);
}

/** tee: up to len bytes of one pipe copied into another, left in the first. */
export function sysTee(ctx: SyscallContext): Outcome {
  const input = checkFd(ctx, ctx.int(0), 'read');
  if (typeof input === 'number') return input;
  const output = checkFd(ctx, ctx.int(1), 'write');
  if (typeof output === 'number') return output;
  const flags = ctx.uint(3);
  if (flags & ~SPLICE_F_ALL) return -Errno.EINVAL;
  if (input.file.kind !== 'pipe' || output.file.kind !== 'pipe' || input.file.pipeId === output.file.pipeId) return -Errno.EINVAL;
  const length = Math.min(ctx.args[2]!, MAX_SPLICE);
  if (length === 0) return 0;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  const attempt = (): number | null => {
    const from = pipeOf(ctx, input);
    if (!from || (from.length === 0 && from.writers === 0)) return 0;
    if (from.length === 0) return nonblock || (input.file.flags & O_NONBLOCK) !== 0 ? -Errno.EAGAIN : null;
    const room = roomIn(ctx, pipeOf(ctx, output), nonblock || (output.file.flags & O_NONBLOCK) !== 0);
    if (room === null || room < 0) return room;
    const bytes = Uint8Array.from(peekPipe(from, Math.min(length, room)));
    const w = writeFile(ctx, output, bytes, null);
    return typeof w === 'number' ? w : -Errno.EAGAIN;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([`pipe:${input.file.pipeId}`, `pipe:${output.file.pipeId}`], attempt);
}

/** vmsplice: the program's memory into a pipe's write end (as writev), or out of its read end (as readv). */
export function sysVmsplice(ctx: SyscallContext): Outcome {
  if (ctx.uint(3) & ~SPLICE_F_ALL) return -Errno.EINVAL;
  const d = checkFd(ctx, ctx.int(0), 'read');
  const end = typeof d === 'number' ? checkFd(ctx, ctx.int(0), 'write') : d;
  if (typeof end === 'number') return end;
  if (end.file.kind !== 'pipe') return -Errno.EBADF;
  return typeof d === 'number' ? vectoredWrite(ctx, null) : vectoredRead(ctx, null);
}
