// lstat of host paths and fstat of host fds for the VFS (native/host_stat.cc): one native
// call filling a small array, read through getters, instead of fs.lstatSync's BigIntStats
// and, for a missing name, its exception. The path walk makes one per component it looks up.
import { timespecNsec, timespecSec } from '../kernel/abi/clocks.js';
import type { FileStat } from '../kernel/vfs/file_stat.js';
import { decodeBytes, hostPathArg } from '../byte_string.js';
import { hostFileArgOrErrno, isLongHostPath } from './host_file_path.js';
import { loadAddon } from './native_addon.js';

/** native/host_stat.h's HostStatSlot. */
const enum Slot {
  Dev, Ino, Nlink, Mode, Uid, Gid, Rdev, Size, Blksize, Blocks,
  AtimeSec, AtimeNsec, MtimeSec, MtimeNsec, CtimeSec, CtimeNsec, BirthtimeSec, BirthtimeNsec, Count,
}

const NS = 1_000_000_000n;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

class HostStat implements FileStat {
  private readonly type: number;
  constructor(private readonly raw: BigInt64Array) {
    this.type = Number(raw[Slot.Mode]!) & S_IFMT;
  }
  get dev(): bigint { return this.raw[Slot.Dev]!; }
  get ino(): bigint { return BigInt.asUintN(64, this.raw[Slot.Ino]!); }
  get nlink(): bigint { return this.raw[Slot.Nlink]!; }
  get mode(): bigint { return this.raw[Slot.Mode]!; }
  get uid(): bigint { return this.raw[Slot.Uid]!; }
  get gid(): bigint { return this.raw[Slot.Gid]!; }
  get rdev(): bigint { return this.raw[Slot.Rdev]!; }
  get size(): bigint { return this.raw[Slot.Size]!; }
  get blksize(): bigint { return this.raw[Slot.Blksize]!; }
  get blocks(): bigint { return this.raw[Slot.Blocks]!; }
  get atimeNs(): bigint { return this.timeNs(Slot.AtimeSec); }
  get mtimeNs(): bigint { return this.timeNs(Slot.MtimeSec); }
  get ctimeNs(): bigint { return this.timeNs(Slot.CtimeSec); }
  get birthtimeNs(): bigint { return this.timeNs(Slot.BirthtimeSec); }
  /** A time from its seconds slot and the nanoseconds slot after it. */
  private timeNs(sec: Slot): bigint { return this.raw[sec]! * NS + this.raw[sec + 1]!; }
  isDirectory(): boolean { return this.type === S_IFDIR; }
  isFile(): boolean { return this.type === S_IFREG; }
  isSymbolicLink(): boolean { return this.type === S_IFLNK; }
  isCharacterDevice(): boolean { return this.type === S_IFCHR; }
}

/**
 * How many stats share one buffer. A stat's 144 bytes are more than V8 keeps in its heap (64),
 * so an array of its own was a new ArrayBuffer per lookup (a call into V8's C++ and an
 * allocation outside the heap); views of a shared one are not. A stat kept alive keeps its
 * slab (9 KiB) alive, as a small Buffer keeps Node's pool.
 */
const SLAB_STATS = 64;
let slab: BigInt64Array | undefined;
let slabUsed = 0;

/** count free slots of the slab, in one view (taken by the caller advancing slabUsed). */
function freeSlots(count: number): BigInt64Array {
  if (!slab || slabUsed + Slot.Count * count > slab.length) {
    slab = new BigInt64Array(Slot.Count * SLAB_STATS);
    slabUsed = 0;
  }
  return slab.subarray(slabUsed, slabUsed + Slot.Count * count);
}

/** The host's lstat of hostPath, or -errno. */
export function hostLstat(hostPath: string): FileStat | number {
  const arg = hostFileArgOrErrno(hostPath);
  if (typeof arg === 'number') return arg;
  const raw = freeSlots(1);
  const r = loadAddon().hostLstat(arg, raw);
  if (r !== 0) return r; // nothing kept: the slot is used again
  slabUsed += Slot.Count;
  return new HostStat(raw);
}

/** The host's fstat of an open host fd, or -errno (without a BigIntStats of node's fs). */
export function hostFstat(fd: number): FileStat | number {
  const raw = freeSlots(1);
  const r = loadAddon().hostFstat(fd, raw);
  if (r !== 0) return r;
  slabUsed += Slot.Count;
  return new HostStat(raw);
}

/** Room for a symlink's target: Linux's targets are shorter than PATH_MAX. */
const LINK_BUFFER = new Uint8Array(4096);

/** The target of the host symlink at hostPath (its bytes as a string), or -errno. */
export function hostReadlink(hostPath: string): string | number {
  const arg = hostFileArgOrErrno(hostPath);
  if (typeof arg === 'number') return arg;
  const n = loadAddon().hostReadlink(arg, LINK_BUFFER);
  return n < 0 ? n : decodeBytes(LINK_BUFFER.subarray(0, n));
}

/** What hostLstatWalk found along a run of names. */
export interface HostWalk {
  /** How many of the names, from the first, are directories. */
  dirs: number;
  /** The lstat of the last of them (undefined when dirs is 0). */
  dir: FileStat | undefined;
  /** When not all are directories: the lstat of the first that is not, or -errno. */
  stopped: FileStat | number | undefined;
}

/**
 * The lstat of each path that ends at one of hostPath's last `count` components, shortest
 * first, in one native call, as long as they are directories; undefined when hostPath does
 * not end in that many components.
 */
export function hostLstatWalk(hostPath: string, count: number): HostWalk | undefined {
  // The paths it would look up end in hostPath: past PATH_MAX the walk goes name by name.
  if (isLongHostPath(hostPath)) return undefined;
  const raw = freeSlots(2);
  const dirs = loadAddon().hostLstatWalk(hostPathArg(hostPath), count, raw);
  if (dirs < 0) return undefined;
  slabUsed += 2 * Slot.Count;
  const dir = dirs > 0 ? new HostStat(raw.subarray(0, Slot.Count)) : undefined;
  if (dirs === count) return { dirs, dir, stopped: undefined };
  const mode = raw[Slot.Count + Slot.Mode]!;
  return { dirs, dir, stopped: mode < 0n ? Number(mode) : new HostStat(raw.subarray(Slot.Count)) };
}

/** A time to set: ns since the epoch, the host's current time, or unchanged. */
export type HostTime = bigint | 'now' | 'omit';

const UTIME_NOW = (1n << 30n) - 1n;
const UTIME_OMIT = (1n << 30n) - 2n;

/**
 * Sets a host file's access and modification times, to the nanosecond: 0 or -errno. 'now' is
 * the host's UTIME_NOW, so that the times it sets equal the ctime it sets with them.
 */
export function hostUtimens(hostPath: string | Buffer, atime: HostTime, mtime: HostTime): number {
  const times = new BigInt64Array(4);
  [atime, mtime].forEach((t, i) => {
    if (t === 'now' || t === 'omit') {
      times[i * 2 + 1] = t === 'now' ? UTIME_NOW : UTIME_OMIT;
      return;
    }
    times[i * 2] = timespecSec(t);
    times[i * 2 + 1] = timespecNsec(t);
  });
  return loadAddon().hostUtimens(hostPath, times);
}
