// --console-socket: a host pseudo-terminal whose master goes to the engine (SCM_RIGHTS over
// the unix socket it named) and whose slave is what the container gets as stdio.
import fs from 'node:fs';

import { TCGETS, TCSETS } from '../kernel/abi/tty_ioctls.js';
import { TERMIOS_SIZE, decodeTermios, encodeTermios, rawTermios } from '../kernel/tty/termios.js';
import { loadAddon } from '../platform/native_addon.js';
import { OciError } from './oci_error.js';

/** Allocates the terminal, hands its master over, and returns the slave's fd (the caller's to close). */
export function consoleForSocket(socketPath: string): number {
  const addon = loadAddon();
  let pty: { master: number; slave: number; path: string };
  try {
    pty = addon.openPty();
  } catch (err) {
    throw new OciError(`cannot allocate a terminal: ${(err as Error).message}`);
  }
  // Raw before the engine has the master: the host pty only carries bytes to the sandbox's
  // (the terminal bridge), so what the engine types early is not echoed by the host as well.
  const settings = new Uint8Array(TERMIOS_SIZE);
  if (addon.hostIoctl(pty.slave, TCGETS, settings) >= 0) addon.hostIoctl(pty.slave, TCSETS, encodeTermios(rawTermios(decodeTermios(settings)), TERMIOS_SIZE));
  const why = addon.sendFd(socketPath, pty.master, pty.path);
  fs.closeSync(pty.master);
  if (why !== '') {
    fs.closeSync(pty.slave);
    throw new OciError(`cannot send the terminal to the console socket ${socketPath}: ${why}`);
  }
  return pty.slave;
}
