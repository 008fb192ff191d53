// Signal-driven I/O: a file's owner (F_SETOWN, F_SETOWN_EX), the signal it gets (F_SETSIG), and
// O_ASYNC's SIGIO when a pipe, socket, terminal or inotify instance becomes readable or writable.
//
// Linux raises SIGIO at each event of the file's driver (a write to a pipe signals its readers,
// a read its writers). Here every change that can wake a waiter is a Kernel.notify of the
// file's wake key; asyncNotified then compares how much the file holds for reading and how
// much room it has for writing with what they were at the last look: more to read is POLL_IN,
// more room is POLL_OUT. A write that leaves a pipe's writer with less room, or a read that
// leaves its reader with less to read, signals nobody, as on Linux.
import { PIPE_PAGE, freeSlots } from '../ipc/pipe_pages.js';
import { Errno } from '../errno.js';
import type { Kernel, SignalSender } from '../kernel.js';
import type { FileOwner, KernelState, OpenFile, ProcessState } from '../state.js';
import { O_ACCMODE, O_ASYNC, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';
import { POLL_BANDS, POLL_IN, POLL_OUT, SIGIO, SIGURG, SI_KERNEL, SI_SIGIO } from '../abi/signals.js';
import type { FdLookup } from '../fd/fd_table.js';
import type { SyscallContext } from './context.js';
import { ptyReadiness } from './pty.js';
import { socketReadiness, wakeKeysOf } from './poll.js';

export const F_OWNER_TID = 0;
export const F_OWNER_PID = 1;
export const F_OWNER_PGRP = 2;
const NSIG = 64;
const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLHUP = 0x10;
/** Signals with si_codes of their own: F_SETSIG's POLL_* code would be ambiguous (SI_SIGIO instead). */
const OWN_CODES: ReadonlySet<number> = new Set([4, 5, 7, 8, 11, 17, 31]);

/** The kinds of open file Linux has a fasync method for: O_ASYNC means something only for them. */
export function hasFasync(file: OpenFile): boolean {
  return file.kind === 'pipe' || file.kind === 'socket' || file.kind === 'pty-master' || file.kind === 'pty-slave' || file.kind === 'inotify' || file.kind === 'stdio';
}

/** Whether an owner is there to be signalled (F_GETOWN names only a live one). */
function ownerAlive(state: KernelState, owner: FileOwner): boolean {
  if (owner.type === F_OWNER_TID) return state.threads.has(owner.id);
  if (owner.type === F_OWNER_PID) return state.processes.has(owner.id);
  for (const p of state.processes.values()) if (p.pgid === owner.id) return true;
  return false;
}

/** F_SETOWN/F_SETOWN_EX: a thread, process or group that exists, or 0 for none (ESRCH otherwise). */
export function setOwner(ctx: SyscallContext, d: FdLookup, type: number, id: number): number {
  if (id !== 0 && !ownerAlive(ctx.kernel.state, { type, id })) return -Errno.ESRCH;
  ctx.emit({ type: 'FileOwnerSet', fileId: d.file.id, ownerType: type, ownerId: id });
  return 0;
}

/** F_GETOWN: the owner's pid, a group as its negated id, 0 without a live owner. */
export function getOwner(ctx: SyscallContext, d: FdLookup): number {
  const owner = d.file.owner;
  if (!owner || !ownerAlive(ctx.kernel.state, owner)) return 0;
  return owner.type === F_OWNER_PGRP ? -owner.id : owner.id;
}

/** F_GETOWN_EX's struct f_owner_ex: the type (F_OWNER_TID when none was set) and the live owner's id. */
export function getOwnerEx(ctx: SyscallContext, d: FdLookup): { type: number; id: number } {
  const owner = d.file.owner;
  if (!owner) return { type: F_OWNER_TID, id: 0 };
  return { type: owner.type, id: ownerAlive(ctx.kernel.state, owner) ? owner.id : 0 };
}

/** F_SETSIG: 0 (plain SIGIO) or a signal number. */
export function setOwnerSignal(ctx: SyscallContext, d: FdLookup, sig: number): number {
  if (sig < 0 || sig > NSIG) return -Errno.EINVAL;
  ctx.emit({ type: 'FileOwnerSignalSet', fileId: d.file.id, signal: sig });
  return 0;
}

/** Sends sig to the owner of a file (its thread, process or every process of its group). */
function signalOwner(kernel: Kernel, owner: FileOwner, sig: number, sender: SignalSender): void {
  const state = kernel.state;
  const notify = (p: ProcessState, hostTid?: number): void => {
    if (p.status !== 'running') return;
    kernel.noteSignalSender(p.pid, sig, sender);
    if (hostTid === undefined) kernel.platform.signalProcess(p.hostPid, sig);
    else kernel.platform.signalThread(hostTid, sig);
  };
  const pids = new Set<number>();
  if (owner.type === F_OWNER_TID) {
    const t = state.threads.get(owner.id);
    const p = t && state.processes.get(t.pid);
    if (t && p) {
      notify(p, t.hostTid);
      pids.add(p.pid);
    }
  } else {
    for (const p of state.processes.values()) {
      if (owner.type === F_OWNER_PID ? p.pid === owner.id : p.pgid === owner.id) {
        notify(p);
        pids.add(p.pid);
      }
    }
  }
  if (pids.size > 0) kernel.interruptSignalled(pids);
}

/**
 * send_sigio: the file's F_SETSIG signal with reason as si_code, its band and fd, or without
 * F_SETSIG a plain SIGIO (as the kernel sends it: SI_KERNEL, no band, no fd).
 */
export function sendSigio(kernel: Kernel, file: OpenFile, fd: number, reason: number): void {
  if (!file.owner) return;
  const sig = file.ownerSignal ?? 0;
  if (sig === 0) {
    signalOwner(kernel, file.owner, SIGIO, { code: SI_KERNEL, pid: 0, uid: 0, status: -1 });
    return;
  }
  const code = sig !== SIGIO && OWN_CODES.has(sig) ? SI_SIGIO : reason;
  // si_band (a long) lies where a kill's si_pid and si_uid are, si_fd where SIGCHLD's si_status is.
  signalOwner(kernel, file.owner, sig, { code, pid: POLL_BANDS[reason] ?? 0, uid: 0, status: fd });
}

/** send_sigurg: urgent data arrived on a socket; its owner gets SIGURG whether or not O_ASYNC is set. */
export function sendSigurg(kernel: Kernel, file: OpenFile): void {
  if (file.owner) signalOwner(kernel, file.owner, SIGURG, { code: SI_KERNEL, pid: 0, uid: 0, status: -1 });
}

/** How much an O_ASYNC file has to read and room to write, as asyncNotified compares them. */
interface Levels {
  toRead: number;
  room: number;
}

const lastLevels = new WeakMap<Kernel, Map<number, Levels>>();

function levelsOf(kernel: Kernel, file: OpenFile): Levels {
  const state = kernel.state;
  switch (file.kind) {
    case 'pipe': {
      const pipe = state.pipes.get(file.pipeId!);
      if (!pipe) return { toRead: 1, room: 1 };
      const mode = file.flags & O_ACCMODE;
      // The last writer's close is an event for readers, the last reader's for writers.
      return {
        toRead: mode === O_WRONLY ? 0 : pipe.length + (pipe.writers === 0 ? 1 : 0),
        room: mode === O_RDONLY ? 0 : freeSlots(pipe) * PIPE_PAGE + (pipe.readers === 0 ? 1 : 0),
      };
    }
    case 'socket': {
      const s = state.sockets.get(file.objectId!);
      if (!s) return { toRead: 1, room: 1 };
      const shut = s.shutRead || s.peerGone || s.error !== undefined ? 1 : 0;
      // Room is only signalled when a socket becomes writable (Linux: after it was found full).
      return { toRead: s.queued + s.queue.length + s.backlog.length + shut, room: socketReadiness(state, s) & POLLOUT ? 1 : 0 };
    }
    case 'inotify':
      return { toRead: state.inotifies.get(file.objectId!)?.queue.length ?? 0, room: 0 };
    case 'pty-master':
    case 'pty-slave': {
      const r = ptyReadiness({ kernel }, file);
      return { toRead: r & (POLLIN | POLLHUP) ? 1 : 0, room: r & POLLOUT ? 1 : 0 };
    }
    default:
      return { toRead: 0, room: 0 };
  }
}

/** F_SETFL set O_ASYNC: what the file holds now is where its signals start from. */
export function asyncStarted(kernel: Kernel, file: OpenFile): void {
  let levels = lastLevels.get(kernel);
  if (!levels) lastLevels.set(kernel, (levels = new Map()));
  // Files closed (or O_ASYNC cleared) since are forgotten here.
  for (const id of levels.keys()) if (!kernel.state.asyncFiles?.has(id)) levels.delete(id);
  levels.set(file.id, levelsOf(kernel, file));
}

/** Kernel.notify(key): the O_ASYNC files that key wakes signal their owners of what changed. */
export function asyncNotified(kernel: Kernel, key: string): void {
  const files = kernel.state.asyncFiles;
  if (!files || files.size === 0) return;
  let levels = lastLevels.get(kernel);
  if (!levels) lastLevels.set(kernel, (levels = new Map()));
  for (const [fileId, fd] of files) {
    const file = kernel.state.files.get(fileId);
    if (!file || !(file.flags & O_ASYNC) || !wakeKeysOf(file).includes(key)) continue;
    const now = levelsOf(kernel, file);
    const before = levels.get(fileId) ?? { toRead: 0, room: 0 };
    levels.set(fileId, now);
    if (now.toRead > before.toRead) sendSigio(kernel, file, fd, POLL_IN);
    if (now.room > before.room) sendSigio(kernel, file, fd, POLL_OUT);
  }
}
