// Host directory listings for the VFS's lower layer, with inode numbers and types in one
// host pass (native/host_dir.cc): what the sandbox's getdents64 reports.
import { loadAddon } from './native_addon.js';

export interface HostDirEntry {
  name: string;
  ino: bigint;
  /** d_type as the host filesystem gave it (DT_UNKNOWN on some). */
  type: number;
}

/** The entries of the host directory at hostPath (not following a final symlink), or -errno. */
export function readHostDirectory(hostPath: string): HostDirEntry[] | number {
  const r = loadAddon().readDirectory(hostPath);
  if (typeof r === 'number') return r;
  const names = r.names.split('\0');
  const out: HostDirEntry[] = new Array<HostDirEntry>(r.inos.length);
  for (let i = 0; i < r.inos.length; i++) out[i] = { name: names[i]!, ino: r.inos[i]!, type: r.types[i]! };
  return out;
}
