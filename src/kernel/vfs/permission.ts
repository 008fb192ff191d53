// The rwx permission check of a file's mode against a process's credentials (the owner's,
// the group's or the others' bits; root passes every check but exec, which the callers see to).
import type { Credentials } from '../state.js';
import type { FileStat } from './file_stat.js';

/** Whether creds may use a file with attributes st for the rwx bits of mask (4 read, 2 write, 1 execute/search). */
export function permits(creds: Credentials, st: Pick<FileStat, 'mode' | 'uid' | 'gid'>, mask: number): boolean {
  if (creds.euid === 0) return true;
  const gid = Number(st.gid);
  const shift = Number(st.uid) === creds.euid ? 6 : creds.egid === gid || creds.groups.includes(gid) ? 3 : 0;
  return ((Number(st.mode) >> shift) & mask) === mask;
}
