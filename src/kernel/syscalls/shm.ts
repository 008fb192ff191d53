// System V shared memory: shmget, shmat, shmdt, shmctl. A segment's memory is an unnamed
// host tmpfs file that tsvisor holds (HostResources.shm); shmat maps that file MAP_SHARED
// into the caller's stub (the fd passes over the sandbox's fd channel and is closed once
// mapped), so every process that attaches a segment really shares its pages, and the host
// frees them when the segment is removed and its last mapping goes.
import fs from 'node:fs';
import os from 'node:os';

import { IPC_INFO, IPC_PERM_SIZE, IPC_RMID, IPC_SET, IPC_STAT, IPCMNI } from '../abi/sysv_ipc.js';
import { Errno } from '../errno.js';
import { hostFileKey } from '../host_file_key.js';
import type { ShmBacking } from '../host_resources.js';
import type { Kernel } from '../kernel.js';
import { pageUp } from '../loader/load_plan.js';
import type { ProcessState, ShmSegment } from '../state.js';
import type { SyscallContext } from './context.js';
import { SYS } from './numbers.js';
import type { Outcome } from './outcome.js';
import { MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_SHARED, PAGE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../abi/mmap.js';
import {
  S_IRUGO, S_IWUGO, controllable, decodePerm, encodePerm, getObject, ipcPermits, nowSeconds, objectById, objectsOf,
  readStruct, statable, validOwner, writeStruct,
} from './sysv_ipc.js';
import { O_TMPFILE } from '../abi/open_flags.js';
import { CAP_IPC_LOCK, capable } from '../task/capabilities.js';

const SHM_RDONLY = 0o10000;
const SHM_RND = 0o20000;
const SHM_REMAP = 0o40000;
const SHM_EXEC = 0o100000;
const SHM_HUGETLB = 0o4000;
const SHM_NORESERVE = 0o10000;
const SHM_LOCK = 11;
const SHM_UNLOCK = 12;
const SHM_STAT = 13;
const SHM_INFO = 14;
const SHM_STAT_ANY = 15;
const SHM_LOCKED = 0o2000;
/** Linux's defaults: SHMMNI segments, SHMMAX bytes each (ULONG_MAX - 2^24), SHMALL pages in all. */
export const SHMMNI = 4096;
export const SHMMAX = 18446744073692774399n;
const SHMALL = 18446744073692774399n;
const SHMMIN = 1;
const SHMID_DS_SIZE = 112;

/** Pages all segments together may hold: SHMALL, or the sandbox's --memory. */
export function shmAllPages(kernel: Kernel): bigint {
  return kernel.limits.memory === null ? SHMALL : BigInt(Math.floor(kernel.limits.memory / PAGE));
}

function pagesOf(size: number): number {
  return Math.ceil(size / PAGE);
}

/** What the host could ever give a segment (Linux's overcommit heuristic refuses more than RAM and swap). */
function hostMemoryBytes(): number {
  const swap = /SwapTotal:\s+(\d+) kB/.exec(safeRead('/proc/meminfo'));
  return os.totalmem() + (swap ? Number(swap[1]) * 1024 : 0);
}

function safeRead(path: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** An unnamed tmpfs file of `size` bytes on the host (the host's /dev/shm, else its temporary directory). */
export function makeBacking(size: number): ShmBacking | null {
  for (const dir of ['/dev/shm', os.tmpdir()]) {
    let fd: number;
    try {
      fd = fs.openSync(dir, fs.constants.O_RDWR | O_TMPFILE, 0o600);
    } catch {
      continue;
    }
    try {
      fs.ftruncateSync(fd, size);
      return { fd, key: `shm:${hostFileKey(fd)}` };
    } catch {
      fs.closeSync(fd);
      return null;
    }
  }
  return null;
}

export function sysShmget(ctx: SyscallContext): Outcome {
  const key = ctx.int(0);
  const size = ctx.args[1]!;
  const flags = ctx.int(2);
  return getObject(ctx, {
    kind: 'shm', key, flags, limit: SHMMNI,
    fits: (seg) => (size < 0 || (seg as ShmSegment).size < size ? -Errno.EINVAL : 0),
    create: (id) => {
      // A size_t: negative here is past SHMMAX.
      if (size < SHMMIN || BigInt(size) > SHMMAX) return -Errno.EINVAL;
      if (flags & SHM_HUGETLB) return -Errno.EINVAL;
      const used = [...objectsOf(ctx.kernel.state, 'shm').values()].reduce((n, s) => n + pagesOf(s.size), 0);
      if (BigInt(used + pagesOf(size)) > shmAllPages(ctx.kernel)) return -Errno.ENOSPC;
      if (!(flags & SHM_NORESERVE) && size > hostMemoryBytes()) return -Errno.ENOMEM;
      const backing = makeBacking(size);
      if (!backing) return -Errno.ENOMEM;
      ctx.kernel.host.addShm(id, backing);
      const creds = ctx.process.creds;
      ctx.emit({ type: 'SysvCreated', kind: 'shm', id, key, mode: flags & 0o777, uid: creds.euid, gid: creds.egid, pid: ctx.process.pid, size, time: nowSeconds() });
      return id;
    },
  });
}

export function sysShmat(ctx: SyscallContext): Outcome {
  const shmid = ctx.int(0);
  let addr = ctx.args[1]!;
  const flags = ctx.int(2);
  if (shmid < 0) return -Errno.EINVAL;
  if (addr !== 0) {
    if (addr % PAGE !== 0) {
      if (!(flags & SHM_RND)) return -Errno.EINVAL;
      addr -= addr % PAGE;
      if (addr === 0 && flags & SHM_REMAP) return -Errno.EINVAL;
    }
  } else if (flags & SHM_REMAP) {
    return -Errno.EINVAL;
  }
  const readonly = (flags & SHM_RDONLY) !== 0;
  const prot = (readonly ? PROT_READ : PROT_READ | PROT_WRITE) | (flags & SHM_EXEC ? PROT_EXEC : 0);
  const access = (readonly ? S_IRUGO : S_IRUGO | S_IWUGO) | (flags & SHM_EXEC ? 0o111 : 0);
  const seg = objectById(objectsOf(ctx.kernel.state, 'shm'), shmid);
  if (typeof seg === 'number') return seg;
  if (!ipcPermits(ctx.process.creds, seg.perm, access)) return -Errno.EACCES;
  const backing = ctx.kernel.host.shmBacking(shmid);
  if (!backing) return -Errno.EIDRM;
  const size = pageUp(seg.size);
  const placement = addr === 0 ? 0 : flags & SHM_REMAP ? MAP_FIXED : MAP_FIXED_NOREPLACE;
  const at = ctx.kernel.platform.mapHostFile(ctx.hostTid, ctx.process.hostPid, backing, ctx.scratchAddress(), [addr, size, prot, MAP_SHARED | placement, 0], false);
  // An address that overlaps a mapping without SHM_REMAP is EINVAL, as Linux checks it.
  if (at === -Errno.EEXIST) return -Errno.EINVAL;
  if (at < 0 && at > -4096) return at;
  const time = nowSeconds();
  // SHM_REMAP over other attachments replaced them.
  for (const old of ctx.process.shmAttached ?? []) {
    if (old.start < at + size && at < old.start + old.size) ctx.emit({ type: 'ShmDetached', pid: ctx.process.pid, start: old.start, time });
  }
  ctx.emit({ type: 'ShmAttached', pid: ctx.process.pid, shmid, start: at, size, time });
  ctx.emit({
    type: 'MemoryMapped', pid: ctx.process.pid,
    mapping: { start: at, end: at + size, prot, flags: MAP_SHARED, path: `/SYSV${(seg.perm.key >>> 0).toString(16).padStart(8, '0')} (deleted)`, offset: 0 },
  });
  releaseRemovedSegments(ctx.kernel);
  return at;
}

export function sysShmdt(ctx: SyscallContext): Outcome {
  const addr = ctx.args[0]!;
  if (addr % PAGE !== 0) return -Errno.EINVAL;
  const att = ctx.process.shmAttached?.find((a) => a.start === addr);
  if (!att) return -Errno.EINVAL;
  const r = ctx.kernel.platform.inject(ctx.hostTid, SYS.munmap, att.start, att.size);
  if (r === null) return -Errno.ESRCH;
  ctx.emit({ type: 'ShmDetached', pid: ctx.process.pid, start: att.start, time: nowSeconds() });
  ctx.emit({ type: 'MemoryUnmapped', pid: ctx.process.pid, start: att.start, end: att.start + att.size });
  releaseRemovedSegments(ctx.kernel);
  return 0;
}

/** Exec and exit detach every segment (the address space they were mapped in is gone). */
export function detachAll(kernel: Kernel, process: ProcessState): void {
  if (!process.shmAttached) return;
  const time = nowSeconds();
  for (const att of [...process.shmAttached]) kernel.emit({ type: 'ShmDetached', pid: process.pid, start: att.start, time });
  releaseRemovedSegments(kernel);
}

/** Host files of segments that are gone from the state are closed. */
function releaseRemovedSegments(kernel: Kernel): void {
  kernel.host.releaseShmExcept(objectsOf(kernel.state, 'shm'));
}

function encodeShmid(seg: ShmSegment): Uint8Array {
  const out = new Uint8Array(SHMID_DS_SIZE);
  const view = new DataView(out.buffer);
  encodePerm(view, seg.perm);
  view.setBigUint64(IPC_PERM_SIZE, BigInt(seg.size), true);
  view.setBigInt64(56, BigInt(seg.atime), true);
  view.setBigInt64(64, BigInt(seg.dtime), true);
  view.setBigInt64(72, BigInt(seg.ctime), true);
  view.setInt32(80, seg.cpid, true);
  view.setInt32(84, seg.lpid, true);
  view.setBigUint64(88, BigInt(seg.nattch), true);
  return out;
}

/** The highest index in use (IPC_INFO and SHM_INFO return it), 0 when there is none. */
function maxIndex(ids: Iterable<number>): number {
  let max = 0;
  for (const id of ids) max = Math.max(max, id % IPCMNI);
  return max;
}

/** Bytes of a segment the host has in memory (its tmpfs file's blocks). */
export function residentBytes(kernel: Kernel, shmid: number): number {
  const backing = kernel.host.shmBacking(shmid);
  if (!backing) return 0;
  return Math.min(Number(fs.fstatSync(backing.fd).blocks) * 512, pageUp(kernel.state.sysv?.shm.get(shmid)?.size ?? 0));
}

export function sysShmctl(ctx: SyscallContext): Outcome {
  const shmid = ctx.int(0);
  const cmd = ctx.int(1);
  const buf = ctx.args[2]!;
  const segments = objectsOf(ctx.kernel.state, 'shm');
  switch (cmd) {
    case IPC_INFO: {
      const info = new DataView(new ArrayBuffer(72));
      info.setBigUint64(0, SHMMAX, true);
      info.setBigUint64(8, 1n, true);
      info.setBigUint64(16, BigInt(SHMMNI), true);
      info.setBigUint64(24, BigInt(SHMMNI), true);
      info.setBigUint64(32, shmAllPages(ctx.kernel), true);
      const r = writeStruct(ctx, buf, new Uint8Array(info.buffer));
      return r < 0 ? r : maxIndex(segments.keys());
    }
    case SHM_INFO: {
      const info = new DataView(new ArrayBuffer(48));
      let pages = 0;
      let rss = 0;
      for (const seg of segments.values()) {
        pages += pagesOf(seg.size);
        rss += residentBytes(ctx.kernel, seg.id) / PAGE;
      }
      info.setInt32(0, segments.size, true);
      info.setBigUint64(8, BigInt(pages), true);
      info.setBigUint64(16, BigInt(rss), true);
      const r = writeStruct(ctx, buf, new Uint8Array(info.buffer));
      return r < 0 ? r : maxIndex(segments.keys());
    }
    case SHM_STAT:
    case SHM_STAT_ANY: {
      // shmid is an index here; the answer is the segment's id.
      const seg = [...segments.values()].find((s) => s.id % IPCMNI === shmid);
      if (shmid < 0 || !seg) return -Errno.EINVAL;
      if (cmd === SHM_STAT && !ipcPermits(ctx.process.creds, seg.perm, S_IRUGO)) return -Errno.EACCES;
      const r = writeStruct(ctx, buf, encodeShmid(seg));
      return r < 0 ? r : seg.id;
    }
    case IPC_STAT: {
      const seg = statable(ctx, segments, shmid);
      if (typeof seg === 'number') return seg;
      return writeStruct(ctx, buf, encodeShmid(seg));
    }
    case IPC_SET: {
      const input = readStruct(ctx, buf, SHMID_DS_SIZE);
      if (typeof input === 'number') return input;
      const seg = controllable(ctx, segments, shmid);
      if (typeof seg === 'number') return seg;
      const update = decodePerm(input);
      if (!validOwner(update)) return -Errno.EINVAL;
      ctx.emit({ type: 'SysvPermSet', kind: 'shm', id: shmid, uid: update.uid, gid: update.gid, mode: (seg.perm.mode & ~0o777) | update.mode, time: nowSeconds() });
      return 0;
    }
    case IPC_RMID: {
      const seg = controllable(ctx, segments, shmid);
      if (typeof seg === 'number') return seg;
      ctx.emit({ type: 'SysvRemoved', kind: 'shm', id: shmid });
      releaseRemovedSegments(ctx.kernel);
      return 0;
    }
    case SHM_LOCK:
    case SHM_UNLOCK: {
      const seg = objectById(segments, shmid);
      if (typeof seg === 'number') return seg;
      // Without CAP_IPC_LOCK only the owner may, within RLIMIT_MEMLOCK (which the sandbox leaves to the host): the owner, the creator or root.
      if (!capable(ctx.process.creds, CAP_IPC_LOCK) && ctx.process.creds.euid !== seg.perm.uid && ctx.process.creds.euid !== seg.perm.cuid) return -Errno.EPERM;
      const mode = cmd === SHM_LOCK ? seg.perm.mode | SHM_LOCKED : seg.perm.mode & ~SHM_LOCKED;
      ctx.emit({ type: 'SysvPermSet', kind: 'shm', id: shmid, uid: seg.perm.uid, gid: seg.perm.gid, mode, time: seg.ctime });
      return 0;
    }
    default:
      return -Errno.EINVAL;
  }
}
