// Signals. Handlers are installed on the host (the program's real handler must run on its
// real stack) after the kernel has checked and recorded them; masks are host state.
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import { hostRuns, type Outcome } from './outcome.js';

const SIGKILL = 9;
const SIGSTOP = 19;
const NSIG = 64;

export function sysRtSigaction(ctx: SyscallContext): Outcome {
  const sig = ctx.int(0);
  const act = ctx.args[1]!;
  if (ctx.args[3]! !== 8) return -Errno.EINVAL;
  if (sig < 1 || sig > NSIG) return -Errno.EINVAL;
  if (act === 0) return hostRuns;
  if (sig === SIGKILL || sig === SIGSTOP) return -Errno.EINVAL;
  const raw = ctx.read(act, 32);
  if (!raw) return -Errno.EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset);
  ctx.emit({
    type: 'SignalActionSet',
    pid: ctx.process.pid,
    signal: sig,
    action: {
      handler: Number(v.getBigUint64(0, true)),
      flags: Number(v.getBigUint64(8, true) & 0xffffffffn),
      restorer: Number(v.getBigUint64(16, true)),
      mask: Number(v.getBigUint64(24, true)),
    },
  });
  return hostRuns;
}

/** kill/tkill/tgkill: only the sandbox's own threads can be reached; for now, the caller's own process. */
function signalThread(ctx: SyscallContext, tid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  const thread = ctx.kernel.state.threads.get(tid);
  if (!thread) return -Errno.ESRCH;
  if (sig !== 0) ctx.kernel.platform.signalThread(thread.hostTid, sig);
  return 0;
}

export function sysKill(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  const sig = ctx.int(1);
  const target = pid === 0 || pid === -1 || pid === -ctx.process.pgid ? ctx.process.pid : pid;
  const p = ctx.kernel.state.processes.get(target);
  if (!p || p.status !== 'running') return -Errno.ESRCH;
  return signalThread(ctx, p.threads[0]!, sig);
}

export function sysTkill(ctx: SyscallContext): Outcome {
  return signalThread(ctx, ctx.int(0), ctx.int(1));
}

export function sysTgkill(ctx: SyscallContext): Outcome {
  const thread = ctx.kernel.state.threads.get(ctx.int(1));
  if (!thread || thread.pid !== ctx.int(0)) return -Errno.ESRCH;
  return signalThread(ctx, thread.tid, ctx.int(2));
}
