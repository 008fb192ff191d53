// The sandbox process of a container brought back from a checkpoint image (runc restore): it
// restores the image, serves the control socket (kill, ps, pause, resume, exec, checkpoint
// again) and exits with the container's status. A container that had a terminal gets a new
// one through the console socket, bridged to its pty, as create gives one.
import { exitCodeOf } from '../cli/run.js';
import { emptyKernelState } from '../kernel/state.js';
import { TerminalBridge } from '../kernel/tty/terminal_bridge.js';
import { NamedSandbox } from '../sandbox/named_sandbox.js';
import { processStartTime } from '../sandbox/registry.js';
import { readImage } from '../snapshot/image_reader.js';
import { restoreSandbox } from '../snapshot/restore.js';
import { consoleTerminal } from './console_terminal.js';
import { ContainerStore } from './container_state.js';
import { OciError } from './oci_error.js';
import type { OciLog } from './oci_log.js';
import { SandboxControl } from './sandbox_control.js';

export interface RestoreLaunch {
  stateRoot: string;
  id: string;
  image: string;
  /** As SandboxLaunch's: 'socket', a terminal sent to --console-socket (the image must have had one); 'none' (detached without one); 'own' (a foreground restore). */
  console: 'socket' | 'none' | 'own';
}

export async function runRestoredSandbox(launch: RestoreLaunch, log: OciLog, ready: (error?: OciError) => void): Promise<number> {
  const store = new ContainerStore(launch.stateRoot);
  let named: NamedSandbox | undefined;
  let status: Promise<number>;
  let terminal: TerminalBridge | undefined;
  try {
    const image = readImage(launch.image);
    // As runc checks process.terminal against the console socket (its messages).
    const console = TerminalBridge.detachedConsole(Object.assign(emptyKernelState(), image.kernel.state));
    if (console && launch.console === 'none') throw new OciError('cannot allocate tty if runc will detach without setting console socket');
    if (!console && launch.console === 'socket') throw new OciError('cannot use console socket if runc will not detach or allocate tty');
    const record = { ...store.get(launch.id), pid: globalThis.process.pid, startTime: processStartTime(globalThis.process.pid) ?? '', status: 'running' as const };
    const sandboxName = new NamedSandbox(launch.stateRoot, launch.id, image.manifest.sandbox.command);
    named = sandboxName;
    status = restoreSandbox(image, {
      ignoreChangedFiles: false,
      execTemplate: true,
      warn: (m) => log.warn(m),
      beforeStart: (kernel) => {
        const control = new SandboxControl({ kernel, store, record, log: (m) => log.debug(m) });
        sandboxName.serve(kernel, image.manifest.sandbox.command, control.handle).then(
          () => {
            store.write(record);
            ready();
          },
          (err: Error) => ready(new OciError(err.message)),
        );
      },
      started: (kernel) => {
        if (console && launch.console === 'socket') terminal = consoleTerminal(kernel, console);
      },
    });
  } catch (err) {
    named?.release();
    const error = new OciError((err as Error).message);
    ready(error);
    return error.exitCode;
  }
  let waitStatus: number;
  try {
    waitStatus = await status;
  } catch (err) {
    named.release();
    const error = new OciError((err as Error).message);
    ready(error);
    return error.exitCode;
  }
  terminal?.close();
  named.release();
  return exitCodeOf(waitStatus);
}
