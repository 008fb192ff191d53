// What restore says of a host file the image refers to (open, or mapped shared) that is not as
// the checkpoint left it: another file at the name, another size, a later change.
import type fs from 'node:fs';

/** How the file now (st) differs from the image's record of it; null when it does not. */
export function hostFileChange(st: fs.BigIntStats, was: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint }): string | null {
  if (st.dev !== was.dev || st.ino !== was.ino) return 'it is another file now';
  if (st.size !== was.size) return `its size changed from ${was.size} to ${st.size} bytes`;
  if (st.mtimeNs !== was.mtimeNs) return 'it was modified';
  return null;
}
