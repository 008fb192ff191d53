// The first bytes of host executables and their parsed ELF headers, by file identity: an
// exec-heavy run (a shell loop) would otherwise read and parse /bin/true and ld.so again
// at every execve. A changed file has another identity (its ctime moves), so it is read anew.
import type { ElfImage } from './elf.js';

interface Head {
  bytes: Uint8Array;
  /** The parsed headers, once parsed (a script has none). */
  image?: ElfImage;
}

const MAX_ENTRIES = 64;
const heads = new Map<string, Head>();

/** The cached head of the file with this identity (hostFileKey), most recently used last. */
export function cachedHead(key: string): Head | undefined {
  const hit = heads.get(key);
  if (hit) {
    heads.delete(key);
    heads.set(key, hit);
  }
  return hit;
}

export function rememberHead(key: string, bytes: Uint8Array): Head {
  const head: Head = { bytes };
  heads.set(key, head);
  if (heads.size > MAX_ENTRIES) heads.delete(heads.keys().next().value!);
  return head;
}
