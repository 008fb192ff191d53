// Pseudo-terminals: opening /dev/ptmx (a new pty), its slave /dev/pts/N and the controlling
// terminal /dev/tty, reading and writing either side, and their poll readiness. Blocked
// reads and writes park the thread on the key `pty:N` (tty_ioctl.ts has the ioctls).
import { Errno } from '../errno.js';
import { lowestFreeFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { KernelState, OpenFile, PtyState } from '../state.js';
import { INPUT_CAPACITY, OUTPUT_CAPACITY, receiveInput, slaveReadable } from '../tty/line_discipline.js';
import { ICANON, VMIN, VTIME } from '../tty/termios.js';
import { monotonicMs, wakeAt, type WakeTimer } from '../time/wake_timer.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { controlledSession, controllingPty, signalForeground } from './pty_session.js';
import { checkTerminalAccess } from './tty_job_control.js';
import { O_NOCTTY, O_NONBLOCK } from '../abi/open_flags.js';
import { SIGTTIN, SIGTTOU } from '../abi/signals.js';
import { TOSTOP } from '../tty/termios.js';

/** /proc/sys/kernel/pty/max. */
const PTY_MAX = 4096;
const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLRDNORM = 0x40;
const POLLWRNORM = 0x100;

export function isPty(file: OpenFile): boolean {
  return file.kind === 'pty-master' || file.kind === 'pty-slave';
}

export function ptyKey(index: number): string {
  return `pty:${index}`;
}

/** The pty an open file of either side belongs to (gone once both sides are closed). */
export function ptyOf(ctx: Pick<SyscallContext, 'kernel'>, file: OpenFile): PtyState | undefined {
  return file.objectId === undefined ? undefined : ctx.kernel.state.ptys.get(file.objectId);
}

/** The lowest pty index no pty has, if one is left under /proc/sys/kernel/pty/max. */
export function freePtyIndex(state: KernelState): number | undefined {
  let index = 0;
  while (state.ptys.has(index)) index++;
  return index < PTY_MAX ? index : undefined;
}

/** open("/dev/ptmx"): a new pty, locked, with the lowest free index; the fd is its master. */
export function openPtmx(ctx: SyscallContext, path: string, flags: number, cloexec: boolean): number {
  const free = lowestFreeFd(ctx.process);
  if (free < 0) return free;
  const index = freePtyIndex(ctx.kernel.state);
  if (index === undefined) return -Errno.ENOSPC;
  ctx.emit({ type: 'PtyCreated', index, uid: ctx.process.creds.euid, gid: ctx.process.creds.egid });
  return openNewFile(ctx, { kind: 'pty-master', path, flags, cloexec, objectId: index });
}

/**
 * Opens the slave of pty index (/dev/pts/N, TIOCGPTPEER, or /dev/tty at path). A session
 * leader without a controlling terminal gets this one, unless O_NOCTTY.
 */
export function openPtySlave(ctx: SyscallContext, index: number, path: string, openFlags: number, statusFlags: number, cloexec: boolean): number {
  const pty = ctx.kernel.state.ptys.get(index);
  if (!pty || pty.masters === 0) return -Errno.EIO;
  if (pty.locked) return -Errno.EIO;
  const fd = openNewFile(ctx, { kind: 'pty-slave', path, flags: statusFlags, cloexec, objectId: index });
  if (fd < 0) return fd;
  const p = ctx.process;
  const leader = p.pid === p.sid;
  if (!(openFlags & O_NOCTTY) && leader && !controllingPty(ctx.kernel.state, p) && controlledSession(ctx.kernel.state, pty) === 0) {
    ctx.emit({ type: 'PtyControlSet', index, session: p.sid, pgrp: p.pgid });
  }
  return fd;
}

/**
 * /dev/tty: the caller's controlling pty; otherwise, in the sandbox's first session,
 * tsvisor's own terminal (openHost); a session of its own without one gets ENXIO, as on Linux.
 */
export function openControllingTerminal(ctx: SyscallContext, statusFlags: number, cloexec: boolean, openHost: () => number): number {
  const pty = controllingPty(ctx.kernel.state, ctx.process);
  if (pty) return openPtySlave(ctx, pty.index, '/dev/tty', O_NOCTTY, statusFlags, cloexec);
  return ctx.process.sid === 1 ? openHost() : -Errno.ENXIO;
}

/**
 * Job control when pty is the caller's controlling terminal (tty_job_control.ts): undefined
 * when the call may go on, else its outcome.
 */
export function ptyJobControl(ctx: SyscallContext, pty: PtyState, sig: number): Outcome | undefined {
  if (controlledSession(ctx.kernel.state, pty) !== ctx.process.sid) return undefined;
  return checkTerminalAccess(ctx, pty.pgrp, sig);
}

// ---- reading ---------------------------------------------------------------------------------

/** read(2) of either side of a pty. */
export function readPty(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  return d.file.kind === 'pty-master' ? readMaster(ctx, d, count, deliver) : readSlave(ctx, d, count, deliver);
}

/** The master reads the slave's output; EIO once the slave was closed and everything is read. */
function readMaster(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  const index = d.file.objectId!;
  const attempt = (): number | null => {
    const pty = ctx.kernel.state.ptys.get(index);
    if (!pty) return -Errno.EIO;
    if (pty.output.length > 0) {
      const r = deliver(pty.output.subarray(0, count));
      if (r > 0) {
        ctx.emit({ type: 'PtyRead', index, side: 'master', count: r });
        ctx.kernel.notify(ptyKey(index));
      }
      return r;
    }
    if (pty.slaveClosed) return -Errno.EIO;
    return d.file.flags & O_NONBLOCK ? -Errno.EAGAIN : null;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([ptyKey(index)], attempt);
}

/**
 * The slave reads its input: a line at a time in canonical mode, else as VMIN and VTIME say
 * (VTIME in tenths of a second: a timeout without VMIN, the gap allowed between bytes with it).
 * A hung-up slave (no master) reads end of file.
 */
function readSlave(ctx: SyscallContext, d: FdLookup, count: number, deliver: (bytes: Uint8Array) => number): Outcome {
  const index = d.file.objectId!;
  const kernel = ctx.kernel;
  const open = kernel.state.ptys.get(index);
  const refused = open && open.masters > 0 ? ptyJobControl(ctx, open, SIGTTIN) : undefined;
  if (refused !== undefined) return refused;
  const timerKey = `timer:${ctx.thread.tid}`;
  let timer: WakeTimer | undefined;
  let deadline: number | null = null;
  let seen = -1;
  const take = (bytes: Uint8Array): number => {
    const r = bytes.length === 0 ? 0 : deliver(bytes);
    if (r >= 0) {
      ctx.emit({ type: 'PtyRead', index, side: 'slave', count: r });
      kernel.notify(ptyKey(index));
    }
    return r;
  };
  const arm = (ms: number): void => {
    timer?.cancel();
    deadline = monotonicMs() + ms;
    timer = wakeAt(deadline, () => kernel.notify(timerKey));
  };
  // A read that waited while the master closed gets EIO; later ones, end of file (Linux).
  const attempt = (waited: boolean): number | null => {
    const pty = kernel.state.ptys.get(index);
    if (!pty || pty.masters === 0) return waited ? -Errno.EIO : 0;
    const nonblock = (d.file.flags & O_NONBLOCK) !== 0;
    if (pty.termios.lflag & ICANON) {
      const line = slaveReadable(pty, count);
      if (line !== null) return take(line);
      return nonblock ? -Errno.EAGAIN : null;
    }
    const min = pty.termios.cc[VMIN] ?? 0;
    const time = (pty.termios.cc[VTIME] ?? 0) * 100;
    const have = pty.input.length;
    const expired = deadline !== null && monotonicMs() >= deadline;
    const all = (): number => take(pty.input.subarray(0, Math.min(count, have)));
    if (min === 0) {
      if (have > 0 || time === 0 || expired) return all();
      if (deadline === null) arm(time);
    } else {
      if (have >= Math.min(min, count) || (have > 0 && (expired || nonblock))) return all();
      // With VTIME the timer runs from the last byte that came.
      if (time > 0 && have > 0 && have !== seen) arm(time);
      seen = have;
    }
    return nonblock ? -Errno.EAGAIN : null;
  };
  const first = attempt(false);
  if (first !== null) {
    timer?.cancel();
    return first;
  }
  return ctx.block([ptyKey(index), timerKey], () => attempt(true), () => timer?.cancel());
}

// ---- writing ---------------------------------------------------------------------------------

/** write(2) to either side of a pty. */
export function writePty(ctx: SyscallContext, d: FdLookup, bytes: Uint8Array): Outcome {
  return d.file.kind === 'pty-master' ? writeMaster(ctx, d, bytes) : writeSlave(ctx, d, bytes);
}

/** How much input the line discipline takes now (canonical mode takes all: it drops what does not fit). */
function inputRoom(pty: PtyState): number {
  if (pty.termios.lflag & ICANON) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, INPUT_CAPACITY - 1 - pty.input.length - pty.editing.length);
}

/** The master types: the line discipline takes the bytes, and ^C & co. signal the foreground group. */
function writeMaster(ctx: SyscallContext, d: FdLookup, bytes: Uint8Array): Outcome {
  const index = d.file.objectId!;
  const kernel = ctx.kernel;
  let written = 0;
  const attempt = (): number | null => {
    const pty = kernel.state.ptys.get(index);
    if (!pty) return written > 0 ? written : -Errno.EIO;
    const n = Math.min(bytes.length - written, inputRoom(pty));
    if (n > 0) {
      const chunk = bytes.subarray(written, written + n);
      const { signals } = receiveInput(pty, chunk);
      ctx.emit({ type: 'PtyInput', index, bytes: chunk });
      written += n;
      kernel.notify(ptyKey(index));
      for (const sig of signals) signalForeground(kernel, pty, sig);
    }
    if (written === bytes.length) return written;
    if (d.file.flags & O_NONBLOCK) return written > 0 ? written : -Errno.EAGAIN;
    return null;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([ptyKey(index)], attempt);
}

/** The slave writes: output processing, then the master reads it; waits while output is stopped or full. */
function writeSlave(ctx: SyscallContext, d: FdLookup, bytes: Uint8Array): Outcome {
  const index = d.file.objectId!;
  const kernel = ctx.kernel;
  const open = kernel.state.ptys.get(index);
  const refused = open && open.masters > 0 && (open.termios.lflag & TOSTOP) !== 0 ? ptyJobControl(ctx, open, SIGTTOU) : undefined;
  if (refused !== undefined) return refused;
  let written = 0;
  const attempt = (): number | null => {
    const pty = kernel.state.ptys.get(index);
    if (!pty || pty.masters === 0) return written > 0 ? written : -Errno.EIO;
    const room = pty.stopped ? 0 : OUTPUT_CAPACITY - pty.output.length;
    const n = Math.min(bytes.length - written, Math.max(0, room));
    if (n > 0) {
      ctx.emit({ type: 'PtyOutput', index, bytes: bytes.subarray(written, written + n) });
      written += n;
      kernel.notify(ptyKey(index));
    }
    if (written === bytes.length) return written;
    if (d.file.flags & O_NONBLOCK) return written > 0 ? written : -Errno.EAGAIN;
    return null;
  };
  const first = attempt();
  return first !== null ? first : ctx.block([ptyKey(index)], attempt);
}

// ---- readiness -------------------------------------------------------------------------------

/** poll(2) revents of either side (before masking with what was asked). */
export function ptyReadiness(ctx: Pick<SyscallContext, 'kernel'>, file: OpenFile): number {
  const pty = ptyOf(ctx, file);
  if (file.kind === 'pty-master') {
    if (!pty) return POLLHUP;
    let r = 0;
    if (pty.output.length > 0) r |= POLLIN | POLLRDNORM;
    if (pty.slaveClosed) r |= POLLHUP;
    if (inputRoom(pty) > 0) r |= POLLOUT | POLLWRNORM;
    return r;
  }
  // A hung-up slave is readable (end of file), writable (EIO), in error and hung up.
  if (!pty || pty.masters === 0) return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
  let r = 0;
  const canonical = (pty.termios.lflag & ICANON) !== 0;
  const min = pty.termios.cc[VMIN] ?? 0;
  const time = pty.termios.cc[VTIME] ?? 0;
  // Without VTIME, a non-canonical reader waits for VMIN bytes, and so does poll.
  const enough = canonical ? slaveReadable(pty, 1) !== null : pty.input.length >= (min > 0 && time === 0 ? min : 1);
  if (enough) r |= POLLIN | POLLRDNORM;
  if (!pty.stopped && pty.output.length < OUTPUT_CAPACITY) r |= POLLOUT | POLLWRNORM;
  return r;
}
