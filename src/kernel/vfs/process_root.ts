// A process's root directory (chroot): the kernel holds every path as the sandbox sees it
// from its own "/", and shows a path to a process as seen from that process's root.

import type { ProcessState } from '../state.js';

/** The sandbox root: the root of every process that never called chroot. */
export const SANDBOX_ROOT = '/';

/** A process's root directory. */
export function rootOf(p: Pick<ProcessState, 'root'>): string {
  return p.root ?? SANDBOX_ROOT;
}

/** Whether a symlink-free sandbox path is the root directory `root` or below it. */
export function isWithinRoot(root: string, path: string): boolean {
  return root === SANDBOX_ROOT || path === root || path.startsWith(root + '/');
}

/**
 * A sandbox path as a process whose root is `root` names it. A path outside that root
 * cannot be named from it: it is shown whole, from the sandbox root (Linux's d_path, used
 * for the /proc links, does the same).
 */
export function pathSeenFrom(root: string, path: string): string {
  if (root === SANDBOX_ROOT || !isWithinRoot(root, path)) return path;
  return path === root ? '/' : path.slice(root.length);
}

/** getcwd(2): a cwd outside the root is marked "(unreachable)", as Linux does. */
export function cwdSeenFrom(root: string, cwd: string): string {
  return isWithinRoot(root, cwd) ? pathSeenFrom(root, cwd) : `(unreachable)${cwd}`;
}
