// runc delete [--force] ID: a stopped container goes (poststop hooks run); a created one is
// killed first, a running or paused one only with --force. --force of an unknown id succeeds.
// The poststop hooks are the record's (config.json is not read again: no zod schema to load).
import { parseCommandArgs, onlyId } from '../command_args.js';
import { ContainerStore, liveStartTime, type ContainerRecord } from '../container_state.js';
import { runHooks } from '../hooks.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';

const SIGKILL = 9;

async function killAndWait(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  try {
    await ctx.request(record.id, { op: 'kill', signal: SIGKILL, all: true });
  } catch {
    // Not answering: the sandbox process itself goes (its sandbox dies with it).
    try {
      globalThis.process.kill(record.pid, SIGKILL);
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 1000 && liveStartTime(record.pid) === record.startTime; i++) await new Promise((r) => setTimeout(r, 10));
  if (liveStartTime(record.pid) === record.startTime) throw new OciError(`container ${record.id} did not stop`);
}

export async function deleteCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const p = parseCommandArgs('delete', args, { force: 'bool' }, { f: 'force' });
  const id = onlyId('delete', p);
  const force = p.bools.has('force');
  const record = ctx.store.read(id);
  if (!record) {
    if (force) return 0;
    throw new OciError('container does not exist');
  }
  const status = ContainerStore.status(record);
  if (status === 'running' || status === 'paused') {
    if (!force) throw new OciError(`cannot delete container ${id} that is not stopped: ${status}`);
  }
  if (status !== 'stopped') await killAndWait(ctx, record);
  ctx.store.remove(id);
  ctx.registry.read(id);
  runHooks('poststop', record.poststop, { ...ContainerStore.state(record), status: 'stopped' }, false, (m) => ctx.options.log.warn(m));
  return 0;
}
