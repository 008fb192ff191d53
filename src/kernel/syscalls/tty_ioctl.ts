// ioctl(2) on a pty: the master's own requests (TIOCGPTN, TIOCSPTLCK, TIOCGPTPEER) and the
// terminal requests of either side, which act on the one set of settings the pair shares
// (Linux: a request on the master goes to its slave).
import { Errno } from '../errno.js';
import type { FdLookup } from '../fd/fd_table.js';
import type { PtyState } from '../state.js';
import { slaveInputCount } from '../tty/line_discipline.js';
import {
  TERMIO_SIZE, TERMIOS2_SIZE, TERMIOS_SIZE, VSTART, VSTOP, WINSIZE_SIZE, applyTermio, decodeTermios, decodeWinsize, encodeTermio, encodeTermios,
  encodeWinsize,
} from '../tty/termios.js';
import { SIGCONT, SIGHUP, SIGTTOU, SIGWINCH } from '../abi/signals.js';
import { O_ACCMODE, O_CLOEXEC, O_WRONLY } from '../abi/open_flags.js';
import type { SyscallContext } from './context.js';
import { readInt, writeInt } from './user_int.js';
import type { Outcome } from './outcome.js';
import { openPtySlave, ptyJobControl, ptyKey } from './pty.js';
import { controlledSession, controllingPty, signalForeground } from './pty_session.js';
import { ptyDevice } from '../vfs/devpts.js';
import { FIONREAD, TCFLSH, TCGETA, TCGETS, TCSETA, TCSETAF, TCSETAW, TIOCGLCKTRMIOS, TCGETS2, TCSBRK, TCSBRKP, TCSETS, TCSETS2, TCSETSF, TCSETSF2, TCSETSW, TCSETSW2, TCXONC, TIOCEXCL, TIOCGDEV, TIOCGETD, TIOCGPGRP, TIOCGPTLCK, TIOCGPTN, TIOCGPTPEER, TIOCGSID, TIOCGWINSZ, TIOCNOTTY, TIOCNXCL, TIOCOUTQ, TIOCSCTTY, TIOCSETD, TIOCSPGRP, TIOCSPTLCK, TIOCSWINSZ } from '../abi/tty_ioctls.js';
import { CAP_SYS_ADMIN, capable } from '../task/capabilities.js';


const TCOOFF = 0;
const TCOON = 1;
const TCIOFF = 2;
const TCION = 3;
const TCIFLUSH = 0;
const TCOFLUSH = 1;
const TCIOFLUSH = 2;
const N_TTY = 0;

export function ptyIoctl(ctx: SyscallContext, d: FdLookup, request: number, argp: number): Outcome {
  const index = d.file.objectId!;
  const pty = ctx.kernel.state.ptys.get(index);
  const master = d.file.kind === 'pty-master';
  // A hung-up slave refuses everything (hung_up_tty_ioctl).
  if (!pty || (!master && pty.masters === 0)) return request === TIOCSPGRP ? -Errno.ENOTTY : -Errno.EIO;
  const result = master ? masterRequest(ctx, pty, request, argp) : undefined;
  if (result !== undefined) return result;
  if (CHANGES_TERMINAL.has(request)) {
    const refused = ptyJobControl(ctx, pty, SIGTTOU);
    // tcsetpgrp from a background group that may not stop is ENOTTY, not EIO (Linux).
    if (refused !== undefined) return refused === -Errno.EIO && request === TIOCSPGRP ? -Errno.ENOTTY : refused;
  }
  return terminalRequest(ctx, d, pty, master, request, argp);
}

/** Requests that a background group may not make without SIGTTOU (tty_job_control.ts). */
const CHANGES_TERMINAL: ReadonlySet<number> = new Set([
  TCSETA, TCSETAW, TCSETAF, TCSETS, TCSETSW, TCSETSF, TCSETS2, TCSETSW2, TCSETSF2, TCFLSH, TCXONC, TCSBRK, TCSBRKP, TIOCSETD, TIOCSPGRP,
]);

