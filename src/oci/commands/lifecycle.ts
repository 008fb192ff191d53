// runc start, state, pause, resume: one request each to the container's sandbox process, after
// runc's checks of its status.
import fs from 'node:fs';

import { parseCommandArgs, onlyId } from '../command_args.js';
import { ContainerStore } from '../container_state.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';

export async function startCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const id = onlyId('start', parseCommandArgs('start', args, {}));
  const status = ContainerStore.status(ctx.store.get(id));
  switch (status) {
    case 'created':
      await ctx.request(id, { op: 'start' });
      return 0;
    case 'stopped':
      throw new OciError('cannot start a container that has stopped');
    case 'creating':
      throw new OciError('cannot start a container that is still being created');
    default:
      throw new OciError('cannot start an already running container');
  }
}

export function stateCommand(ctx: RuntimeContext, args: readonly string[]): number {
  const id = onlyId('state', parseCommandArgs('state', args, {}));
  fs.writeSync(1, JSON.stringify(ContainerStore.state(ctx.store.get(id)), null, 2) + '\n');
  return 0;
}

export async function pauseCommand(ctx: RuntimeContext, args: readonly string[], op: 'pause' | 'resume'): Promise<number> {
  const id = onlyId(op, parseCommandArgs(op, args, {}));
  const status = ContainerStore.status(ctx.store.get(id));
  if (op === 'pause' && status !== 'running') throw new OciError('container not running');
  if (op === 'resume' && status !== 'paused') throw new OciError('container not paused');
  await ctx.request(id, { op });
  return 0;
}
