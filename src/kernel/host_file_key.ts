// The identity of a host file as the sandbox's mappings see it: the same key means the same
// inode, unchanged since (ctime moves at every change, so a reused inode number differs too).
import { hostFstat } from '../platform/host_stat.js';
import type { FileStat } from './vfs/file_stat.js';

export function hostFileKey(hostFd: number): string {
  const st = hostFstat(hostFd);
  if (typeof st === 'number') throw new Error(`fstat of host fd ${hostFd} failed (errno ${-st})`);
  return fileKeyOf(st);
}

/** The key of a file whose attributes are at hand. */
export function fileKeyOf(st: Pick<FileStat, 'dev' | 'ino' | 'ctimeNs'>): string {
  return `${st.dev}:${st.ino}:${st.ctimeNs}`;
}
