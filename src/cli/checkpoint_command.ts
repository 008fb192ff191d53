// `tsvisor checkpoint --image DIR [--leave-running] ID`: asks the running sandbox ID (through
// its control socket) to write a checkpoint image, and shows its progress.
import fs from 'node:fs';
import path from 'node:path';

import { controlRequest } from '../sandbox/control_client.js';
import { checkId, Registry } from '../sandbox/registry.js';
import { CliError } from './errors.js';
import type { GlobalOptions } from './global_options.js';

const USAGE = 'usage: tsvisor checkpoint --image DIR [--leave-running] ID';

export async function checkpointCommand(args: string[], globals: GlobalOptions): Promise<number> {
  let image: string | undefined;
  let leaveRunning = false;
  const ids: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--image' || a === '--image-path') image = args[++i];
    else if (a.startsWith('--image=') || a.startsWith('--image-path=')) image = a.slice(a.indexOf('=') + 1);
    else if (a === '--leave-running') leaveRunning = true;
    else if (a === '-h' || a === '--help') {
      fs.writeSync(1, USAGE + '\n');
      return 0;
    } else if (a.startsWith('-')) throw new CliError(`unknown option ${a} (${USAGE})`);
    else ids.push(a);
  }
  if (!image) throw new CliError(`--image DIR is required (${USAGE})`);
  if (ids.length !== 1) throw new CliError(USAGE);
  const id = checkId(ids[0]!);
  const registry = new Registry(globals.stateRoot);
  if (!registry.read(id)) throw new CliError(`no running sandbox named '${id}' (under ${globals.stateRoot})`);
  const final = await controlRequest(registry.socketOf(id), { op: 'checkpoint', image: path.resolve(image), leaveRunning }, (r) => {
    if (r.type === 'progress') fs.writeSync(2, `tsvisor: checkpoint: ${(r.bytes / (1 << 20)).toFixed(0)} MiB written (${(r.bytes / (1 << 20) / Math.max(r.seconds, 0.001)).toFixed(0)} MiB/s)\n`);
  }).catch((err: Error) => {
    throw new CliError(`cannot reach sandbox '${id}': ${err.message}`);
  });
  if (final.type === 'error') throw new CliError(`checkpoint of '${id}' failed: ${final.message}`);
  if (final.type === 'done') fs.writeSync(2, `tsvisor: ${final.message}\n`);
  return 0;
}
