// Memory syscalls that reach the kernel. Anonymous mmap, munmap, mprotect and mremap run on
// the host without a trap (the seccomp allowlist); file mappings map host files and overlay
// files' shared pages in the stub (mm_host_file.ts) or are copies of the bytes, and brk is
// the kernel's (the host's brk belongs to the stub, not the program).
import fs from 'node:fs';

import { Errno } from '../errno.js';
import { lookupOpenFd } from '../fd/fd_table.js';
import { pageUp } from '../loader/load_plan.js';
import type { SyscallContext } from './context.js';
import type { OpenFile } from '../state.js';
import { statOfFile } from './fs.js';
import { hostFstat } from '../../platform/host_stat.js';
import { fileKeyOf } from '../host_file_key.js';
import type { FileStat } from '../vfs/file_stat.js';
import { memFile } from './mem_file.js';
import { mapHostFile, mapSharedPages } from './mm_host_file.js';
import { pullSharedPages } from '../vfs/shared_file_pages.js';
import { readChunks } from '../vfs/file_bytes.js';
import type { Outcome } from './outcome.js';
import { SYS } from './numbers.js';
import { O_ACCMODE, O_RDWR, O_WRONLY } from '../abi/open_flags.js';
import {
  MAP_32BIT, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED,
  MAP_SHARED_VALIDATE, MAP_TYPE, PAGE, PROT_EXEC, PROT_READ, PROT_WRITE,
} from '../abi/mmap.js';

const TASK_SIZE = 0x7ffffffff000;
/** Linux's LEGACY_MAP_MASK: the flags mmap has always taken (MAP_SHARED_VALIDATE checks against it). */
const LEGACY_MAP_FLAGS = 0x3 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x4000000 | (0x3f << 26);

/** Runs a syscall in the calling thread; a negative errno when it fails. */
function inject(ctx: SyscallContext, nr: number, ...args: number[]): number {
  const r = ctx.kernel.platform.inject(ctx.hostTid, nr, ...args);
  return r === null ? -Errno.ESRCH : r;
}

