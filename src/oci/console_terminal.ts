// The container's terminal in its sandbox process: the console (a host pty's slave, this
// process's stdio) bridged to a pty of the sandbox's (its /dev/pts/N and /dev/console).
import fs from 'node:fs';

import type { Kernel } from '../kernel/kernel.js';
import { TerminalBridge, type BridgedPty, type NewPty } from '../kernel/tty/terminal_bridge.js';

/**
 * The bridge, for a new pty (create) or a restored one (restore). This process, the leader of
 * a session of its own, makes the console its controlling terminal, so that the engine's resize
 * (TIOCSWINSZ on the master) sends it SIGWINCH, for the sandbox's terminal to take the new size
 * and signal its foreground group; the SIGHUP of a hang-up is the bridge's to pass on (it sees
 * the console's end) and does not end this process.
 */
export function consoleTerminal(kernel: Kernel, pty: NewPty | BridgedPty): TerminalBridge {
  const terminal = new TerminalBridge(kernel, 0, pty);
  // Opening a terminal without O_NOCTTY makes it a session leader's controlling terminal.
  fs.closeSync(fs.openSync('/proc/self/fd/0', fs.constants.O_RDWR));
  globalThis.process.on('SIGWINCH', () => terminal.resized());
  globalThis.process.on('SIGHUP', () => {});
  return terminal;
}
