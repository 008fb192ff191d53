// memfd_create and file seals: an anonymous memory file (a file of the kernel's own, with no
// name in any directory: /proc/self/fd shows "/memfd:NAME (deleted)"), which lives while an
// open file holds it, and the F_ADD_SEALS/F_GET_SEALS seals that freeze its size or contents.
import { byteLength } from '../../byte_string.js';
import { Errno } from '../errno.js';
import { lowestFreeFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import { O_LARGEFILE, O_RDWR } from '../abi/open_flags.js';
import type { OverlayFile } from '../state.js';
import { freshIno } from '../vfs/overlay.js';
import type { SyscallContext } from './context.js';
import { memFile } from './mem_file.js';
import type { Outcome } from './outcome.js';
import { nowNs } from './overlay_ops.js';
import { writablyMapped } from '../vfs/shared_file_pages.js';

const MFD_CLOEXEC = 0x1;
const MFD_ALLOW_SEALING = 0x2;
const MFD_HUGETLB = 0x4;
const MFD_NOEXEC_SEAL = 0x8;
const MFD_EXEC = 0x10;
const MFD_NAME_MAX = 249;
const S_IFREG = 0o100000;
export const F_SEAL_SEAL = 0x1;
export const F_SEAL_SHRINK = 0x2;
export const F_SEAL_GROW = 0x4;
export const F_SEAL_WRITE = 0x8;
export const F_SEAL_FUTURE_WRITE = 0x10;
const F_SEAL_EXEC = 0x20;
const ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC;
/** memfds live on the kernel's internal tmpfs: a device of its own, below the tmpfs mounts' (vfs/tmpfs.ts tmpfsDev). */
const MEMFD_DEV = 0x3fn;

export function sysMemfdCreate(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(1);
  if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)) return -Errno.EINVAL;
  // There are no huge pages to back a file with.
  if (flags & MFD_HUGETLB) return -Errno.EINVAL;
  if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC)) return -Errno.EINVAL;
  // Linux looks at most MFD_NAME_MAX + 1 bytes for the NUL (strnlen_user): a longer name is EINVAL, not a fault.
  const name = ctx.readString(ctx.args[0]!, MFD_NAME_MAX);
  if (typeof name === 'number') return name === -Errno.E2BIG ? -Errno.EINVAL : name;
  if (byteLength(name) > MFD_NAME_MAX) return -Errno.EINVAL;
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  const noexec = (flags & MFD_NOEXEC_SEAL) !== 0;
  // Without MFD_ALLOW_SEALING the file is born sealed against sealing.
  const seals = noexec ? F_SEAL_EXEC : flags & MFD_ALLOW_SEALING ? 0 : F_SEAL_SEAL;
  const nodeId = ctx.kernel.state.overlay.nextNodeId;
  ctx.emit({
    type: 'AnonymousFileCreated', nodeId, mode: S_IFREG | (noexec ? 0o666 : 0o777), uid: ctx.process.creds.euid,
    gid: ctx.process.creds.egid, dev: MEMFD_DEV, ino: freshIno(nodeId), timeNs: nowNs(), seals,
  });
  return openNewFile(ctx, { kind: 'mem', path: `/memfd:${name}`, flags: O_RDWR | O_LARGEFILE, cloexec: (flags & MFD_CLOEXEC) !== 0, nodeId });
}

/** The seals of the file behind an fd: a memfd's, or -EINVAL for a file that cannot be sealed. */
function sealable(ctx: SyscallContext, d: FdLookup): OverlayFile | number {
  const node = memFile(ctx, d.file);
  return node && node.seals !== undefined ? node : -Errno.EINVAL;
}

export function getSeals(ctx: SyscallContext, d: FdLookup): number {
  const node = sealable(ctx, d);
  return typeof node === 'number' ? node : node.seals!;
}

export function addSeals(ctx: SyscallContext, d: FdLookup, add: number): number {
  const node = sealable(ctx, d);
  if (typeof node === 'number') return node;
  if (add & ~ALL_SEALS) return -Errno.EINVAL;
  if ((d.file.flags & 3) === 0) return -Errno.EPERM; // sealing needs the file open for writing
  if (node.seals! & F_SEAL_SEAL) return -Errno.EPERM;
  // Contents a shared writable mapping may still change cannot be frozen.
  if (add & F_SEAL_WRITE && !(node.seals! & F_SEAL_WRITE) && writablyMapped(ctx.kernel, runningHostPids(ctx), node)) return -Errno.EBUSY;
  ctx.emit({ type: 'FileSealsSet', nodeId: node.id, seals: node.seals! | add });
  return 0;
}

/**
 * Whether the seals allow a change: a write of bytes at [at, end) or a resize to end (a
 * smaller size shrinks). -EPERM when they do not.
 */
export function sealsAllow(node: OverlayFile, change: { write?: boolean; end: number }): number {
  const seals = node.seals ?? 0;
  if (seals === 0) return 0;
  if (change.write && seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -Errno.EPERM;
  if (change.end > node.size && seals & F_SEAL_GROW) return -Errno.EPERM;
  if (!change.write && change.end < node.size && seals & F_SEAL_SHRINK) return -Errno.EPERM;
  return 0;
}

function* runningHostPids(ctx: SyscallContext): Iterable<number> {
  for (const p of ctx.kernel.state.processes.values()) if (p.status === 'running') yield p.hostPid;
}
