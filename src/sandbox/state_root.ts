// Where named sandboxes are registered by default. Its own module, without zod: every
// `tsvisor run` needs it, and loading zod costs ~30 ms of start-up.
import os from 'node:os';
import path from 'node:path';

/** The state root: --root, else /run/tsvisor for root, else $XDG_RUNTIME_DIR/tsvisor. */
export function defaultStateRoot(environ: NodeJS.ProcessEnv = globalThis.process.env): string {
  if (globalThis.process.getuid?.() === 0) return '/run/tsvisor';
  const runtime = environ.XDG_RUNTIME_DIR;
  return path.join(runtime && runtime.length > 0 ? runtime : path.join(os.tmpdir(), `tsvisor-${globalThis.process.getuid?.() ?? 0}`), 'tsvisor');
}
