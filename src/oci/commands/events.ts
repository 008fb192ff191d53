// runc events [--stats] [--interval 5s] ID: basic statistics (processes, resident memory) as
// runc's JSON lines, once with --stats or every interval until the container stops.
import fs from 'node:fs';

import { parseCommandArgs, onlyId } from '../command_args.js';
import { ContainerStore } from '../container_state.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';
import { containerPids } from './ps.js';

function residentBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (!m) throw new OciError(`invalid interval: ${text}`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
}

export async function eventsCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const p = parseCommandArgs('events', args, { stats: 'bool', interval: 'string' });
  const id = onlyId('events', p);
  const interval = parseInterval(p.strings.get('interval') ?? '5s');
  for (;;) {
    const record = ctx.store.get(id);
    if (ContainerStore.status(record) === 'stopped') throw new OciError('container with id ' + id + ' is not running');
    const pids = await containerPids(ctx, id);
    const usage = pids.reduce((sum, pid) => sum + residentBytes(pid), 0);
    fs.writeSync(1, JSON.stringify({ type: 'stats', id, data: { pids: { current: pids.length }, memory: { usage: { usage } } } }) + '\n');
    if (p.bools.has('stats')) return 0;
    await new Promise((r) => setTimeout(r, interval));
  }
}