/** The master's own requests; undefined for the terminal requests both sides have. */
function masterRequest(ctx: SyscallContext, pty: PtyState, request: number, argp: number): Outcome | undefined {
  switch (request) {
    case TIOCGPTN:
      return writeInt(ctx, argp, pty.index);
    case TIOCSPTLCK: {
      const lock = readInt(ctx, argp);
      if (lock === null) return -Errno.EFAULT;
      ctx.emit({ type: 'PtyLockSet', index: pty.index, locked: lock !== 0 });
      return 0;
    }
    case TIOCGPTLCK:
      return writeInt(ctx, argp, pty.locked ? 1 : 0);
    case TIOCGPTPEER: {
      // The slave opened from its master, with these open flags (no path lookup, no permission check).
      const flags = ctx.uint(2);
      return openPtySlave(ctx, pty.index, `/dev/pts/${pty.index}`, flags, flags & ~O_CLOEXEC, (flags & O_CLOEXEC) !== 0);
    }
    default:
      return undefined;
  }
}

/** Requests of the terminal itself, from either side. */
function terminalRequest(ctx: SyscallContext, d: FdLookup, pty: PtyState, master: boolean, request: number, argp: number): Outcome {
  const kernel = ctx.kernel;
  const state = kernel.state;
  const index = pty.index;
  const session = controlledSession(state, pty);
  const isCtty = session !== 0 && session === ctx.process.sid;
  switch (request) {
    case TCGETS:
    case TCGETS2:
      return ctx.write(argp, encodeTermios(pty.termios, request === TCGETS ? TERMIOS_SIZE : TERMIOS2_SIZE)) ? 0 : -Errno.EFAULT;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2: {
      const two = request === TCSETS2 || request === TCSETSW2 || request === TCSETSF2;
      const raw = ctx.read(argp, two ? TERMIOS2_SIZE : TERMIOS_SIZE);
      if (!raw) return -Errno.EFAULT;
      // The output never waits to drain (the master holds it), so TCSETSW is TCSETS.
      if (request === TCSETSF || request === TCSETSF2) ctx.emit({ type: 'PtyFlushed', index, input: true, output: false });
      ctx.emit({ type: 'PtyTermiosSet', index, termios: decodeTermios(raw) });
      kernel.notify(ptyKey(index));
      return 0;
    }
    case TCGETA:
      return ctx.write(argp, encodeTermio(pty.termios)) ? 0 : -Errno.EFAULT;
    case TCSETA:
    case TCSETAW:
    case TCSETAF: {
      const raw = ctx.read(argp, TERMIO_SIZE);
      if (!raw) return -Errno.EFAULT;
      if (request === TCSETAF) ctx.emit({ type: 'PtyFlushed', index, input: true, output: false });
      ctx.emit({ type: 'PtyTermiosSet', index, termios: applyTermio(pty.termios, raw) });
      kernel.notify(ptyKey(index));
      return 0;
    }
    case TIOCGLCKTRMIOS:
      // No bit is ever locked: TIOCSLCKTRMIOS, which would lock some, is not supported.
      return ctx.write(argp, new Uint8Array(TERMIOS_SIZE)) ? 0 : -Errno.EFAULT;
    case TIOCGWINSZ:
      return ctx.write(argp, encodeWinsize(pty.winsize)) ? 0 : -Errno.EFAULT;
    case TIOCSWINSZ: {
      const raw = ctx.read(argp, WINSIZE_SIZE);
      if (!raw) return -Errno.EFAULT;
      const winsize = decodeWinsize(raw);
      const w = pty.winsize;
      if (w.rows === winsize.rows && w.cols === winsize.cols && w.xpixel === winsize.xpixel && w.ypixel === winsize.ypixel) return 0;
      ctx.emit({ type: 'PtyWinsizeSet', index, winsize });
      signalForeground(kernel, pty, SIGWINCH);
      return 0;
    }
    case FIONREAD:
      return writeInt(ctx, argp, master ? pty.output.length : slaveInputCount(pty));
    case TIOCOUTQ:
      // Written bytes go straight to the other side: a pty driver holds none (chars_in_buffer 0).
      return writeInt(ctx, argp, 0);
    case TCFLSH: {
      const how = ctx.int(2);
      if (how !== TCIFLUSH && how !== TCOFLUSH && how !== TCIOFLUSH) return -Errno.EINVAL;
      // The master's input is the slave's output, and the other way round.
      const ownInput = how !== TCOFLUSH;
      const ownOutput = how !== TCIFLUSH;
      const input = master ? ownOutput : ownInput;
      const output = master ? ownInput : ownOutput;
      ctx.emit({ type: 'PtyFlushed', index, input, output });
      kernel.notify(ptyKey(index));
      return 0;
    }
    case TCXONC:
      return flowControl(ctx, pty, ctx.int(2));
    case TCSBRK:
    case TCSBRKP:
      // tcdrain and tcsendbreak: nothing waits in a pty, and it has no line to break.
      return 0;
    case TIOCEXCL:
    case TIOCNXCL:
      return 0;
    case TIOCGETD:
      return writeInt(ctx, argp, N_TTY);
    case TIOCSETD: {
      const disc = readInt(ctx, argp);
      if (disc === null) return -Errno.EFAULT;
      return disc === N_TTY ? 0 : -Errno.EINVAL;
    }
    case TIOCGDEV:
      return writeInt(ctx, argp, ptyDevice(index));
    case TIOCSCTTY:
      return setControllingTerminal(ctx, d, pty);
    case TIOCNOTTY:
      return master || !isCtty ? -Errno.ENOTTY : dropControllingTerminal(ctx, pty);
    case TIOCGPGRP:
      if (!master && !isCtty) return -Errno.ENOTTY;
      return writeInt(ctx, argp, session === 0 ? 0 : pty.pgrp);
    case TIOCSPGRP:
      return setForegroundGroup(ctx, pty, isCtty, argp);
    case TIOCGSID:
      if (!master && !isCtty) return -Errno.ENOTTY;
      return session === 0 ? -Errno.ENOTTY : writeInt(ctx, argp, session);
    default:
      return -Errno.ENOTTY;
  }
}