export function sysMmap(ctx: SyscallContext): Outcome {
  const [addr, length] = [ctx.args[0]!, ctx.args[1]!];
  const prot = ctx.int(2);
  const flags = ctx.int(3);
  const fd = ctx.int(4);
  const offset = ctx.args[5]!;
  // Linux's order: the offset, the fd, the length, then what the mapping type asks of the file.
  if (offset < 0 || offset % PAGE !== 0) return -Errno.EINVAL;
  const d = lookupOpenFd(ctx, fd);
  if (!d) return -Errno.EBADF;
  if (length <= 0 || length > TASK_SIZE) return -Errno.EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -Errno.EINVAL;
  // MAP_SHARED_VALIDATE refuses the flags Linux does not know for a file mapping (MAP_SYNC:
  // no file of the sandbox is DAX).
  if (type === MAP_SHARED_VALIDATE && flags & ~LEGACY_MAP_FLAGS) return -Errno.EOPNOTSUPP;
  const file = d.file;
  const shared = type !== MAP_PRIVATE;
  if ((file.flags & O_ACCMODE) === O_WRONLY) return -Errno.EACCES;
  // A shared mapping writes to the file: it must be open for writing too.
  if (shared && (prot & PROT_WRITE) && (file.kind === 'host' || file.kind === 'mem') && (file.flags & O_ACCMODE) !== O_RDWR) return -Errno.EACCES;
  if (file.kind !== 'host' && file.kind !== 'mem' && file.kind !== 'dev') return -Errno.ENODEV;
  // A file of a noexec tmpfs is never mapped executable.
  if ((prot & PROT_EXEC) && file.kind === 'mem' && ctx.kernel.root.tmpfsAt(file.path)?.options.noexec) return -Errno.EPERM;

  if (file.kind === 'host') {
    const hostFd = ctx.kernel.host.fd(file.id);
    if (hostFd === undefined) return -Errno.EBADF;
    // One fstat gives the file's key for the stub and its identity for the record.
    const st = hostFstat(hostFd);
    if (typeof st === 'number') return st;
    // Only an :rw bind's file is open for writing on the host (its host fd has the open's access).
    const writable = (file.flags & O_ACCMODE) === O_RDWR;
    const mapped = mapHostFile(ctx, { key: fileKeyOf(st), fd: hostFd, writable }, addr, length, prot, flags, offset);
    if (mapped !== null) {
      if (mapped >= 0) recordMapping(ctx, mapped, pageUp(length), prot, flags, file, offset, true, st);
      return mapped;
    }
  }

  if (file.kind === 'mem' && shared) {
    const mapped = mapSharedPages(ctx, file, addr, length, prot, flags, offset);
    if (mapped !== null) {
      if (mapped >= 0) recordMapping(ctx, mapped, pageUp(length), prot, flags, file, offset, true);
      return mapped;
    }
  }

  // The mapping: anonymous memory on the host, filled with the file's bytes.
  const keep = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_NORESERVE | MAP_POPULATE | MAP_32BIT);
  const size = pageUp(length);
  // Shared mappings are shared anonymous memory on the host: processes forked afterwards share
  // it; it is still a copy of the file's bytes (never of a file the mapping could write to).
  const kind = shared ? MAP_SHARED : MAP_PRIVATE;
  const at = inject(ctx, SYS.mmap, addr, size, prot | PROT_WRITE, keep | kind | MAP_ANONYMOUS, -1, 0);
  if (at < 0 && at > -4096) return at;
  if (file.kind === 'host') {
    const hostFd = ctx.kernel.host.fd(file.id);
    if (hostFd === undefined) return -Errno.EBADF;
    // A file of an :rw mount may change under the same identity (mtime's granularity, stores
    // through a mapping): with such a mount, whose files may also be reached through other
    // names (the lower layer, a rename, an unlinked file), nothing is served from the cache.
    const whole = ctx.kernel.root.hasWritableBinds ? null : ctx.kernel.fileCache.contents(hostFd);
    let bytes: Uint8Array;
    if (whole) {
      bytes = whole.subarray(Math.min(offset, whole.length), Math.min(offset + size, whole.length));
    } else {
      const buf = Buffer.alloc(size);
      bytes = buf.subarray(0, fs.readSync(hostFd, buf, 0, size, offset));
    }
    const n = bytes.length;
    if (n > 0 && !ctx.kernel.platform.write(ctx.hostTid, at, bytes)) {
      inject(ctx, SYS.munmap, at, size);
      return -Errno.EFAULT;
    }
  }
  if (file.kind === 'mem') {
    // An overlay file mapped privately (or shared, when the host cannot give it pages): a copy of its bytes.
    const node = memFile(ctx, file);
    if (!node) return -Errno.EBADF;
    pullSharedPages(ctx.kernel, node, offset, offset + size);
    const bytes = readChunks(node.chunks, Math.min(offset, node.size), Math.min(offset + size, node.size));
    if (bytes.length > 0 && !ctx.kernel.platform.write(ctx.hostTid, at, bytes)) {
      inject(ctx, SYS.munmap, at, size);
      return -Errno.EFAULT;
    }
  }
  if (!(prot & PROT_WRITE)) inject(ctx, SYS.mprotect, at, size, prot);
  recordMapping(ctx, at, size, prot, flags, file, offset, false);
  return at;
}

function recordMapping(
  ctx: SyscallContext, at: number, size: number, prot: number, flags: number, file: OpenFile, offset: number, hostMapped: boolean,
  st: FileStat | number = statOfFile(ctx, file),
): void {
  const identity = typeof st === 'number' ? {} : { dev: BigInt(st.dev), ino: BigInt(st.ino) };
  ctx.emit({
    type: 'MemoryMapped',
    pid: ctx.process.pid,
    mapping: { start: at, end: at + size, prot: prot & (PROT_READ | PROT_WRITE | PROT_EXEC), flags, path: file.path, offset, ...identity, ...(hostMapped ? { hostMapped } : {}) },
  });
}

