// Whether one sandbox process may reach into another as ptrace's attach would allow: what
// process_vm_readv/writev and kcmp check before touching the target.
import type { ProcessState } from '../state.js';
import { CAP_SYS_PTRACE, capable } from './capabilities.js';

/**
 * ptrace's access check with the caller's real ids (PTRACE_MODE_ATTACH_REALCREDS): its own
 * process always; another when the caller has CAP_SYS_PTRACE or its real ids
 * match all of the target's and the target is dumpable.
 */
export function mayAttach(caller: ProcessState, target: ProcessState): boolean {
  if (caller.pid === target.pid || capable(caller.creds, CAP_SYS_PTRACE)) return true;
  const c = caller.creds;
  const t = target.creds;
  const sameUser = c.uid === t.uid && c.uid === t.euid && c.uid === t.suid;
  const sameGroup = c.gid === t.gid && c.gid === t.egid && c.gid === t.sgid;
  return sameUser && sameGroup && (target.dumpable ?? 1) !== 0;
}
