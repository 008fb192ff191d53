// Mocha's global setup (.mocharc.json "require"): builds every C test program once, before the
// first test file, where no hook timeout applies. Left to the first file's `before` hook, the
// ~370 compiles of a fresh clone ran past its timeout on a loaded 2-CPU machine (CI of 8f275b2:
// checkpoint.test's hook). Runs of single files (`mocha --no-config FILE`) still build in their
// hooks; buildPrograms is memoized, so a full run builds once.
import { buildPrograms } from './programs.js';

export async function mochaGlobalSetup(): Promise<void> {
  await buildPrograms();
}
