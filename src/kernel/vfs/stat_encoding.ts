// struct stat and struct statx as the x86-64 kernel lays them out, from a host stat.
import { timespecNsec, timespecSec } from '../abi/clocks.js';
import { devMajor, devMinor, type FileStat } from './file_stat.js';
import { STATX_ATTRS_TMPFS, statxAttributes } from './inode_flags.js';

export const STAT_SIZE = 144;
export const STATX_SIZE = 256;

const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;

/**
 * n zero bytes from Node's pool: a typed array of its own over 64 bytes is an ArrayBuffer made
 * outside V8's heap by a C++ builtin (one per stat call).
 */
function zeroed(n: number): Uint8Array {
  return Buffer.allocUnsafe(n).fill(0);
}


export function encodeStat(st: FileStat): Uint8Array {
  const buf = zeroed(STAT_SIZE);
  const v = new DataView(buf.buffer, buf.byteOffset, STAT_SIZE);
  v.setBigUint64(0, st.dev, true);
  v.setBigUint64(8, st.ino, true);
  v.setBigUint64(16, st.nlink, true);
  v.setUint32(24, Number(st.mode), true);
  v.setUint32(28, Number(st.uid), true);
  v.setUint32(32, Number(st.gid), true);
  v.setBigUint64(40, st.rdev, true);
  v.setBigInt64(48, st.size, true);
  v.setBigInt64(56, st.blksize, true);
  v.setBigInt64(64, st.blocks, true);
  const times = [st.atimeNs, st.mtimeNs, st.ctimeNs];
  times.forEach((ns, i) => {
    v.setBigInt64(72 + i * 16, timespecSec(ns), true);
    v.setBigInt64(80 + i * 16, timespecNsec(ns), true);
  });
  return buf;
}

export function encodeStatx(st: FileStat): Uint8Array {
  const buf = zeroed(STATX_SIZE);
  const v = new DataView(buf.buffer, buf.byteOffset, STATX_SIZE);
  v.setUint32(0, STATX_BASIC_STATS | STATX_BTIME, true);
  v.setUint32(4, Number(st.blksize), true);
  // stx_attributes and stx_attributes_mask: those of the inode flags, for the files that keep them (tmpfs's three).
  const flags = st.inodeFlags;
  if (flags !== undefined) {
    v.setBigUint64(8, BigInt(statxAttributes(flags)), true);
    v.setBigUint64(56, BigInt(STATX_ATTRS_TMPFS), true);
  }
  v.setUint32(16, Number(st.nlink), true);
  v.setUint32(20, Number(st.uid), true);
  v.setUint32(24, Number(st.gid), true);
  v.setUint16(28, Number(st.mode), true);
  v.setBigUint64(32, st.ino, true);
  v.setBigUint64(40, BigInt.asUintN(64, st.size), true);
  v.setBigUint64(48, BigInt.asUintN(64, st.blocks), true);
  const times: Array<[number, bigint]> = [
    [64, st.atimeNs],
    [80, st.birthtimeNs],
    [96, st.ctimeNs],
    [112, st.mtimeNs],
  ];
  for (const [at, ns] of times) {
    v.setBigInt64(at, timespecSec(ns), true);
    v.setUint32(at + 8, Number(timespecNsec(ns)), true);
  }
  v.setUint32(128, devMajor(st.rdev), true);
  v.setUint32(132, devMinor(st.rdev), true);
  v.setUint32(136, devMajor(st.dev), true);
  v.setUint32(140, devMinor(st.dev), true);
  return buf;
}
