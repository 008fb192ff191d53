// runc run [--bundle DIR] [--detach] [--pid-file F] [--console-socket S] ID: create and start;
// in the foreground it is the sandbox process itself, exits with the container's status and
// deletes the container, as runc does.
import { writePidFile } from '../detached_spawn.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';
import { runSandboxProcess } from '../sandbox_process.js';
import { createContainer, createRequestOf } from './create.js';

export async function runCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const req = createRequestOf('run', args);
  if (req.detach) {
    await createContainer(ctx, req);
    return 0;
  }
  if (req.pidFile !== undefined) writePidFile(req.pidFile, globalThis.process.pid);
  // This process is the sandbox process: it claims the id (and lets it go on a failure).
  let failed: OciError | undefined;
  const code = await runSandboxProcess({ stateRoot: ctx.options.stateRoot, id: req.id, bundle: req.bundle, startNow: true, console: 'own' }, ctx.options.log, (error) => (failed = error));
  if (failed) throw failed;
  ctx.store.remove(req.id);
  return code;
}
