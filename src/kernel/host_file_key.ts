// The identity of a host file as the sandbox's mappings see it: the same key means the same
// inode, unchanged since (ctime moves at every change, so a reused inode number differs too).
import fs from 'node:fs';

export function hostFileKey(hostFd: number): string {
  const st = fs.fstatSync(hostFd, { bigint: true });
  return `${st.dev}:${st.ino}:${st.ctimeNs}`;
}
