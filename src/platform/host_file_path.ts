// The path to give the host for a file of the lower layer or of a --mount bind. Usually
// hostPathArg's string or bytes; but a path of PATH_MAX bytes or more (a tree deeper than
// that, reached from a deep cwd by short names) the host refuses whole with ENAMETOOLONG,
// where Linux resolves a program's short relative name from its cwd. Such a path goes to
// the host as /proc/self/fd/N/REST, N an O_PATH descriptor of a directory on the way, opened
// piece by piece (each piece shorter than PATH_MAX). The descriptor is closed once the
// current synchronous job (the syscall being handled) is over: the path is for immediate use.
import fs from 'node:fs';

import { hostPathArg } from '../byte_string.js';

const HOST_PATH_MAX = 4096;
const O_PATH = 0o10000000;
const SLASH = 0x2f;

/** Whether hostPath has PATH_MAX bytes or more (a UTF-16 unit is at most 3 bytes). */
export function isLongHostPath(hostPath: string): boolean {
  if (hostPath.length * 3 < HOST_PATH_MAX) return false;
  const arg = hostPathArg(hostPath);
  return (typeof arg === 'string' ? Buffer.byteLength(arg) : arg.length) >= HOST_PATH_MAX;
}

/**
 * hostPath as the host takes it (see above). Throws node's error of the directory on the
 * way that could not be opened (ENOENT, ENOTDIR, EACCES), as a call on the whole path fails.
 */
export function hostFileArg(hostPath: string): string | Buffer {
  const arg = hostPathArg(hostPath);
  if (!isLongHostPath(hostPath)) return arg;
  let rest = typeof arg === 'string' ? Buffer.from(arg) : arg;
  let fd = -1;
  for (;;) {
    const base = Buffer.from(fd < 0 ? '' : `/proc/self/fd/${fd}/`);
    if (base.length + rest.length < HOST_PATH_MAX) {
      const held = fd;
      if (held >= 0) queueMicrotask(() => fs.closeSync(held));
      return Buffer.concat([base, rest]);
    }
    // The longest run of whole names that fits after base (a name is at most 255 bytes).
    const cut = rest.lastIndexOf(SLASH, HOST_PATH_MAX - 1 - base.length);
    if (cut <= 0) {
      if (fd >= 0) fs.closeSync(fd);
      throw Object.assign(new Error('ENAMETOOLONG: a host name too long'), { code: 'ENAMETOOLONG', errno: -36 });
    }
    let next: number;
    try {
      next = fs.openSync(Buffer.concat([base, rest.subarray(0, cut)]), O_PATH | fs.constants.O_DIRECTORY);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
    fd = next;
    rest = rest.subarray(cut + 1);
  }
}

/** hostFileArg's answer, or for the native calls that answer -errno, its error as -errno. */
export function hostFileArgOrErrno(hostPath: string): string | Buffer | number {
  try {
    return hostFileArg(hostPath);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).errno;
    return typeof errno === 'number' && errno !== 0 ? -Math.abs(errno) : -5; // EIO
  }
}
