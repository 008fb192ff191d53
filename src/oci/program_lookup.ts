// Finds a container's program as runc does (args[0] on the process's PATH unless it holds a
// slash) and prepares its exec. Failures say what runc says: Docker turns "executable file
// not found" and "no such file or directory" into exit status 127, "permission denied" into 126.
import { Errno } from '../kernel/errno.js';
import { ExecError, prepareExec, type PreparedExec } from '../kernel/loader/exec.js';
import type { OverlayState } from '../kernel/state.js';
import type { HostRoot } from '../kernel/vfs/path_walk.js';
import { OciError } from './oci_error.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function lookupProgram(root: HostRoot, cwd: string, args: readonly string[], env: readonly string[], upper?: OverlayState): PreparedExec {
  const [cmd, ...rest] = args as [string, ...string[]];
  const envPath = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  const candidates = cmd.includes('/') ? [cmd] : envPath.split(':').map((dir) => `${dir || '.'}/${cmd}`);
  let denied = false;
  for (const candidate of candidates) {
    try {
      return prepareExec(root, cwd, candidate, [cmd, ...rest], [...env], upper);
    } catch (err) {
      if (!(err instanceof ExecError)) throw err;
      if (err.errno === Errno.ENOENT || err.errno === Errno.ENOTDIR) {
        if (cmd.includes('/')) throw new OciError(`exec: "${cmd}": stat ${cmd}: no such file or directory`);
        continue;
      }
      if (cmd.includes('/')) throw new OciError(`exec: "${cmd}": permission denied (${err.message})`);
      denied = true;
    }
  }
  if (denied) throw new OciError(`exec: "${cmd}": permission denied`);
  throw new OciError(`exec: "${cmd}": executable file not found in $PATH`);
}
