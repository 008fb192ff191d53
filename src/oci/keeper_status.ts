// The container's exit status for the front-end's keeper (native/runc/keeper.cc), the process
// the pid file names and the sandbox process's parent: the engine's shim hears of the end from
// the keeper's exit, which then need not wait for node's own exit and the host's teardown of it.
import fs from 'node:fs';

import { STATUS_FD } from './ready_fd.js';

/**
 * On this process's exit (as the last 'exit' listener so far: after the launcher's code cache
 * is written), puts /dev/null over stdio, the container's, so that the engine's copy of its
 * output ends with the keeper, and writes the exit code on STATUS_FD.
 */
export function reportExitToKeeper(): void {
  globalThis.process.once('exit', (code) => {
    try {
      // Each open takes the lowest free fd: the one just closed.
      for (const fd of [0, 1, 2]) {
        fs.closeSync(fd);
        fs.openSync('/dev/null', 'r+');
      }
      fs.writeSync(STATUS_FD, `${code}\n`);
    } catch {
      // The keeper is gone (and this process with it), or it learns the status from this exit.
    }
  });
}
