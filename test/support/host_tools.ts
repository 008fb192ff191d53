// Whether the machine has the programs a test drives; a test whose tools are missing is
// pending with the reason, never failed (CI installs them: .ci/run).
import { spawnSync } from 'node:child_process';

/** The names among `names` that no directory of PATH holds. */
function absent(names: readonly string[]): string[] {
  return names.filter((n) => spawnSync('sh', ['-c', `command -v '${n}'`]).status !== 0);
}

/** "not installed on this machine: X, Y" when some of the programs are missing, else null. */
export function missingPrograms(names: readonly string[]): string | null {
  const missing = absent(names);
  return missing.length > 0 ? `not installed on this machine: ${missing.join(', ')}` : null;
}

/** As missingPrograms, for the engines' tests (which also need root), naming their packages. */
export function missingTools(names: readonly string[]): string | null {
  const missing = absent(names);
  if (globalThis.process.getuid?.() !== 0) return 'the engines need root';
  return missing.length > 0 ? `${missing.join(', ')} not installed (apt-get install containerd docker.io)` : null;
}
