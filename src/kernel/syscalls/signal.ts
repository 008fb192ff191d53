// Signals. Handlers are installed on the host (the program's real handler must run on its
// real stack) after the kernel has checked and recorded them; masks are host state.
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';
import { hostRuns, type Outcome } from './outcome.js';
import type { Kernel, SignalSender } from '../kernel.js';
import type { ProcessState } from '../state.js';
import { SIGSTOP, SI_KERNEL, SI_TKILL, SI_USER } from '../abi/signals.js';
import { CAP_KILL, capable } from '../task/capabilities.js';

const SIGKILL = 9;
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

const SIGCONT = 18;

/**
 * Linux's kill permission: root may signal anyone; others the processes whose real or saved
 * uid is their real or effective uid; SIGCONT any process of the same session.
 */
export function maySignal(sender: ProcessState, target: ProcessState, sig: number): boolean {
  const s = sender.creds;
  const t = target.creds;
  if (capable(s, CAP_KILL) || (sig === SIGCONT && sender.sid === target.sid)) return true;
  return s.euid === t.uid || s.euid === t.suid || s.uid === t.uid || s.uid === t.suid;
}

/**
 * tkill/tgkill/rt_tgsigqueueinfo: one thread of the sandbox (the host delivers, so the handler
 * runs for real; the sender is what the program sees in its siginfo).
 */
export function signalThread(ctx: SyscallContext, tid: number, sig: number, sender?: SignalSender): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  const thread = ctx.kernel.state.threads.get(tid);
  if (!thread) return -Errno.ESRCH;
  const target = ctx.kernel.state.processes.get(thread.pid);
  if (target && !maySignal(ctx.process, target, sig)) return -Errno.EPERM;
  if (sig !== 0) {
    ctx.kernel.noteSignalSender(thread.pid, sig, sender ?? callerAsSender(ctx, SI_TKILL));
    ctx.kernel.platform.signalThread(thread.hostTid, sig);
    ctx.kernel.interruptSignalled(new Set([thread.pid]));
  }
  return 0;
}

/**
 * A signal a call raises for the thread that made it (SIGPIPE, SIGXFSZ): Linux's
 * send_sig(sig, current, 0), whose siginfo is SI_USER from the caller's own pid and uid.
 */
export function signalSelf(ctx: SyscallContext, sig: number): void {
  ctx.kernel.noteSignalSender(ctx.process.pid, sig, callerAsSender(ctx, SI_USER));
  ctx.kernel.platform.signalThread(ctx.hostTid, sig);
}

/** The calling process as the sender of a signal it sends with si_code code (kill's SI_USER, tkill's SI_TKILL). */
export function callerAsSender(ctx: SyscallContext, code: number): SignalSender {
  return { code, pid: ctx.process.pid, uid: ctx.process.creds.uid, status: -1 };
}

/**
 * Signals processes as `sender`: ESRCH when there are none, and those the caller may not
 * signal are left out (none at all is EPERM). A zombie can still be signalled (nothing
 * happens), as on Linux.
 */
function signalProcesses(ctx: SyscallContext, targets: ProcessState[], sig: number, sender: SignalSender): number {
  if (targets.length === 0) return -Errno.ESRCH;
  const allowed = targets.filter((p) => maySignal(ctx.process, p, sig));
  if (allowed.length === 0) return -Errno.EPERM;
  if (sig === 0) return 0;
  for (const p of allowed) {
    if (p.status !== 'running') continue;
    ctx.kernel.noteSignalSender(p.pid, sig, sender);
    ctx.kernel.platform.signalProcess(p.hostPid, sig);
  }
  ctx.kernel.interruptSignalled(new Set(allowed.map((p) => p.pid)));
  return 0;
}

/** Signals every running process of group pgid (kill(-pgid), pidfd_send_signal's group scope). */
export function signalGroup(ctx: SyscallContext, pgid: number, sig: number, sender: SignalSender): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  return signalProcesses(ctx, processGroup(ctx.kernel, pgid), sig, sender);
}

/**
 * kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 every process but init
 * and the caller's... (Linux: all it may signal except init), < -1 the group -pid.
 * Only sandbox processes exist for the program.
 */
export function sysKill(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  const sig = ctx.int(1);
  const running = [...ctx.kernel.state.processes.values()].filter((p) => p.status === 'running' || p.pid === pid);
  let targets;
  if (pid > 0) targets = running.filter((p) => p.pid === pid);
  else if (pid === 0) targets = running.filter((p) => p.pgid === ctx.process.pgid);
  else if (pid === -1) targets = running.filter((p) => p.pid !== 1 && p.pid !== ctx.process.pid);
  else targets = running.filter((p) => p.pgid === -pid);
  // The signal number is checked per target, as Linux does: with none, the answer is ESRCH.
  if (sig < 0 || sig > NSIG) return targets.length === 0 ? -Errno.ESRCH : -Errno.EINVAL;
  return signalProcesses(ctx, targets, sig, callerAsSender(ctx, SI_USER));
}

/**
 * The kernel itself signals running processes (a terminal's ^C, hang-up, resize: si_code
 * SI_KERNEL); their parked syscalls are interrupted unless interrupt is false (the caller
 * then sees to it). Returns the pids signalled.
 */
export function signalFromKernel(kernel: Kernel, targets: readonly ProcessState[], sig: number, interrupt = true): Set<number> {
  const running = targets.filter((p) => p.status === 'running');
  for (const p of running) {
    kernel.noteSignalSender(p.pid, sig, { code: SI_KERNEL, pid: 0, uid: 0, status: -1 });
    kernel.platform.signalProcess(p.hostPid, sig);
  }
  const pids = new Set(running.map((p) => p.pid));
  if (interrupt) kernel.interruptSignalled(pids);
  return pids;
}

