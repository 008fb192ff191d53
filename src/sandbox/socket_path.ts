// A unix socket's path is limited to 107 bytes (sun_path), and engines put state deep
// (containerd/Docker: .../runtime-NAME/moby/<64 hex digits>/control.sock). A longer path is
// reached through an fd of its directory: /proc/self/fd/N/NAME, resolved by the kernel.
import fs from 'node:fs';
import path from 'node:path';

const SUN_PATH_MAX = 107;

/** A path bind/connect accept for socketPath; release() once the socket is bound or connected. */
export function reachableSocketPath(socketPath: string): { path: string; release: () => void } {
  if (Buffer.byteLength(socketPath) <= SUN_PATH_MAX) return { path: socketPath, release: () => {} };
  const dirFd = fs.openSync(path.dirname(socketPath), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  let open = true;
  return {
    path: `/proc/self/fd/${dirFd}/${path.basename(socketPath)}`,
    release: () => {
      if (open) fs.closeSync(dirFd);
      open = false;
    },
  };
}
