// The process that stands for an exec'd process on the host (runc exec's pid file names it):
// it asks the sandbox to start the process with its own stdio, passes on the signals it gets,
// and exits with the process's status. With a terminal (exec --tty), a detached waiter leads a
// session whose controlling terminal it is: the engine's resize sends it SIGWINCH, which the
// sandbox takes as "the terminal's size changed"; the hang-up is the sandbox's terminal's to tell.
import fs from 'node:fs';

import { exitCodeOf } from '../cli/run.js';
import { controlRequest } from '../sandbox/control_client.js';
import type { ControlReply, ControlRequest } from '../sandbox/control_protocol.js';
import { OciError } from './oci_error.js';

export type ExecRequest = Omit<Extract<ControlRequest, { op: 'exec' }>, 'stdioFrom'>;

const PASSED_ON = [['SIGTERM', 15], ['SIGINT', 2], ['SIGHUP', 1], ['SIGQUIT', 3], ['SIGUSR1', 10], ['SIGUSR2', 12], ['SIGWINCH', 28]] as const;

export async function runExecWaiter(socketPath: string, request: ExecRequest, ready: (error?: OciError) => void): Promise<number> {
  let pid = 0;
  const pass = (signal: number) => {
    if (pid !== 0) controlRequest(socketPath, { op: 'signal', pid, signal }, () => {}).catch(() => {});
  };
  const terminal = request.terminal === true;
  // Opening a terminal without O_NOCTTY makes it a session leader's controlling terminal (a
  // non-detached waiter leads no session: nothing happens).
  if (terminal) {
    try {
      fs.closeSync(fs.openSync('/proc/self/fd/0', fs.constants.O_RDWR));
    } catch {
      // not a terminal that can be opened again: no resizes
    }
  }
  for (const [name, sig] of PASSED_ON) globalThis.process.on(name, () => (terminal && name === 'SIGHUP' ? undefined : pass(sig)));
  let final: ControlReply;
  try {
    final = await controlRequest(socketPath, { ...request, stdioFrom: globalThis.process.pid }, (r) => {
      if (r.type !== 'started') return;
      pid = r.pid;
      ready();
    });
  } catch (err) {
    final = { type: 'error' as const, message: `cannot reach the container: ${(err as Error).message}` };
  }
  if (final.type === 'exited') return exitCodeOf(final.waitStatus);
  const error = new OciError(final.type === 'error' ? final.message : `unexpected answer ${final.type}`);
  if (pid === 0) ready(error);
  return pid === 0 ? error.exitCode : 137;
}
