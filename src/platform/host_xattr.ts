// Extended attributes of host files (native/host_xattr.cc), for the files of `--mount ...:rw`
// that live on the host's filesystem. Names are byte strings (src/byte_string.ts).
import { decodeBytes, encodeBytes } from '../byte_string.js';
import { loadAddon } from './native_addon.js';

/** The value of attribute name of the host file at path (a final symlink followed), or -errno. */
export function hostGetxattr(path: string | Buffer, name: string): Uint8Array | number {
  return loadAddon().hostGetxattr(path, encodeBytes(name));
}

/** The names of the host file's attributes, or -errno. */
export function hostListxattr(path: string | Buffer): string[] | number {
  const r = loadAddon().hostListxattr(path);
  if (typeof r === 'number') return r;
  return r.length === 0 ? [] : decodeBytes(r.subarray(0, r.length - 1)).split('\0');
}

/** Sets attribute name (flags: XATTR_CREATE, XATTR_REPLACE): 0 or -errno. */
export function hostSetxattr(path: string | Buffer, name: string, value: Uint8Array, flags: number): number {
  return loadAddon().hostSetxattr(path, encodeBytes(name), value, flags);
}

/** Removes attribute name: 0 or -errno. */
export function hostRemovexattr(path: string | Buffer, name: string): number {
  return loadAddon().hostRemovexattr(path, encodeBytes(name));
}
