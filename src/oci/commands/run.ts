// runc run [--bundle DIR] [--detach] [--pid-file F] [--console-socket S] ID: create and start;
// in the foreground it is the sandbox process itself, exits with the container's status and
// deletes the container, as runc does.
import { writePidFile } from '../detached_spawn.js';
import { processStartTime } from '../../sandbox/registry.js';
import { loadBundleConfig } from '../bundle_config.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';
import { runSandboxProcess } from '../sandbox_process.js';
import { createContainer, createRequestOf } from './create.js';
import path from 'node:path';

export async function runCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const req = createRequestOf('run', args);
  if (req.detach) {
    await createContainer(ctx, req);
    return 0;
  }
  const config = loadBundleConfig(req.bundle);
  const self = globalThis.process.pid;
  ctx.store.claim({
    id: req.id, bundle: req.bundle, rootfs: path.resolve(req.bundle, config.root.path),
    pid: self, startTime: processStartTime(self) ?? '', created: new Date().toISOString(),
    status: 'creating', annotations: config.annotations ?? {}, owner: '',
  });
  try {
    if (req.pidFile !== undefined) writePidFile(req.pidFile, self);
    let failed: OciError | undefined;
    const code = await runSandboxProcess({ stateRoot: ctx.options.stateRoot, id: req.id, bundle: req.bundle, startNow: true }, ctx.options.log, (error) => (failed = error));
    if (failed) throw failed;
    return code;
  } finally {
    ctx.store.remove(req.id);
  }
}
