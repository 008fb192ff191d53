// Which session a pty controls, and the signals a terminal sends to it: to its foreground
// group (^C, ^\, ^Z, SIGWINCH) and, when the master closes, SIGHUP to the session leader.
import { SIGCONT, SIGHUP } from '../abi/signals.js';
import type { Kernel } from '../kernel.js';
import type { KernelState, ProcessState, PtyState } from '../state.js';
import { processGroup, signalFromKernel } from './signal.js';

/**
 * The session a pty is the controlling terminal of, or 0. A session whose leader has exited
 * has none any more (Linux clears it when the leader exits).
 */
export function controlledSession(state: KernelState, pty: PtyState): number {
  if (pty.session === 0) return 0;
  return state.processes.get(pty.session)?.status === 'running' ? pty.session : 0;
}

/** The process's controlling terminal, when it is a pty. */
export function controllingPty(state: KernelState, process: ProcessState): PtyState | undefined {
  for (const pty of state.ptys.values()) if (controlledSession(state, pty) === process.sid) return pty;
  return undefined;
}

/** Sends sig to the pty's foreground process group, if it has one. */
export function signalForeground(kernel: Kernel, pty: PtyState, sig: number): void {
  if (controlledSession(kernel.state, pty) === 0 || pty.pgrp === 0) return;
  signalFromKernel(kernel, processGroup(kernel, pty.pgrp), sig);
}

/**
 * A session leader is exiting: the foreground group of the pty it controls gets SIGHUP and
 * SIGCONT (Linux's disassociate_ctty), before the session loses its terminal.
 */
export function leaderExiting(kernel: Kernel, leader: ProcessState): void {
  if (leader.sid !== leader.pid) return;
  const pty = controllingPty(kernel.state, leader);
  if (!pty || pty.pgrp === 0) return;
  const group = processGroup(kernel, pty.pgrp).filter((p) => p.pid !== leader.pid);
  if (group.length === 0) return;
  signalFromKernel(kernel, group, SIGHUP, false);
  const pids = signalFromKernel(kernel, group, SIGCONT, false);
  queueMicrotask(() => kernel.interruptSignalled(pids));
}

/**
 * Closing this open file hangs its pty up (the master's last reference goes): the leader of
 * the session it controls, to be sent SIGHUP and SIGCONT once it is closed, or undefined.
 */
export function leaderToHangUp(state: KernelState, fileId: number): ProcessState | undefined {
  const file = state.files.get(fileId);
  if (!file || file.kind !== 'pty-master' || file.refs > 1 || file.objectId === undefined) return undefined;
  const pty = state.ptys.get(file.objectId);
  if (!pty || pty.masters > 1) return undefined;
  const session = controlledSession(state, pty);
  return session === 0 ? undefined : state.processes.get(session);
}

/**
 * The hang-up's signals to the session leader (tty_signal_session_leader). Its reads of the
 * slave end with EIO first, as on Linux, rather than EINTR: they are woken when the current
 * syscall is done, and what else the leader waits on is interrupted after that.
 */
export function hangUp(kernel: Kernel, leader: ProcessState): void {
  signalFromKernel(kernel, [leader], SIGHUP, false);
  const pids = signalFromKernel(kernel, [leader], SIGCONT, false);
  queueMicrotask(() => kernel.interruptSignalled(pids));
}