/** TCXONC: suspend or resume output; TCIOFF/TCION send VSTOP/VSTART to the other side. */
function flowControl(ctx: SyscallContext, pty: PtyState, action: number): number {
  const index = pty.index;
  switch (action) {
    case TCOOFF:
    case TCOON:
      ctx.emit({ type: 'PtyFlowSet', index, stopped: action === TCOOFF });
      break;
    case TCIOFF:
    case TCION: {
      const c = pty.termios.cc[action === TCIOFF ? VSTOP : VSTART] ?? 0;
      if (c !== 0) ctx.emit({ type: 'PtyOutput', index, bytes: Uint8Array.of(c) });
      break;
    }
    default:
      return -Errno.EINVAL;
  }
  ctx.kernel.notify(ptyKey(index));
  return 0;
}

/**
 * TIOCSCTTY: a session leader without a controlling terminal takes this one; one that another
 * session has is taken away only with arg 1 by root (CAP_SYS_ADMIN).
 */
function setControllingTerminal(ctx: SyscallContext, d: FdLookup, pty: PtyState): number {
  const p = ctx.process;
  const state = ctx.kernel.state;
  const owner = controlledSession(state, pty);
  if (p.pid === p.sid && owner === p.sid) return 0;
  if (p.pid !== p.sid || controllingPty(state, p)) return -Errno.EPERM;
  const root = capable(p.creds, CAP_SYS_ADMIN);
  if ((d.file.flags & O_ACCMODE) === O_WRONLY && !root) return -Errno.EPERM;
  if (owner !== 0 && !(ctx.int(2) === 1 && root)) return -Errno.EPERM;
  ctx.emit({ type: 'PtyControlSet', index: pty.index, session: p.sid, pgrp: p.pgid });
  return 0;
}

/** TIOCNOTTY by the session leader: the session loses its terminal, whose foreground group gets SIGHUP and SIGCONT. */
function dropControllingTerminal(ctx: SyscallContext, pty: PtyState): number {
  const p = ctx.process;
  // Another member only detaches itself, which this kernel does not track per process.
  if (p.pid !== p.sid) return 0;
  signalForeground(ctx.kernel, pty, SIGHUP);
  signalForeground(ctx.kernel, pty, SIGCONT);
  ctx.emit({ type: 'PtyControlSet', index: pty.index, session: 0, pgrp: 0 });
  return 0;
}

/** TIOCSPGRP (tcsetpgrp): a group of the caller's session becomes the foreground one. */
function setForegroundGroup(ctx: SyscallContext, pty: PtyState, isCtty: boolean, argp: number): number {
  const pgrp = readInt(ctx, argp);
  if (pgrp === null) return -Errno.EFAULT;
  if (pgrp < 0) return -Errno.EINVAL;
  if (!isCtty) return -Errno.ENOTTY;
  const members = [...ctx.kernel.state.processes.values()].filter((p) => p.pgid === pgrp && p.status === 'running');
  if (members.length === 0) return -Errno.ESRCH;
  if (members.some((p) => p.sid !== ctx.process.sid)) return -Errno.EPERM;
  ctx.emit({ type: 'PtyControlSet', index: pty.index, session: pty.session, pgrp });
  return 0;
}
