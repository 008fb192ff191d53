// runc ps [--format table|json] ID [PS_ARGS...]: the host pids of the container's processes
// (json), or the host's ps lines for them (table). Docker's top reads the json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import { parseCommandArgs } from '../command_args.js';
import { ContainerStore } from '../container_state.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';

export async function containerPids(ctx: RuntimeContext, id: string): Promise<number[]> {
  const status = ContainerStore.status(ctx.store.get(id));
  if (status === 'stopped' || status === 'creating') return [];
  const reply = await ctx.request(id, { op: 'ps' });
  return reply.type === 'pids' ? reply.pids : [];
}

export async function psCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const p = parseCommandArgs('ps', args, { format: 'string' }, { f: 'format' });
  const [id, ...psArgs] = p.positionals;
  if (id === undefined) throw new OciError('"ps" requires a minimum of 1 argument(s)');
  const format = p.strings.get('format') ?? 'table';
  if (format !== 'table' && format !== 'json') throw new OciError(`invalid format option: ${format}`);
  const pids = await containerPids(ctx, id);
  if (format === 'json') {
    fs.writeSync(1, JSON.stringify(pids) + '\n');
    return 0;
  }
  const lines = execFileSync('ps', psArgs.length > 0 ? psArgs : ['-ef'], { encoding: 'utf8' }).split('\n');
  const pidColumn = lines[0]!.trim().split(/\s+/).indexOf('PID');
  if (pidColumn < 0) throw new OciError("couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const out = [lines[0]!, ...lines.slice(1).filter((l) => wanted.has(Number(l.trim().split(/\s+/)[pidColumn])))];
  fs.writeSync(1, out.join('\n') + '\n');
  return 0;
}
