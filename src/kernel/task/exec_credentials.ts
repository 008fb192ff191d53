// The identity a process has after execve (Linux's bprm_fill_uid and what follows it): a
// set-user-ID program runs with its owner as effective uid, a set-group-ID one (with group
// execute permission) with its group, unless the process has no_new_privs; and the saved ids
// become the effective ones, set-ID or not. The capabilities then follow (capabilities.ts).
// On a nosuid mount the owner comes with its set-ID bits cleared (loader/exec.ts).
import type { FileOwner } from '../loader/exec.js';
import type { Credentials, ProcessState } from '../state.js';
import { S_ISGID, S_ISUID, S_IXGRP } from '../vfs/file_stat.js';


export function execCredentials(process: ProcessState, owner: FileOwner | undefined): Credentials {
  const c = process.creds;
  let { euid, egid } = c;
  if (owner && !process.noNewPrivs) {
    if (owner.mode & S_ISUID) euid = owner.uid;
    if ((owner.mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) egid = owner.gid;
  }
  if (euid === c.euid && egid === c.egid && c.suid === euid && c.sgid === egid) return c;
  return { ...c, euid, suid: euid, egid, sgid: egid };
}
