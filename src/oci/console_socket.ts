// --console-socket: a host pseudo-terminal whose master goes to the engine (SCM_RIGHTS over
// the unix socket it named) and whose slave is what the container gets as stdio.
import fs from 'node:fs';

import { loadAddon } from '../platform/native_addon.js';
import { OciError } from './oci_error.js';

/** Allocates the terminal, hands its master over, and returns the slave's fd (the caller's to close). */
export function consoleForSocket(socketPath: string): number {
  let pty: { master: number; slave: number; path: string };
  try {
    pty = loadAddon().openPty();
  } catch (err) {
    throw new OciError(`cannot allocate a terminal: ${(err as Error).message}`);
  }
  const why = loadAddon().sendFd(socketPath, pty.master, pty.path);
  fs.closeSync(pty.master);
  if (why !== '') {
    fs.closeSync(pty.slave);
    throw new OciError(`cannot send the terminal to the console socket ${socketPath}: ${why}`);
  }
  return pty.slave;
}
