// Contents of host files the kernel maps or execs again and again (libc, ld.so, the shell):
// read once, kept while the file's identity (device, inode, size, mtime) is unchanged.
// An exec-heavy run otherwise reads libc from the host for every process.
import fs from 'node:fs';

import { hostFstat } from '../platform/host_stat.js';

/** Files larger than this are read each time (they are rarely mapped whole). */
const MAX_FILE = 64 << 20;
/** The cache's total size; the least recently used file goes first. */
const MAX_TOTAL = 512 << 20;

interface Entry {
  key: string;
  bytes: Buffer;
}

export class HostFileCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  /** The whole contents of the file open at hostFd, or null when it is too large to keep. */
  contents(hostFd: number): Buffer | null {
    const st = hostFstat(hostFd);
    if (typeof st === 'number' || st.size > BigInt(MAX_FILE)) return null;
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.bytes;
    }
    const bytes = Buffer.alloc(Number(st.size));
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(hostFd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    const entry = { key, bytes: bytes.subarray(0, done) };
    this.entries.set(key, entry);
    this.total += entry.bytes.length;
    for (const [k, e] of this.entries) {
      if (this.total <= MAX_TOTAL) break;
      this.entries.delete(k);
      this.total -= e.bytes.length;
    }
    return entry.bytes;
  }
}
