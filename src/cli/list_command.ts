// `tsvisor list`: the named sandboxes running under the state root.
import fs from 'node:fs';

import { displayBytes } from '../byte_string.js';
import { Registry } from '../sandbox/registry.js';
import { CliError } from './errors.js';
import type { GlobalOptions } from './global_options.js';

export function listCommand(args: string[], globals: GlobalOptions): number {
  let json = false;
  for (const a of args) {
    if (a === '--json' || a === '--format=json') json = true;
    else throw new CliError(`unknown option ${a} (usage: tsvisor list [--json])`);
  }
  const entries = new Registry(globals.stateRoot).list();
  if (json) {
    fs.writeSync(1, JSON.stringify(entries.map((e) => ({ id: e.id, pid: e.pid, status: e.status, command: e.command, created: e.created }))) + '\n');
    return 0;
  }
  const rows = [['ID', 'PID', 'STATUS', 'CREATED', 'COMMAND'], ...entries.map((e) => [e.id, String(e.pid), e.status, e.created, displayBytes(e.command.join(' '))])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) fs.writeSync(1, r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ') + '\n');
  return 0;
}
