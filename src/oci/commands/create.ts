// runc create [--bundle DIR] [--pid-file F] [--console-socket SOCK] ID: a detached sandbox
// process, holding the program before its first instruction until `start`.
import path from 'node:path';

import { processStartTime } from '../../sandbox/registry.js';
import { loadBundleConfig } from '../bundle_config.js';
import { parseCommandArgs, onlyId } from '../command_args.js';
import { consoleForSocket } from '../console_socket.js';
import { checkContainerId } from '../container_state.js';
import { spawnDetached, writePidFile } from '../detached_spawn.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';
import type { SandboxLaunch } from '../sandbox_process.js';

export interface CreateRequest {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  startNow: boolean;
}

export const CREATE_FLAGS = { bundle: 'string', 'pid-file': 'string', 'console-socket': 'string', 'no-pivot': 'bool', 'no-new-keyring': 'bool', 'preserve-fds': 'string', detach: 'bool', 'keep': 'bool' } as const;

export function createRequestOf(command: string, args: readonly string[]): CreateRequest & { detach: boolean } {
  const p = parseCommandArgs(command, args, CREATE_FLAGS, { b: 'bundle', d: 'detach' });
  const pidFile = p.strings.get('pid-file');
  const consoleSocket = p.strings.get('console-socket');
  return {
    id: checkContainerId(onlyId(command, p)),
    bundle: path.resolve(p.strings.get('bundle') ?? '.'),
    ...(pidFile === undefined ? {} : { pidFile: path.resolve(pidFile) }),
    ...(consoleSocket === undefined ? {} : { consoleSocket: path.resolve(consoleSocket) }),
    startNow: command === 'run',
    detach: command === 'create' || p.bools.has('detach'),
  };
}

/** Claims the id, checks the bundle, starts the sandbox process and writes the pid file. */
export async function createContainer(ctx: RuntimeContext, req: CreateRequest): Promise<number> {
  const config = loadBundleConfig(req.bundle);
  const terminal = config.process?.terminal ?? false;
  if (terminal && req.consoleSocket === undefined) throw new OciError('cannot allocate tty if runc will detach without setting console socket');
  if (!terminal && req.consoleSocket !== undefined) throw new OciError('cannot use console socket if runc will not detach or allocate tty');
  const self = globalThis.process.pid;
  ctx.store.claim({
    id: req.id, bundle: req.bundle, rootfs: path.resolve(req.bundle, config.root.path),
    pid: self, startTime: processStartTime(self) ?? '', created: new Date().toISOString(),
    status: 'creating', annotations: config.annotations ?? {}, owner: '',
  });
  try {
    const slave = req.consoleSocket === undefined ? undefined : consoleForSocket(req.consoleSocket);
    const stdio: [number, number, number] = slave === undefined ? [0, 1, 2] : [slave, slave, slave];
    const launch: SandboxLaunch = { stateRoot: ctx.options.stateRoot, id: req.id, bundle: req.bundle, startNow: req.startNow };
    const pid = await spawnDetached('__oci-sandbox', { launch, log: ctx.options.log.settings }, stdio);
    if (req.pidFile !== undefined) writePidFile(req.pidFile, pid);
    return pid;
  } catch (err) {
    ctx.store.remove(req.id);
    throw err;
  }
}

export async function createCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  await createContainer(ctx, createRequestOf('create', args));
  return 0;
}
