// Host directory listings for the VFS's lower layer, with inode numbers and types in one
// host pass (native/host_dir.cc): what the sandbox's getdents64 reports.
import { decodeBytes } from '../byte_string.js';
import { hostFileArgOrErrno } from './host_file_path.js';
import { loadAddon } from './native_addon.js';

export interface HostDirEntry {
  /** The name's bytes as a byte string (src/byte_string.ts). */
  name: string;
  ino: bigint;
  /** d_type as the host filesystem gave it (DT_UNKNOWN on some). */
  type: number;
}

/** The entries of the host directory at hostPath (not following a final symlink), or -errno. */
export function readHostDirectory(hostPath: string): HostDirEntry[] | number {
  const arg = hostFileArgOrErrno(hostPath);
  if (typeof arg === 'number') return arg;
  const r = loadAddon().readDirectory(arg);
  if (typeof r === 'number') return r;
  // One decoding for all the names (NUL is ASCII, so each name decodes as it would alone).
  const names = r.inos.length === 0 ? [] : decodeBytes(r.names.subarray(0, r.names.length - 1)).split('\0');
  const out: HostDirEntry[] = new Array<HostDirEntry>(names.length);
  for (let i = 0; i < names.length; i++) out[i] = { name: names[i]!, ino: r.inos[i]!, type: r.types[i]! };
  return out;
}
