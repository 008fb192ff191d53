// tsvisor's own terminal (the console): the controlling terminal of the sandbox's first
// session. Its termios and window size are the host terminal's (ioctls pass through), but its
// foreground process group is the kernel's (state.consolePgrp): the sandbox's processes are
// in a host process group of their own (Kernel.run), so the host terminal's ^C, ^\, ^Z and
// window changes reach tsvisor alone, which passes them on to that group, as a terminal does.
import { SIGTTIN, SIGTTOU } from '../abi/signals.js';
import { TCGETS } from '../abi/tty_ioctls.js';
import { Errno } from '../errno.js';
import type { Kernel } from '../kernel.js';
import { TERMIOS_SIZE, TOSTOP } from '../tty/termios.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { processGroup, signalFromKernel } from './signal.js';
import { checkTerminalAccess } from './tty_job_control.js';

/** The session whose controlling terminal the console is: pid 1's. */
const CONSOLE_SESSION = 1;

/** TIOCGPGRP on the console: its foreground group, for a process of its session. */
export function consoleForeground(ctx: SyscallContext): number {
  return ctx.process.sid === CONSOLE_SESSION ? ctx.kernel.state.consolePgrp : -Errno.ENOTTY;
}

/** TIOCSPGRP on the console: a process group of the caller's session becomes the foreground one. */
export function setConsoleForeground(ctx: SyscallContext, pgrp: number): number {
  if (ctx.process.sid !== CONSOLE_SESSION) return -Errno.ENOTTY;
  if (pgrp < 0) return -Errno.EINVAL;
  const members = processGroup(ctx.kernel, pgrp);
  if (members.length === 0) return -Errno.ESRCH;
  if (members.some((p) => p.sid !== ctx.process.sid)) return -Errno.EPERM;
  ctx.emit({ type: 'ConsoleForegroundSet', pgrp });
  return 0;
}

/** A signal the host terminal sent tsvisor (SIGINT, SIGQUIT, SIGTSTP, SIGWINCH): for the console's foreground group. */
export function signalConsoleForeground(kernel: Kernel, sig: number): void {
  signalFromKernel(kernel, processGroup(kernel, kernel.state.consolePgrp), sig);
}

/**
 * Job control on the console (tty_job_control.ts) for a use of tsvisor's stdio fd hostFd:
 * undefined when the call may go on (the fd is no terminal, the caller is not of the
 * console's session or is in its foreground group, a write without TOSTOP), else its outcome.
 */
export function consoleJobControl(ctx: SyscallContext, hostFd: number, use: 'read' | 'write' | 'change'): Outcome | undefined {
  const p = ctx.process;
  const foreground = ctx.kernel.state.consolePgrp;
  if (p.sid !== CONSOLE_SESSION || p.pgid === foreground) return undefined;
  const termios = new Uint8Array(TERMIOS_SIZE);
  if (ctx.kernel.platform.hostIoctl(hostFd, TCGETS, termios) < 0) return undefined;
  const lflag = new DataView(termios.buffer).getUint32(12, true);
  if (use === 'write' && (lflag & TOSTOP) === 0) return undefined;
  return checkTerminalAccess(ctx, foreground, use === 'read' ? SIGTTIN : SIGTTOU);
}
