// What /proc/PID/fd/N shows for an fd of tsvisor's own stdio: what the host stream is, as
// natively (lsof, and programs that check whether stdout is /dev/null, read it): a pipe's or
// socket's name (pipe:[N], socket:[N], with the host's inode, as fstat shows), /dev/null, or
// the file's path when the sandbox sees that host file at the same path (the default root,
// not under a --mount elsewhere). Otherwise (a host terminal, a file outside --rootfs) the
// stream's name: /dev/stdin, /dev/stdout, /dev/stderr.
import fs from 'node:fs';

import type { Kernel } from '../kernel.js';
import type { OpenFile } from '../state.js';
import { splitPath } from '../vfs/path_walk.js';

export function stdioTarget(kernel: Kernel, file: OpenFile): string {
  const fallback = `/dev/${file.path}`;
  if (file.hostFd === undefined) return fallback;
  let target: string;
  try {
    target = fs.readlinkSync(`/proc/self/fd/${file.hostFd}`);
  } catch {
    return fallback;
  }
  if (/^(pipe|socket|anon_inode):/.test(target) || target === '/dev/null') return target;
  if (!target.startsWith('/') || target.startsWith('/dev/') || target.startsWith('/proc/')) return fallback;
  const path = target.replace(/ \(deleted\)$/, '');
  return kernel.root.hostPathOf(splitPath(path)) === path ? target : fallback;
}
