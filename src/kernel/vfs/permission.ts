// The rwx permission check of a file's mode against a process's credentials (the owner's,
// the group's or the others' bits), and the capabilities that override it (Linux's
// generic_permission): CAP_DAC_OVERRIDE passes every check but exec, which the callers see
// to; CAP_DAC_READ_SEARCH passes reading a file and reading or searching a directory.
import type { Credentials } from '../state.js';
import { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, capable } from '../task/capabilities.js';
import { S_IFDIR, S_IFMT, type FileStat } from './file_stat.js';

/** Whether creds may use a file with attributes st for the rwx bits of mask (4 read, 2 write, 1 execute/search). */
export function permits(creds: Credentials, st: Pick<FileStat, 'mode' | 'uid' | 'gid'>, mask: number): boolean {
  if (capable(creds, CAP_DAC_OVERRIDE)) return true;
  const gid = Number(st.gid);
  const shift = Number(st.uid) === creds.euid ? 6 : creds.egid === gid || creds.groups.includes(gid) ? 3 : 0;
  if (((Number(st.mode) >> shift) & mask) === mask) return true;
  if (!capable(creds, CAP_DAC_READ_SEARCH)) return false;
  const dir = (Number(st.mode) & S_IFMT) === S_IFDIR;
  return dir ? (mask & 2) === 0 : mask === 4;
}
