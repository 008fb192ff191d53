// FIFOs and socket files made in a host directory (native/host_mknod.cc): Node has no mknod.
import { loadAddon } from './native_addon.js';

const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;

/** Makes a FIFO or a socket file at hostPath with exactly these permission bits, less the host's umask: 0 or -errno. */
export function hostMknod(hostPath: string | Buffer, kind: 'fifo' | 'socket', perm: number): number {
  return loadAddon().hostMknod(hostPath, (kind === 'fifo' ? S_IFIFO : S_IFSOCK) | (perm & 0o777));
}
