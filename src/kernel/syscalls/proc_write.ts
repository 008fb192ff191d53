// Writes to /proc: a task's comm, which a process may set for any of its own threads
// (glibc's pthread_setname_np names another thread this way; PR_SET_NAME names only the
// caller). As Linux: the first 15 bytes are the name, a newline included; another process's
// comm is EINVAL. Every other /proc file is read-only (open for writing is EACCES).
import { decodeBytes } from '../../byte_string.js';
import { Errno } from '../errno.js';
import type { SyscallContext } from './context.js';

const COMM_MAX = 15;

export function writeProcFile(ctx: SyscallContext, path: string, bytes: Uint8Array): number {
  const m = /^\/proc\/(\d+)(?:\/task\/(\d+))?\/comm$/.exec(path);
  if (!m) return -Errno.EINVAL;
  const pid = Number(m[1]);
  const tid = m[2] === undefined ? pid : Number(m[2]);
  const thread = ctx.kernel.state.threads.get(tid);
  if (!thread || thread.pid !== pid) return -Errno.ESRCH;
  if (pid !== ctx.process.pid) return -Errno.EINVAL;
  let name = bytes.subarray(0, Math.min(bytes.length, COMM_MAX));
  const nul = name.indexOf(0);
  if (nul >= 0) name = name.subarray(0, nul);
  ctx.emit({ type: 'CommSet', pid, tid, comm: decodeBytes(name) });
  return bytes.length;
}
