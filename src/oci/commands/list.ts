// runc list [--format table|json] [--quiet]: the containers under the state root.
import fs from 'node:fs';

import { parseCommandArgs } from '../command_args.js';
import { ContainerStore, type OciState } from '../container_state.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';

export function listCommand(ctx: RuntimeContext, args: readonly string[]): number {
  const p = parseCommandArgs('list', args, { format: 'string', quiet: 'bool' }, { f: 'format', q: 'quiet' });
  const format = p.strings.get('format') ?? 'table';
  if (format !== 'table' && format !== 'json') throw new OciError(`invalid format option: ${format}`);
  const states: OciState[] = ctx.store
    .ids()
    .map((id) => ctx.store.read(id))
    .filter((r) => r !== null)
    .map((r) => ContainerStore.state(r));
  if (p.bools.has('quiet')) {
    for (const s of states) fs.writeSync(1, s.id + '\n');
    return 0;
  }
  if (format === 'json') {
    fs.writeSync(1, JSON.stringify(states.length === 0 ? null : states) + '\n');
    return 0;
  }
  const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...states.map((s) => [s.id, String(s.pid), s.status, s.bundle, s.created, s.owner])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) fs.writeSync(1, r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 1))).join('  ') + '\n');
  return 0;
}
