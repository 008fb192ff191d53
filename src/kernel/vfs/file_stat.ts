// The attributes of a file, as a host lstat gives them (node's BigIntStats) or as a
// synthetic filesystem (devfs, procfs) makes them up.
import type fs from 'node:fs';
import type { Acl } from './posix_acl.js';

export type FileStat = Pick<
  fs.BigIntStats,
  | 'dev' | 'ino' | 'nlink' | 'mode' | 'uid' | 'gid' | 'rdev' | 'size' | 'blksize' | 'blocks'
  | 'atimeNs' | 'mtimeNs' | 'ctimeNs' | 'birthtimeNs'
  | 'isDirectory' | 'isFile' | 'isSymbolicLink' | 'isCharacterDevice'
> & {
  /** The access ACL the permission checks consult (files of the overlay and tmpfs; absent: the mode alone). */
  readonly acl?: Acl | undefined;
  /** The inode flags (FS_*_FL) of a file of the overlay or a tmpfs; absent: a file that has none to keep (host, synthetic). */
  readonly inodeFlags?: number;
};

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFBLK = 0o060000;
export const S_IFSOCK = 0o140000;
// The mode's set-ID and sticky bits, and group execute (which a set-group-ID bit needs to count).
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
export const S_IXGRP = 0o010;

/** A device number as the kernel encodes dev_t (12 bits of major, 20 of minor). */
export function makedev(major: number, minor: number): number {
  return ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
}

/** The major number of a dev_t (glibc's gnu_dev_major: 12 bits at 8, the rest from bit 32). */
export function devMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}

/** The minor number of a dev_t (8 bits at 0, the rest from bit 12). */
export function devMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}

/** A made-up stat for a synthetic file; times are the sandbox's boot time. */
export function syntheticStat(fields: { dev: number; ino: number; mode: number; rdev?: number; size?: number; nlink?: number; uid?: number; gid?: number }, timeNs: bigint): FileStat {
  const type = fields.mode & S_IFMT;
  return {
    dev: BigInt(fields.dev),
    ino: BigInt(fields.ino),
    nlink: BigInt(fields.nlink ?? 1),
    mode: BigInt(fields.mode),
    uid: BigInt(fields.uid ?? 0),
    gid: BigInt(fields.gid ?? 0),
    rdev: BigInt(fields.rdev ?? 0),
    size: BigInt(fields.size ?? 0),
    blksize: 4096n,
    blocks: 0n,
    atimeNs: timeNs,
    mtimeNs: timeNs,
    ctimeNs: timeNs,
    birthtimeNs: timeNs,
    isDirectory: () => type === S_IFDIR,
    isFile: () => type === S_IFREG,
    isSymbolicLink: () => type === S_IFLNK,
    isCharacterDevice: () => type === S_IFCHR,
  };
}
