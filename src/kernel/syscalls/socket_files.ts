// The file a unix socket's path names (bind makes it, connect and sendto look it up): a socket
// node of the overlay, or a host socket file of a `--mount ...:rw` (host_special_files.ts).
// Either way the socket bound there is found by a name of state.socketNames: "node:ID" for an
// overlay node, "host:DEV:INO" for a host file, so that it follows the file through renames
// and links, and a file made again under the name is another one.
import { Errno } from '../errno.js';
import { S_IFMT, S_IFSOCK } from '../vfs/file_stat.js';
import type { SyscallContext } from './context.js';
import { makeEntry, writableOf } from './bind_ops.js';
import { hostSocketKey, hostSocketName, identityOf } from './host_special_files.js';
import { accessDenied, createEntry, newEntryAt } from './overlay_ops.js';
import { AT_FDCWD, resolveAt } from './paths.js';

const MAY_WRITE = 2;

function overlayName(node: { id: number }): string {
  return `node:${node.id}`;
}

/**
 * Makes the socket file bind(2) creates at path (mode 0777 less the umask); EADDRINUSE when
 * the name exists (Linux's unix_bind turns the creation's EEXIST into it). Returns the name the
 * socket bound to it takes, or -errno.
 */
export function createSocketFile(ctx: SyscallContext, path: string): string | number {
  const last = newEntryAt(ctx, AT_FDCWD, path, false);
  if (typeof last === 'number') return last === -Errno.EEXIST ? -Errno.EADDRINUSE : last;
  const bind = writableOf(last.parent);
  if (!bind) {
    const node = createEntry(ctx, last.parent, last.name, 'socket', 0o777);
    return typeof node === 'number' ? node : overlayName(node);
  }
  const made = makeEntry(ctx, last.parent, last.name, 'socket', 0o777);
  // A host program may have taken the name since the lookup.
  if (made < 0) return made === -Errno.EEXIST ? -Errno.EADDRINUSE : made;
  return hostSocketName(ctx, bind, last.name);
}

/**
 * The name of the socket file at path (connect(2) and sendto(2) follow symlinks to it), or
 * -errno: EACCES without write permission on the file (as Linux's unix_find_bsd), ECONNREFUSED
 * when it is not a socket.
 */
export function socketFileAt(ctx: SyscallContext, path: string): string | number {
  const node = resolveAt(ctx, AT_FDCWD, path, true);
  if (typeof node === 'number') return node;
  const denied = accessDenied(ctx.process, node.stat, MAY_WRITE);
  if (denied < 0) return denied;
  if (node.fs === 'overlay') return node.node.kind === 'socket' ? overlayName(node.node) : -Errno.ECONNREFUSED;
  if (node.fs === 'host' && (Number(node.stat.mode) & S_IFMT) === S_IFSOCK) return hostSocketKey(identityOf(node.stat));
  return -Errno.ECONNREFUSED;
}
