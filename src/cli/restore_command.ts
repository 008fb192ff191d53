// `tsvisor restore --image DIR [--name ID] [--ignore-changed-files]`: brings a checkpointed
// sandbox back in this process, in the foreground, and exits with its status.
import fs from 'node:fs';

import { NamedSandbox } from '../sandbox/named_sandbox.js';
import { checkId, RegistryError } from '../sandbox/registry.js';
import type { Kernel } from '../kernel/kernel.js';
import { ImageError, readImage, type CheckpointImage } from '../snapshot/image_reader.js';
import { VERSION } from '../version.js';
import { restoreSandbox } from '../snapshot/restore.js';
import { CliError } from './errors.js';
import type { GlobalOptions } from './global_options.js';
import { exitCodeOf, warn } from './run.js';

const USAGE = 'usage: tsvisor restore --image DIR [--name ID] [--record FILE] [--ignore-changed-files]';

export async function restoreCommand(args: string[], globals: GlobalOptions): Promise<number> {
  let image: string | undefined;
  let name: string | undefined;
  let ignoreChangedFiles = false;
  let record: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--image' || a === '--image-path') image = args[++i];
    else if (a.startsWith('--image=') || a.startsWith('--image-path=')) image = a.slice(a.indexOf('=') + 1);
    else if (a === '--name') name = args[++i];
    else if (a.startsWith('--name=')) name = a.slice('--name='.length);
    else if (a === '--ignore-changed-files') ignoreChangedFiles = true;
    else if (a === '--record') record = args[++i];
    else if (a.startsWith('--record=')) record = a.slice('--record='.length);
    else if (a === '-h' || a === '--help') {
      fs.writeSync(1, USAGE + '\n');
      return 0;
    } else throw new CliError(`unexpected argument ${a} (${USAGE})`);
  }
  if (!image) throw new CliError(`--image DIR is required (${USAGE})`);
  let named: NamedSandbox | undefined;
  try {
    const loaded = readImage(image);
    named = name === undefined ? undefined : new NamedSandbox(globals.stateRoot, checkId(name), loaded.manifest.sandbox.command);
    // The trace starts from the restored state (replay rebuilds from there).
    const recorder = record === undefined ? undefined : await openRecorder(record, loaded);
    const status = await restoreSandbox(loaded, {
      ignoreChangedFiles,
      warn,
      recording: recorder !== undefined,
      beforeStart: (kernel) => {
        recorder?.attach(kernel);
        if (globalThis.process.env.TSVISOR_DEBUG) globalThis.process.on('SIGUSR2', () => warn(`debug: ${kernel.debugSummary()}`));
        // Served before the first instruction runs: a checkpoint can be asked at once.
        named?.serve(kernel, loaded.manifest.sandbox.command).catch((err: Error) => warn(`--name ${name}: ${err.message}`));
      },
    });
    return exitCodeOf(status);
  } catch (err) {
    if (err instanceof ImageError || err instanceof RegistryError) throw new CliError(err.message);
    throw err;
  } finally {
    named?.release();
  }
}

async function openRecorder(file: string, image: CheckpointImage): Promise<{ attach(kernel: Kernel): void }> {
  const { TraceWriter } = await import('../trace/trace_writer.js');
  const { encodeKernelState } = await import('../snapshot/kernel_state_codec.js');
  const sandbox = image.manifest.sandbox;
  try {
    return new TraceWriter(file, sandbox.command, VERSION, sandbox, encodeKernelState(image.kernel.state));
  } catch (err) {
    throw new CliError(`--record ${file}: ${(err as Error).message}`);
  }
}
