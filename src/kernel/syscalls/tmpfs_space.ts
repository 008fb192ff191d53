// A tmpfs's size= and nr_inodes= limits (the default for each is half of RAM, as on Linux),
// checked before a change: a write stores what fits in the free pages (short, ending at the
// first page it could not allocate; nothing fits: ENOSPC), fallocate gets every page it needs
// or none (ENOSPC), and a new inode or hard link needs a free inode (ENOSPC). Growing a file's
// size (ftruncate) allocates nothing, so it takes no space, as on Linux.
import { Errno } from '../errno.js';
import type { OverlayFile } from '../state.js';
import { bytesWithinFreePages, unallocatedPages } from '../vfs/file_extents.js';
import { tmpfsLimits } from '../vfs/tmpfs_options.js';
import { deviceUsage } from '../vfs/tmpfs_usage.js';
import type { SyscallContext } from './context.js';

const PAGE = 4096;

/** The limits of the tmpfs with device dev (0: none), if dev is one of the kernel's tmpfs mounts. */
function limitsOf(ctx: SyscallContext, dev: bigint): { pages: number; inodes: number; path: string } | undefined {
  const mount = ctx.kernel.root.tmpfsOfDev(dev);
  return mount && { ...tmpfsLimits(mount.options), path: mount.path };
}

/** How many of length bytes at offset a write to node can store: length, fewer, or -ENOSPC. */
export function tmpfsWritable(ctx: SyscallContext, node: OverlayFile, offset: number, length: number): number {
  const limits = limitsOf(ctx, node.dev);
  if (!limits || limits.pages === 0 || length === 0) return length;
  const free = Math.max(0, limits.pages - deviceUsage(ctx.kernel.state.overlay, node.dev).pages);
  const fits = bytesWithinFreePages(node, offset, length, free);
  return fits > 0 ? fits : -Errno.ENOSPC;
}

/** Whether fallocate may allocate bytes [offset, offset + length) of node: 0 or -ENOSPC. */
export function tmpfsMayAllocate(ctx: SyscallContext, node: OverlayFile, offset: number, length: number): number {
  const limits = limitsOf(ctx, node.dev);
  if (!limits || limits.pages === 0) return 0;
  const from = Math.floor(offset / PAGE);
  const to = Math.ceil((offset + length) / PAGE);
  // Linux refuses a range larger than the whole mount before looking at what is allocated.
  if (to - from > limits.pages) return -Errno.ENOSPC;
  const used = deviceUsage(ctx.kernel.state.overlay, node.dev).pages;
  return used + unallocatedPages(node, from, to) > limits.pages ? -Errno.ENOSPC : 0;
}

/** Whether one more inode (a new node, or a hard link) fits on the tmpfs with device dev: 0 or -ENOSPC. */
export function tmpfsMayAddInode(ctx: SyscallContext, dev: bigint): number {
  const limits = limitsOf(ctx, dev);
  if (!limits || limits.inodes === 0) return 0;
  const overlay = ctx.kernel.state.overlay;
  // Before its first change the mount's root is not a node yet; it holds an inode all the same.
  const used = deviceUsage(overlay, dev).inodes + (overlay.mounts.has(limits.path) ? 0 : 1);
  return used + 1 > limits.inodes ? -Errno.ENOSPC : 0;
}

/** statfs's counts for a tmpfs: blocks, free blocks, inodes, free inodes. */
export function tmpfsStatfsCounts(ctx: SyscallContext, dev: bigint): { blocks: number; bfree: number; files: number; ffree: number } {
  const limits = limitsOf(ctx, dev);
  if (!limits) return { blocks: 0, bfree: 0, files: 0, ffree: 0 };
  const overlay = ctx.kernel.state.overlay;
  const usage = deviceUsage(overlay, dev);
  const inodes = usage.inodes + (overlay.mounts.has(limits.path) ? 0 : 1);
  // No limit: Linux reports 0 of each.
  return {
    blocks: limits.pages,
    bfree: limits.pages === 0 ? 0 : Math.max(0, limits.pages - usage.pages),
    files: limits.inodes,
    ffree: limits.inodes === 0 ? 0 : Math.max(0, limits.inodes - inodes),
  };
}