/** The running processes of group pgid. */
export function processGroup(kernel: Kernel, pgid: number): ProcessState[] {
  return [...kernel.state.processes.values()].filter((p) => p.status === 'running' && p.pgid === pgid);
}

/** pause, rt_sigsuspend, rt_sigpending: they wait for (or list) the thread's own signals, on the host. */
export function sysWaitsForSignal(_ctx: SyscallContext): Outcome {
  return hostRuns;
}

/**
 * rt_sigtimedwait(set, info, timeout): waits on the host, which takes the signal without a
 * signal-delivery stop. A signal the kernel sent for a process of the sandbox came from
 * outside its namespaces (si_pid 0, an unmapped uid): the sender noted for it is written into
 * the siginfo, and taken, as a delivery would take it.
 */
export function sysRtSigtimedwait(ctx: SyscallContext): Outcome {
  const infoAddr = ctx.args[1]!;
  return {
    kind: 'host',
    rewrite: (sig) => {
      if (sig <= 0) return sig;
      const sender = ctx.kernel.takeSignalSender(ctx.process.pid, sig);
      if (!sender || infoAddr === 0) return sig;
      const raw = ctx.read(infoAddr, 32);
      if (!raw) return sig;
      const info = Buffer.from(raw);
      const code = info.readInt32LE(8);
      if ((code !== SI_USER && code !== SI_TKILL) || info.readInt32LE(16) !== 0) return sig;
      info.writeInt32LE(sender.code, 8);
      info.writeInt32LE(sender.pid, 16);
      info.writeUInt32LE(sender.uid, 20);
      // A child's status (SIGCHLD) or a queued value (sigqueue) follows the uid.
      if (sender.value !== undefined) info.writeBigInt64LE(sender.value, 24);
      else if (sender.status >= 0) info.writeInt32LE(sender.status, 24);
      ctx.write(infoAddr, info);
      return sig;
    },
  };
}

export function sysTkill(ctx: SyscallContext): Outcome {
  if (ctx.int(0) <= 0) return -Errno.EINVAL;
  return signalThread(ctx, ctx.int(0), ctx.int(1));
}

export function sysTgkill(ctx: SyscallContext): Outcome {
  if (ctx.int(0) <= 0 || ctx.int(1) <= 0) return -Errno.EINVAL;
  const thread = ctx.kernel.state.threads.get(ctx.int(1));
  if (!thread || thread.pid !== ctx.int(0)) return -Errno.ESRCH;
  return signalThread(ctx, thread.tid, ctx.int(2));
}

/**
 * The siginfo an rt_sigqueueinfo caller gives: its code, pid, uid and value are delivered as
 * given, but only a process signalling itself may claim a code the kernel or kill would use
 * (si_code >= 0 or SI_TKILL): EPERM, as on Linux.
 */
export function queuedSender(ctx: SyscallContext, targetPid: number, addr: number, forSignal?: number): SignalSender | number {
  const raw = ctx.read(addr, 32);
  if (!raw) return -Errno.EFAULT;
  const info = Buffer.from(raw);
  // forSignal (pidfd_send_signal): the siginfo must be for the signal sent.
  if (forSignal !== undefined && info.readInt32LE(0) !== forSignal) return -Errno.EINVAL;
  const code = info.readInt32LE(8);
  if ((code >= 0 || code === SI_TKILL) && targetPid !== ctx.process.pid) return -Errno.EPERM;
  return { code, pid: info.readInt32LE(16), uid: info.readUInt32LE(20), status: -1, value: info.readBigInt64LE(24) };
}

/** Sends sig to one process of the sandbox as `sender` (rt_sigqueueinfo, pidfd_send_signal). */
export function sendToProcess(ctx: SyscallContext, pid: number, sig: number, sender: SignalSender): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  const target = ctx.kernel.state.processes.get(pid);
  if (pid <= 0 || !target || target.status !== 'running') return -Errno.ESRCH;
  if (!maySignal(ctx.process, target, sig)) return -Errno.EPERM;
  if (sig === 0) return 0;
  ctx.kernel.noteSignalSender(pid, sig, sender);
  ctx.kernel.platform.signalProcess(target.hostPid, sig);
  ctx.kernel.interruptSignalled(new Set([pid]));
  return 0;
}

/** rt_sigqueueinfo(tgid, sig, info): sigqueue(3)'s call, to a whole process. */
export function sysRtSigqueueinfo(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  const sig = ctx.int(1);
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  const sender = queuedSender(ctx, pid, ctx.args[2]!);
  if (typeof sender === 'number') return sender;
  return sendToProcess(ctx, pid, sig, sender);
}

/** rt_tgsigqueueinfo(tgid, tid, sig, info): the same, to one thread. */
export function sysRtTgsigqueueinfo(ctx: SyscallContext): Outcome {
  if (ctx.int(0) <= 0 || ctx.int(1) <= 0) return -Errno.EINVAL;
  const thread = ctx.kernel.state.threads.get(ctx.int(1));
  if (!thread || thread.pid !== ctx.int(0)) return -Errno.ESRCH;
  const sender = queuedSender(ctx, thread.pid, ctx.args[3]!);
  if (typeof sender === 'number') return sender;
  return signalThread(ctx, thread.tid, ctx.int(2), sender);
}
