// sendmmsg and recvmmsg: several sendmsg/recvmsg calls in one, over struct mmsghdr (a msghdr
// and the msg_len each message moved). Each message goes through sendMsgAt/recvMsgAt without
// waiting; the call waits only while nothing could move yet, and for recvmmsg without
// MSG_WAITFORONE until all vlen messages came (as Linux), keeping those already received.
import { Errno } from '../errno.js';
import type { FdLookup } from '../fd/fd_table.js';
import { O_NONBLOCK } from '../abi/open_flags.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { readTimespecMs } from './poll.js';
import { recvMsgAt, sendMsgAt, sockFd } from './socket_transfer.js';
import { monotonicMs, wakeAt } from '../time/wake_timer.js';

const MMSGHDR_SIZE = 64;
const MSG_LEN = 56;
const UIO_MAXIOV = 1024;
const MSG_DONTWAIT = 0x40;
const MSG_WAITFORONE = 0x10000;

function storeLength(ctx: SyscallContext, entry: number, n: number): boolean {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(n >>> 0);
  return ctx.write(entry + MSG_LEN, out);
}

function blocking(d: FdLookup, flags: number): boolean {
  return (d.file.flags & O_NONBLOCK) === 0 && (flags & MSG_DONTWAIT) === 0;
}

/** Moves messages from index `done` on without waiting: the new count, or -errno when the first of them failed. */
function moveSome(ctx: SyscallContext, d: FdLookup, vec: number, vlen: number, done: number, flags: number, one: typeof sendMsgAt): number {
  let count = done;
  let err = 0;
  while (count < vlen) {
    const entry = vec + count * MMSGHDR_SIZE;
    const r = one(ctx, d, entry, flags | MSG_DONTWAIT);
    if (typeof r !== 'number') break;
    if (r < 0) {
      err = r;
      break;
    }
    if (!storeLength(ctx, entry, r)) {
      err = -Errno.EFAULT;
      break;
    }
    count++;
  }
  return count > done || err === 0 ? count : err;
}

export function sysSendmmsg(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const vec = ctx.args[1]!;
  const vlen = Math.min(ctx.uint(2), UIO_MAXIOV);
  const flags = ctx.uint(3);
  const attempt = (): number | null => {
    const r = moveSome(ctx, d, vec, vlen, 0, flags, sendMsgAt);
    return r === -Errno.EAGAIN && blocking(d, flags) ? null : r;
  };
  const first = attempt();
  if (first !== null) return first;
  const id = d.file.objectId!;
  const peer = ctx.kernel.state.sockets.get(id)?.peer;
  return ctx.block([`socket:${id}`, ...(peer !== undefined ? [`socket:${peer}`] : [])], attempt);
}

export function sysRecvmmsg(ctx: SyscallContext): Outcome {
  const d = sockFd(ctx);
  if (typeof d === 'number') return d;
  const vec = ctx.args[1]!;
  const vlen = Math.min(ctx.uint(2), UIO_MAXIOV);
  const flags = ctx.uint(3);
  const timeoutMs = readTimespecMs(ctx, ctx.args[4]!);
  if (timeoutMs === 'fault') return -Errno.EFAULT;
  if (timeoutMs === 'invalid') return -Errno.EINVAL;
  if (vlen === 0) return 0;
  const deadline = timeoutMs === null ? null : monotonicMs() + timeoutMs;
  let done = 0;
  const attempt = (): number | null => {
    const perMessage = (flags & ~MSG_WAITFORONE) | (flags & MSG_WAITFORONE && done > 0 ? MSG_DONTWAIT : 0);
    const r = moveSome(ctx, d, vec, vlen, done, perMessage, recvMsgAt);
    if (r < 0 && r !== -Errno.EAGAIN) return done > 0 ? done : r;
    if (r >= 0) done = r;
    const expired = deadline !== null && monotonicMs() >= deadline;
    if (done === vlen || !blocking(d, flags) || (flags & MSG_WAITFORONE && done > 0) || expired) return done > 0 ? done : -Errno.EAGAIN;
    return null;
  };
  const first = attempt();
  if (first !== null) return first;
  const keys = [`socket:${d.file.objectId!}`];
  const interrupted = (): number | undefined => (done > 0 ? done : undefined);
  if (deadline === null) return ctx.block(keys, attempt, undefined, interrupted);
  const kernel = ctx.kernel;
  const timerKey = `timer:${ctx.thread.tid}`;
  const timer = wakeAt(deadline, () => kernel.notify(timerKey));
  return ctx.block([...keys, timerKey], attempt, () => timer.cancel(), interrupted);
}