/** brk: the kernel's own heap after the program's image, grown and shrunk by injected mmap/munmap. */
export function sysBrk(ctx: SyscallContext): Outcome {
  const mm = ctx.process.mm;
  const want = ctx.args[0]!;
  if (want < mm.brkStart || want > TASK_SIZE) return mm.brk;
  const oldTop = pageUp(mm.brk);
  const newTop = pageUp(want);
  if (newTop > oldTop) {
    const MAP_FLAGS = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
    const r = inject(ctx, SYS.mmap, oldTop, newTop - oldTop, PROT_READ | PROT_WRITE, MAP_FLAGS, -1, 0);
    if (r !== oldTop) {
      if (r >= 0) inject(ctx, SYS.munmap, r, newTop - oldTop);
      return mm.brk; // something else lives there: the break stays
    }
  } else if (newTop < oldTop) {
    inject(ctx, SYS.munmap, newTop, oldTop - newTop);
  }
  ctx.emit({ type: 'BrkSet', pid: ctx.process.pid, brk: want });
  return want;
}

const MADV_HWPOISON = 100;
const MADV_SOFT_OFFLINE = 101;

export function sysMadvise(ctx: SyscallContext): Outcome {
  // Only advice the host filter refused reaches here: the privileged kinds need
  // CAP_SYS_ADMIN on the host (EPERM), the rest do not exist (EINVAL).
  const advice = ctx.int(2);
  return advice === MADV_HWPOISON || advice === MADV_SOFT_OFFLINE ? -Errno.EPERM : -Errno.EINVAL;
}

/**
 * msync, mlock, munlock, mlock2, mlockall, munlockall: they act on the caller's own address
 * space, so the kernel makes them in the calling thread on the host and gives back the host's
 * answer (ENOMEM for an unmapped range, EINVAL for bad flags, the host's RLIMIT_MEMLOCK).
 * A MAP_SHARED mapping of an overlay file maps the file's pages (vfs/shared_file_pages.ts):
 * there is nothing to write back.
 */
export function sysOwnMemory(ctx: SyscallContext): Outcome {
  return inject(ctx, ctx.nr, ...ctx.args);
}

const MEMBARRIER_CMD_QUERY = 0;

/**
 * membarrier: no command is offered (QUERY answers with an empty set), so programs take their
 * fallbacks: the sandbox cannot order memory across its threads on the host's behalf.
 */
export function sysMembarrier(ctx: SyscallContext): Outcome {
  if (ctx.int(0) === MEMBARRIER_CMD_QUERY) return ctx.int(1) === 0 ? 0 : -Errno.EINVAL;
  return -Errno.EINVAL;
}

/** pkey_alloc: the sandbox has no memory protection keys: EINVAL, as Linux answers on a CPU without PKU. */
export function sysPkeyAlloc(_ctx: SyscallContext): Outcome {
  return -Errno.EINVAL;
}

export function sysPkeyFree(_ctx: SyscallContext): Outcome {
  return -Errno.EINVAL;
}

/** pkey_mprotect with key -1 is mprotect; no other key exists. */
const PROT_GROWS = 0x03000000n;
const PROT_SEM = 0x8n;

/** pkey_mprotect: mprotect's checks in Linux's order (a zero length succeeds before the key is looked at), then mprotect. */
export function sysPkeyMprotect(ctx: SyscallContext): Outcome {
  const start = ctx.args[0]!;
  const prot = BigInt.asUintN(64, ctx.long(2));
  if ((prot & PROT_GROWS) === PROT_GROWS) return -Errno.EINVAL;
  if (start % PAGE !== 0) return -Errno.EINVAL;
  const len = BigInt.asUintN(64, ctx.long(1));
  if (len === 0n) return 0;
  const aligned = BigInt.asUintN(64, (len + BigInt(PAGE - 1)) & ~BigInt(PAGE - 1));
  if (BigInt.asUintN(64, BigInt(start) + aligned) <= BigInt(start)) return -Errno.ENOMEM;
  if (prot & ~(PROT_GROWS | BigInt(PROT_READ | PROT_WRITE | PROT_EXEC) | PROT_SEM)) return -Errno.EINVAL;
  // Without protection keys (this host's CPU has none, or they are not used) no key is allocated, 0 neither.
  if (ctx.int(3) !== -1) return -Errno.EINVAL;
  return inject(ctx, SYS.mprotect, start, Number(len), Number(prot));
}
