// The kernel's tmpfs mounts (/dev/shm, and those of `run --tmpfs PATH`): directories of the overlay's upper layer that have no
// lower directory at all, so nothing of the host shows through (the host's shared-memory
// objects stay invisible). A mount's root exists in state from its first change on (an
// OverlayNodeCreated with parent 0 and `mount`); until then it is an empty synthetic
// directory with the same attributes. Everything below it is ordinary overlay nodes: created,
// written, renamed, unlinked and mapped by the overlay's code.
import type { OverlayState } from '../state.js';
import { syntheticStat, type FileStat } from './file_stat.js';
import { KERNEL_TMPFS_DEFAULTS, tmpfsRootMode, type TmpfsMount, type TmpfsOptions } from './tmpfs_options.js';
import type { VNode } from './vnode.js';

/** Where the kernel always mounts a tmpfs: /dev/shm (mode 1777, nosuid, nodev, as Linux distributions mount it). */
export const DEV_SHM = '/dev/shm';

/**
 * The kernel's own tmpfs mounts. A sandbox's mount table (HostRoot.tmpfsMounts) starts with
 * these (an OCI bundle may give /dev/shm other options); --tmpfs mounts follow, so a mount's
 * index (and its device) is stable.
 */
export const TMPFS_MOUNTS: readonly TmpfsMount[] = [{ path: DEV_SHM, options: KERNEL_TMPFS_DEFAULTS }];

/** A tmpfs root directory's inode number (as on Linux). */
export const TMPFS_ROOT_INO = 1n;

/** The device of the tmpfs mounted at TMPFS_MOUNTS[i]: anonymous devices, major 0 (as Linux's). */
export function tmpfsDev(index: number): bigint {
  return BigInt(0x40 + index);
}

const componentsOf = new Map<string, string[]>();

function mountComponents(mount: string): string[] {
  let parts = componentsOf.get(mount);
  if (!parts) componentsOf.set(mount, (parts = mount.split('/').filter((c) => c.length > 0)));
  return parts;
}

/** The tmpfs mount of mounts a symlink-free absolute path lies in (its root included), with the components below it. */
export function tmpfsMountOf(mounts: readonly string[], components: readonly string[]): { mount: string; index: number; rest: string[] } | undefined {
  for (let index = 0; index < mounts.length; index++) {
    const mount = mounts[index]!;
    const parts = mountComponents(mount);
    if (components.length < parts.length || parts.some((p, i) => components[i] !== p)) continue;
    return { mount, index, rest: components.slice(parts.length) };
  }
  return undefined;
}

/** Which tmpfs mount a device is (tmpfsDev's inverse), if any. */
export function tmpfsIndexOfDev(count: number, dev: bigint): number | undefined {
  const index = Number(dev) - 0x40;
  return dev >= 0x40n && index < count ? index : undefined;
}

/** tmpfsMountOf for a path string. */
export function tmpfsMountOfPath(mounts: readonly string[], path: string): { mount: string; index: number; rest: string[] } | undefined {
  return tmpfsMountOf(mounts, path.split('/').filter((c) => c.length > 0));
}

/** Whether a path is a tmpfs mount point itself. */
export function isTmpfsMount(mounts: readonly string[], path: string): boolean {
  return mounts.includes(path);
}

/** Whether a tmpfs mount is at a path or below it (a walk down there may enter the mount). */
export function tmpfsAtOrBelow(mounts: readonly string[], path: string): boolean {
  const prefix = path + '/';
  return mounts.some((m) => m === path || m.startsWith(prefix));
}

/** The mount points of mounts that are entries of directory dir (listed there even where the lower layer has no such directory). */
export function tmpfsMountsIn(mounts: readonly string[], dir: string): string[] {
  const above = mountComponents(dir);
  const names: string[] = [];
  for (const mount of mounts) {
    const parts = mountComponents(mount);
    if (parts.length === above.length + 1 && above.every((c, i) => parts[i] === c)) names.push(parts[above.length]!);
  }
  return names;
}

/** The root of a tmpfs mount before its first change: an empty directory with the mount's mode, owner and group. */
export function untouchedTmpfsRoot(mount: string, index: number, options: TmpfsOptions, bootNs: bigint): VNode {
  const stat: FileStat = syntheticStat({ dev: Number(tmpfsDev(index)), ino: Number(TMPFS_ROOT_INO), mode: tmpfsRootMode(options), uid: options.uid, gid: options.gid, nlink: 2 }, bootNs);
  return { fs: 'synthetic-dir', path: mount, stat, entries: () => [] };
}

/** The node id of a tmpfs mount's root in the upper layer, 0 before its first change. */
export function tmpfsRootId(upper: OverlayState | undefined, mount: string): number {
  return upper?.mounts.get(mount) ?? 0;
}
