// tsvisor started by its launcher (build/Release/tsvisor, native/launcher/launcher.c), from
// the start-up snapshot (snapshot_entry.ts) or from bin/tsvisor-launched.js. The launcher's
// first argument says whether it held NODE_EXTRA_CA_CERTS back from this node: it then
// renamed the entry, in place, to TSVISOR_HELD_NODE_EXTRA_CA_CERTS (node parses the CA file
// the variable names before any JavaScript runs, ~45 ms, and tsvisor never uses TLS). The
// rename is undone here, in the environment tsvisor gives its programs (same place, same
// value) and in process.env.
import fs from 'node:fs';

import { EXIT_TSVISOR_ERROR } from './errors.js';
import { main } from './main.js';

const HELD = 'TSVISOR_HELD_NODE_EXTRA_CA_CERTS';
const NAME = 'NODE_EXTRA_CA_CERTS';

/** process.env in its order, with the held entry under its own name again. */
function takeHeldEnvironment(): NodeJS.ProcessEnv {
  const env = globalThis.process.env;
  const environ: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) environ[key === HELD ? NAME : key] = value;
  env[NAME] = env[HELD];
  delete env[HELD];
  return environ;
}

/** argv: the launcher's mode ('held' or 'plain'), then tsvisor's own arguments. Exits the process. */
export function launchedMain(argv: readonly string[]): void {
  const [mode, ...args] = argv;
  if (mode !== 'held' && mode !== 'plain') {
    fs.writeSync(2, `tsvisor: started by something other than its launcher (mode ${JSON.stringify(mode)})\n`);
    globalThis.process.exit(EXIT_TSVISOR_ERROR);
  }
  const environ = mode === 'held' ? takeHeldEnvironment() : globalThis.process.env;
  main(args, environ).then(
    (code) => globalThis.process.exit(code),
    (err: unknown) => {
      fs.writeSync(2, `tsvisor: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      globalThis.process.exit(EXIT_TSVISOR_ERROR);
    },
  );
}
