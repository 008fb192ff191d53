// runc create [--bundle DIR] [--pid-file F] [--console-socket SOCK] ID: a detached sandbox
// process, holding the program before its first instruction until `start`. The sandbox process
// is started at once: it reads config.json and claims the id itself, so that this command
// loads neither the bundle's schema nor zod and its start-up overlaps nothing.
import path from 'node:path';

import { parseCommandArgs, onlyId } from '../command_args.js';
import { consoleForSocket } from '../console_socket.js';
import { checkContainerId, ContainerStore } from '../container_state.js';
import { spawnDetached, writePidFile } from '../detached_spawn.js';
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

/** Starts the sandbox process (which checks the bundle and claims the id) and writes the pid file. */
export async function createContainer(ctx: RuntimeContext, req: CreateRequest): Promise<number> {
  const slave = req.consoleSocket === undefined ? undefined : consoleForSocket(req.consoleSocket);
  const stdio: [number, number, number] = slave === undefined ? [0, 1, 2] : [slave, slave, slave];
  const launch: SandboxLaunch = { stateRoot: ctx.options.stateRoot, id: req.id, bundle: req.bundle, startNow: req.startNow, console: slave === undefined ? 'none' : 'socket' };
  let pid: number;
  try {
    pid = await spawnDetached('__oci-sandbox', { launch, log: ctx.options.log.settings }, stdio);
  } catch (err) {
    // A sandbox process that died after claiming the id (not one that found it taken) leaves
    // a record no live process stands for: a failed create leaves no container.
    const left = ctx.store.read(req.id);
    if (left?.status === 'creating' && ContainerStore.status(left) === 'stopped') ctx.store.remove(req.id);
    throw err;
  }
  if (req.pidFile !== undefined) writePidFile(req.pidFile, pid);
  return pid;
}

export async function createCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  await createContainer(ctx, createRequestOf('create', args));
  return 0;
}
