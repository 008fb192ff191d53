// The start-up snapshot (npm run build: this module bundled to dist/snapshot/entry.cjs, then
// `node --build-snapshot`): `run`'s modules already evaluated in the heap node starts from,
// so a run skips loading, compiling and evaluating them (~12 ms of CPU per start). Only the
// launcher starts node from it, and only the node binary that built it (dist/snapshot/node.id).
//
// What a module computes when it is evaluated is computed at build time and kept: no module
// on `run`'s static import graph may read the clock, the environment or the host at its top
// level (time.ts takes its realtime offset at first use for this reason). The native addon is
// loaded at first use, at run time.
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

import { launchedMain } from './launched.js';
import { precompileFunctions } from './snapshot_precompile.js';
import { warmNodeBuiltins } from './snapshot_warmup.js';
// `run --record`'s recorder (loaded by run.ts on demand), evaluated here too: its modules'
// top-level work (cbor-x and node:crypto for the closing digest, the syscall signatures, the
// encoder's tables) then costs a recording nothing at run time.
import '../trace/trace_writer.js';

if (v8.startupSnapshot.isBuildingSnapshot()) {
  // Which node and which package the snapshot belongs to, for the launcher to check.
  const here = path.dirname(globalThis.process.argv[1]!);
  const st = fs.statSync(globalThis.process.execPath, { bigint: true });
  const root = path.resolve(here, '..', '..');
  // V8 refuses a snapshot under other V8 flags than it was built with: the launcher must
  // pass these same ones (its V8_FLAGS) or not use the snapshot.
  const v8Flags = globalThis.process.execArgv.filter((a) => a.startsWith('--interrupt-budget='));
  fs.writeFileSync(path.join(here, 'node.id'), `${root}\n${st.dev} ${st.ino} ${st.size} ${st.mtimeNs}\n${v8Flags.join(' ')}\n`);
  // The functions runs would otherwise compile lazily (build_snapshot.ts lists them), compiled now.
  const missed = precompileFunctions(path.resolve(globalThis.process.argv[1]!), path.join(here, 'precompile.json'));
  if (missed > 0) globalThis.process.stderr.write(`snapshot: ${missed} functions of precompile.json not compiled\n`);
  warmNodeBuiltins(globalThis.process.argv[1]!);
  v8.startupSnapshot.setDeserializeMainFunction(() => launchedMain(globalThis.process.argv.slice(1)));
}
