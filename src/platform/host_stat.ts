// lstat of host paths for the VFS (native/host_stat.cc): one native call filling a small
// array, read through getters, instead of fs.lstatSync's BigIntStats and, for a missing
// name, its exception. The path walk makes one per component it looks up.
import type { FileStat } from '../kernel/vfs/file_stat.js';
import { hostPathArg } from '../byte_string.js';
import { loadAddon } from './native_addon.js';

/** native/host_stat.h's HostStatSlot. */
const enum Slot {
  Dev, Ino, Nlink, Mode, Uid, Gid, Rdev, Size, Blksize, Blocks, AtimeNs, MtimeNs, CtimeNs, BirthtimeNs, Count,
}

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
  get atimeNs(): bigint { return this.raw[Slot.AtimeNs]!; }
  get mtimeNs(): bigint { return this.raw[Slot.MtimeNs]!; }
  get ctimeNs(): bigint { return this.raw[Slot.CtimeNs]!; }
  get birthtimeNs(): bigint { return this.raw[Slot.BirthtimeNs]!; }
  isDirectory(): boolean { return this.type === S_IFDIR; }
  isFile(): boolean { return this.type === S_IFREG; }
  isSymbolicLink(): boolean { return this.type === S_IFLNK; }
  isCharacterDevice(): boolean { return this.type === S_IFCHR; }
}

/**
 * How many stats share one buffer. A stat's 112 bytes are more than V8 keeps in its heap (64),
 * so an array of its own was a new ArrayBuffer per lookup (a call into V8's C++ and an
 * allocation outside the heap); views of a shared one are not. A stat kept alive keeps its
 * slab (7 KiB) alive, as a small Buffer keeps Node's pool.
 */
const SLAB_STATS = 64;
let slab: BigInt64Array | undefined;
let slabUsed = 0;

/** A free slot of the slab (taken by the caller advancing slabUsed). */
function freeSlot(): BigInt64Array {
  if (!slab || slabUsed === slab.length) {
    slab = new BigInt64Array(Slot.Count * SLAB_STATS);
    slabUsed = 0;
  }
  return slab.subarray(slabUsed, slabUsed + Slot.Count);
}

/** The host's lstat of hostPath, or -errno. */
export function hostLstat(hostPath: string): FileStat | number {
  const raw = freeSlot();
  const r = loadAddon().hostLstat(hostPathArg(hostPath), raw);
  if (r !== 0) return r; // nothing kept: the slot is used again
  slabUsed += Slot.Count;
  return new HostStat(raw);
}

/**
 * The lstat of the paths that end at hostPath's last `count` components, shortest first, in
 * one native call, up to the first that cannot be looked up or is not a directory: how many
 * were directories, and the lstat of the last of them (undefined: not even the first).
 */
export function hostLstatDirs(hostPath: string, count: number): { count: number; stat: FileStat } | undefined {
  const raw = freeSlot();
  const found = loadAddon().hostLstatDirs(hostPathArg(hostPath), count, raw);
  if (found === 0) return undefined;
  slabUsed += Slot.Count;
  return { count: found, stat: new HostStat(raw) };
}
