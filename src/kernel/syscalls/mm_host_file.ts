// mmap of a host (lower-layer) file from the file itself rather than from a copy: the host
// maps the file in the stub, so every process shares the host's page cache, pages are read
// only when touched, and MAP_SHARED mappings see one another as on Linux. Changes the host
// makes to the file show in the pages the program has not written, as with Linux's
// MAP_PRIVATE. An overlay file's shared mappings map its pages (vfs/shared_file_pages.ts).
// The copy remains for overlay files mapped privately, for writable shared mappings of a
// writable bind's file, and for a stub that cannot take one more fd.
import fs from 'node:fs';

import { O_ACCMODE, O_RDONLY } from '../abi/open_flags.js';
import { Errno } from '../errno.js';
import type { OpenFile } from '../state.js';
import { sharedPages } from '../vfs/shared_file_pages.js';
import type { SyscallContext } from './context.js';
import { memFile } from './mem_file.js';

const MAP_TYPE = 0xf;
const MAP_FIXED = 0x10;
const MAP_32BIT = 0x40;
const MAP_NORESERVE = 0x4000;
const MAP_POPULATE = 0x8000;
const MAP_FIXED_NOREPLACE = 0x100000;

/**
 * Maps the host file open at file.fd (key: its identity, hostFileKey). The mapped address or
 * -errno; null when the file must be copied instead: the stub cannot
 * take one more fd, or the host refuses (EPERM: PROT_EXEC on a noexec host mount; ENODEV: a
 * filesystem without mmap).
 */
export function mapHostFile(ctx: SyscallContext, file: { key: string; fd: number }, addr: number, length: number, prot: number, flags: number, offset: number): number | null {
  const keep = flags & (MAP_TYPE | MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_NORESERVE | MAP_POPULATE | MAP_32BIT);
  const r = ctx.kernel.platform.mapHostFile(ctx.hostTid, ctx.process.hostPid, file, ctx.scratchAddress(), [addr, length, prot, keep, offset]);
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
