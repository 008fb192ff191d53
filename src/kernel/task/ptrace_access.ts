// Whether one sandbox process may reach into another as ptrace's access check allows: what
// process_vm_readv/writev and kcmp check before touching the target, and what /proc/PID's
// magic links and private files (environ, maps, fd, ns) check before showing it.
import type { Credentials, ProcessState } from '../state.js';
import { CAP_SYS_PTRACE, capable } from './capabilities.js';

/**
 * ptrace's access check with the caller's real ids (PTRACE_MODE_ATTACH_REALCREDS): its own
 * process always; another when the caller has CAP_SYS_PTRACE or its real ids
 * match all of the target's and the target is dumpable.
 */
export function mayAttach(caller: ProcessState, target: ProcessState): boolean {
  return mayAccessProcess(caller, target, caller.creds.uid, caller.creds.gid);
}

/**
 * The check /proc makes (PTRACE_MODE_READ_FSCREDS): as mayAttach, with the caller's filesystem
 * ids (its effective ones: setfsuid is not offered) in place of its real ones.
 */
export function mayRead(caller: ProcessState, target: ProcessState): boolean {
  return mayAccessProcess(caller, target, caller.creds.euid, caller.creds.egid);
}

function mayAccessProcess(caller: ProcessState, target: ProcessState, uid: number, gid: number): boolean {
  if (caller.pid === target.pid || capable(caller.creds, CAP_SYS_PTRACE)) return true;
  const t: Credentials = target.creds;
  const sameUser = uid === t.uid && uid === t.euid && uid === t.suid;
  const sameGroup = gid === t.gid && gid === t.egid && gid === t.sgid;
  return sameUser && sameGroup && (target.dumpable ?? 1) !== 0;
}
