// statfs of a host path (native/host_statfs.cc): Node's fs.statfs has no f_fsid, f_namelen,
// f_frsize or f_flags, which the sandbox's statfs passes on for the host filesystems.
import { hostFileArgOrErrno } from './host_file_path.js';
import { loadAddon } from './native_addon.js';

/** The fields of struct statfs, as the host filled them. */
export interface HostStatfs {
  type: bigint;
  bsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  /** f_fsid's two ints as they lie in memory, read as one little-endian 64-bit number. */
  fsid: bigint;
  namelen: bigint;
  frsize: bigint;
  flags: bigint;
}

const FIELDS = ['type', 'bsize', 'blocks', 'bfree', 'bavail', 'files', 'ffree', 'fsid', 'namelen', 'frsize', 'flags'] as const;

/** The host's statfs of hostPath, or -errno. */
export function hostStatfs(hostPath: string): HostStatfs | number {
  const arg = hostFileArgOrErrno(hostPath);
  if (typeof arg === 'number') return arg;
  const raw = new BigInt64Array(FIELDS.length);
  const r = loadAddon().hostStatfs(arg, raw);
  if (r !== 0) return r;
  const out = {} as Record<(typeof FIELDS)[number], bigint>;
  FIELDS.forEach((name, i) => {
    out[name] = raw[i]!;
  });
  return out;
}
