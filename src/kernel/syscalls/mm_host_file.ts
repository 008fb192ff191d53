// mmap of a host file (lower layer, or a file of an :rw bind) from the file itself rather than
// from a copy: the host maps the file in the stub, so every process shares the host's page
// cache, pages are read only when touched, and MAP_SHARED mappings see one another as on
// Linux. Changes the host makes to the file show in the pages the program has not written, as
// with Linux's MAP_PRIVATE. A writable bind's file open O_RDWR and mapped MAP_SHARED is mapped
// through the kernel's writable host fd: the program's stores are the file's bytes, as read(),
// write(), other processes and the host see them. An overlay file's shared mappings map its
// pages (vfs/shared_file_pages.ts). The copy remains for overlay files mapped privately and, for
// mappings that cannot write the file, when the stub cannot take one more fd or the host refuses.
import fs from 'node:fs';

import { MAP_32BIT, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_POPULATE, MAP_PRIVATE, MAP_TYPE } from '../abi/mmap.js';
import { O_ACCMODE, O_RDONLY } from '../abi/open_flags.js';
import { Errno } from '../errno.js';
import type { OpenFile } from '../state.js';
import { sharedPages } from '../vfs/shared_file_pages.js';
import type { SyscallContext } from './context.js';
import { memFile } from './mem_file.js';

/**
 * Maps the host file open at file.fd (key: its identity, hostFileKey). writable: file.fd is open
 * for writing (only an :rw bind's files are); the stub never keeps such an fd, nor uses one it
 * keeps for a read-only open (a shared mapping of that could then be mprotected writable). The
 * mapped address or -errno; null when the file must be copied instead: a mapping that cannot
 * reach the file (private, or shared without write access) and the stub cannot take one more fd,
 * or the host refuses (EPERM: PROT_EXEC on a noexec host mount; ENODEV: a filesystem without
 * mmap). A shared mapping of a writable fd is never a copy (the program's stores would not reach
 * the file): the host's refusal is the answer, and a stub without a free fd ENOMEM.
 */
export function mapHostFile(
  ctx: SyscallContext, file: { key: string; fd: number; writable: boolean }, addr: number, length: number, prot: number, flags: number, offset: number,
): number | null {
  const keep = flags & (MAP_TYPE | MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_NORESERVE | MAP_POPULATE | MAP_32BIT);
  const ref = { key: file.writable ? `rw:${file.key}` : file.key, fd: file.fd };
  const r = ctx.kernel.platform.mapHostFile(ctx.hostTid, ctx.process.hostPid, ref, ctx.scratchAddress(), [addr, length, prot, keep, offset], !file.writable);
  const reachesFile = file.writable && (flags & MAP_TYPE) !== MAP_PRIVATE;
  if (reachesFile) return r === -Errno.EMFILE ? -Errno.ENOMEM : r;
  return r === -Errno.EMFILE || r === -Errno.ENOSYS || r === -Errno.EPERM || r === -Errno.ENODEV ? null : r;
}

/**
 * A MAP_SHARED mapping of an overlay file ('mem' open file): its pages, mapped in the stub.
 * Through a read-only host fd when the file is open read-only, so that mprotect cannot make
 * the mapping writable (EACCES, as on Linux). null when it must be a copy (as mapHostFile).
 */
export function mapSharedPages(ctx: SyscallContext, file: OpenFile, addr: number, length: number, prot: number, flags: number, offset: number): number | null {
  const node = memFile(ctx, file);
  if (!node) return -Errno.EBADF;
  const pages = sharedPages(ctx.kernel, node);
  if (!pages) return null;
  const readOnly = (file.flags & O_ACCMODE) === O_RDONLY;
  let fd = pages.fd;
  if (readOnly) {
    try {
      fd = fs.openSync(`/proc/self/fd/${pages.fd}`, fs.constants.O_RDONLY);
    } catch {
      return null;
    }
  }
  const keep = flags & (MAP_TYPE | MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_NORESERVE | MAP_POPULATE | MAP_32BIT);
  const ref = { key: readOnly ? `ro:${pages.key}` : pages.key, fd };
  try {
    const r = ctx.kernel.platform.mapHostFile(ctx.hostTid, ctx.process.hostPid, ref, ctx.scratchAddress(), [addr, length, prot, keep, offset], false);
    return r === -Errno.EMFILE || r === -Errno.ENOSYS ? null : r;
  } finally {
    if (readOnly) fs.closeSync(fd);
  }
}
