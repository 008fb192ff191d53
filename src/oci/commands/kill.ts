// runc kill [--all] ID [SIGNAL]: SIGTERM by default; names and numbers.
import { parseCommandArgs } from '../command_args.js';
import { ContainerStore } from '../container_state.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';
import { parseSignal } from '../signal_names.js';

const SIGKILL = 9;

export async function killCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const p = parseCommandArgs('kill', args, { all: 'bool' }, { a: 'all' });
  const [id, sigText, ...extra] = p.positionals;
  if (id === undefined || extra.length > 0) throw new OciError('"kill" requires a minimum of 1 and a maximum of 2 argument(s)');
  const signal = parseSignal(sigText ?? 'SIGTERM');
  const record = ctx.store.get(id);
  const status = ContainerStore.status(record);
  if (status === 'stopped' || status === 'creating') throw new OciError('container not running');
  try {
    await ctx.request(id, { op: 'kill', signal, all: p.bools.has('all') });
  } catch (err) {
    // A sandbox process that cannot answer still dies by SIGKILL (and its sandbox with it).
    if (signal !== SIGKILL) throw err;
    globalThis.process.kill(record.pid, SIGKILL);
  }
  return 0;
}
