// OCI hooks (prestart, createRuntime, poststart, poststop...): host programs run by the runtime
// with the container's state on their stdin. A failing create-time hook fails the create.
import { spawnSync } from 'node:child_process';

import type { HookSpec } from './bundle_config.js';
import type { OciState } from './container_state.js';
import { OciError } from './oci_error.js';

export function runHooks(kind: string, hooks: readonly HookSpec[] | undefined, state: OciState, fatal: boolean, warn: (m: string) => void): void {
  for (const hook of hooks ?? []) {
    const [argv0, ...args] = hook.args ?? [hook.path];
    const r = spawnSync(hook.path, args, {
      argv0: argv0 ?? hook.path,
      input: JSON.stringify(state),
      env: Object.fromEntries((hook.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
      stdio: ['pipe', 'ignore', 'pipe'],
      ...(hook.timeout === undefined ? {} : { timeout: hook.timeout * 1000 }),
    });
    const failure = r.error ? r.error.message : r.status !== 0 ? `exit status ${r.status ?? `signal ${r.signal}`}: ${r.stderr.toString().trim()}` : null;
    if (failure === null) continue;
    const message = `error running ${kind} hook ${hook.path}: ${failure}`;
    if (fatal) throw new OciError(message);
    warn(message);
  }
}
