// A tmpfs mount's options, as mount(8) and Docker's --tmpfs take them ("size=64m,noexec,mode=755")
// and as Linux applies and shows them: the filesystem's own (size=, nr_blocks=, nr_inodes=,
// mode=, uid=, gid=) and the mount's flags (ro, nosuid, nodev, noexec, the atime ones).
import os from 'node:os';

import { ST_NOATIME, ST_NODEV, ST_NODIRATIME, ST_NOEXEC, ST_NOSUID, ST_RDONLY, ST_RELATIME, ST_SYNCHRONOUS } from '../abi/statfs_flags.js';
import { BASE_ZERO_DIGITS, baseZeroValue } from '../abi/base_zero_number.js';
import { S_IFDIR } from './file_stat.js';

const PAGE = 4096;

export interface TmpfsOptions {
  /** The pages the mount may hold (size=, nr_blocks=; 0: no limit); absent: Linux's default, half of RAM. */
  maxPages?: number;
  /** The inodes it may hold (nr_inodes=; 0: no limit); absent: Linux's default, half of RAM's pages. */
  maxInodes?: number;
  /** Its root directory's permission bits, owner and group. */
  mode: number;
  uid: number;
  gid: number;
  readonly: boolean;
  nosuid: boolean;
  nodev: boolean;
  noexec: boolean;
  /** How access times are kept, as the mount table lists it. */
  atime: 'relatime' | 'noatime' | 'strictatime';
  nodiratime: boolean;
  /** sync: listed, nothing to do (the files live in memory). */
  sync: boolean;
}

/** A tmpfs mount: where, and how. */
export interface TmpfsMount {
  path: string;
  options: TmpfsOptions;
  /** The source the mount table shows (an OCI mount's "source", Docker's "shm"); absent: "tmpfs". */
  source?: string;
}

/** What `mount -t tmpfs` makes without options. */
export const LINUX_TMPFS_DEFAULTS: TmpfsOptions = Object.freeze({
  mode: 0o1777, uid: 0, gid: 0, readonly: false, nosuid: false, nodev: false, noexec: false, atime: 'relatime', nodiratime: false, sync: false,
});

/** The kernel's /dev/shm, and a `run --tmpfs PATH` without options: nosuid and nodev, as distributions mount /dev/shm. */
export const KERNEL_TMPFS_DEFAULTS: TmpfsOptions = Object.freeze({ ...LINUX_TMPFS_DEFAULTS, nosuid: true, nodev: true });

let ramPagesSeen: number | undefined;

/** The host's RAM in pages (Linux's totalram_pages), read once (a write's limit check must not ask the host). */
function ramPages(): number {
  return (ramPagesSeen ??= Math.floor(os.totalmem() / PAGE));
}

/** Linux's default size and inode count of a tmpfs: half of RAM, in pages. */
export function defaultTmpfsPages(): number {
  return Math.floor(ramPages() / 2);
}

/** The limits in force (absent options: the defaults); 0: no limit. */
export function tmpfsLimits(o: TmpfsOptions): { pages: number; inodes: number } {
  return { pages: o.maxPages ?? defaultTmpfsPages(), inodes: o.maxInodes ?? defaultTmpfsPages() };
}

export class TmpfsOptionError extends Error {}

const MEMPARSE = new RegExp(`^(${BASE_ZERO_DIGITS})([kKmMgGtTpPeE]?)(.*)$`);

/** A number as Linux's memparse reads it: base 0 (0x hex, 0 octal), then an optional K/M/G/T/P/E suffix. */
function memparse(text: string, option: string): { value: number; rest: string } {
  const m = MEMPARSE.exec(text);
  if (!m) throw new TmpfsOptionError(`${option}=${text}: not a number`);
  let value = baseZeroValue(m[1]!);
  const shift = ' KMGTPE'.indexOf(m[2]!.toUpperCase());
  if (shift > 0) value *= 2 ** (10 * shift);
  if (!Number.isSafeInteger(value)) throw new TmpfsOptionError(`${option}=${text}: too large`);
  return { value, rest: m[3]! };
}

function decimalId(text: string, option: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) > 0xfffffffe) throw new TmpfsOptionError(`${option}=${text}: not a user or group id`);
  return Number(text);
}

/** Options that change nothing here: defaults, and propagation (the sandbox has no mount namespace to propagate to). */
const WITHOUT_EFFECT = new Set(['defaults', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable']);

/**
 * Applies a list of options, left to right, to base (a later option wins, as with mount(8)).
 * Unknown or malformed options are a TmpfsOptionError (Linux's mount fails with EINVAL).
 */
export function applyTmpfsOptions(base: TmpfsOptions, options: readonly string[]): TmpfsOptions {
  const o: TmpfsOptions = { ...base };
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? undefined : option.slice(eq + 1);
    if (value === undefined) {
      switch (key) {
        case 'ro': o.readonly = true; continue;
        case 'rw': o.readonly = false; continue;
        case 'nosuid': o.nosuid = true; continue;
        case 'suid': o.nosuid = false; continue;
        case 'nodev': o.nodev = true; continue;
        case 'dev': o.nodev = false; continue;
        case 'noexec': o.noexec = true; continue;
        case 'exec': o.noexec = false; continue;
        case 'relatime': o.atime = 'relatime'; continue;
        case 'noatime': o.atime = 'noatime'; continue;
        case 'strictatime': o.atime = 'strictatime'; continue;
        case 'atime': if (o.atime === 'noatime') o.atime = 'relatime'; continue;
        case 'nodiratime': o.nodiratime = true; continue;
        case 'diratime': o.nodiratime = false; continue;
        case 'sync': o.sync = true; continue;
        case 'async': o.sync = false; continue;
        case '': continue;
        default:
          if (WITHOUT_EFFECT.has(key)) continue;
          throw new TmpfsOptionError(`${key}: not a tmpfs option tsvisor supports`);
      }
    }
    switch (key) {
      case 'size': {
        const { value: n, rest } = memparse(value, key);
        let bytes = n;
        if (rest === '%') bytes = (n * PAGE * ramPages()) / 100;
        else if (rest !== '') throw new TmpfsOptionError(`size=${value}: not a size`);
        o.maxPages = Math.ceil(bytes / PAGE);
        continue;
      }
      case 'nr_blocks': {
        const { value: n, rest } = memparse(value, key);
        if (rest !== '') throw new TmpfsOptionError(`nr_blocks=${value}: not a number of blocks`);
        o.maxPages = n;
        continue;
      }
      case 'nr_inodes': {
        const { value: n, rest } = memparse(value, key);
        if (rest !== '') throw new TmpfsOptionError(`nr_inodes=${value}: not a number of inodes`);
        o.maxInodes = n;
        continue;
      }
      case 'mode':
        if (!/^[0-7]+$/.test(value)) throw new TmpfsOptionError(`mode=${value}: not an octal mode`);
        o.mode = parseInt(value, 8) & 0o7777;
        continue;
      case 'uid':
        o.uid = decimalId(value, key);
        continue;
      case 'gid':
        o.gid = decimalId(value, key);
        continue;
      default:
        throw new TmpfsOptionError(`${key}=${value}: not a tmpfs option tsvisor supports`);
    }
  }
  return o;
}

/** A comma-separated option string (Docker's --tmpfs PATH:OPTIONS). */
export function parseTmpfsOptionString(base: TmpfsOptions, text: string): TmpfsOptions {
  return applyTmpfsOptions(base, text.length === 0 ? [] : text.split(','));
}

/** The flags that say what the mount lets a program do, as mount(8) spells them: "rw,nosuid,nodev,noexec". */
function accessFlags(o: TmpfsOptions): string[] {
  return [o.readonly ? 'ro' : 'rw', ...(o.nosuid ? ['nosuid'] : []), ...(o.nodev ? ['nodev'] : []), ...(o.noexec ? ['noexec'] : [])];
}

/**
 * The options as a string that applyTmpfsOptions turns back into them from LINUX_TMPFS_DEFAULTS
 * (a trace's header and a checkpoint keep it: the same mount is made again on another host).
 */
export function tmpfsOptionString(o: TmpfsOptions): string {
  return [
    ...accessFlags(o),
    o.atime,
    ...(o.nodiratime ? ['nodiratime'] : []),
    ...(o.sync ? ['sync'] : []),
    ...(o.maxPages === undefined ? [] : [`nr_blocks=${o.maxPages}`]),
    ...(o.maxInodes === undefined ? [] : [`nr_inodes=${o.maxInodes}`]),
    `mode=${o.mode.toString(8)}`,
    `uid=${o.uid}`,
    `gid=${o.gid}`,
  ].join(',');
}

/** The mount's own options as /proc/mounts and mountinfo list them: "rw,nosuid,nodev,noexec,relatime". */
export function tmpfsMountFlags(o: TmpfsOptions): string {
  return [
    ...accessFlags(o),
    ...(o.atime === 'noatime' ? ['noatime'] : []),
    ...(o.nodiratime ? ['nodiratime'] : []),
    ...(o.atime === 'relatime' ? ['relatime'] : []),
  ].join(',');
}

/** The filesystem's options as mountinfo's last field lists them: "rw,size=65536k,mode=755" (what differs from the defaults). */
export function tmpfsSuperOptions(o: TmpfsOptions): string {
  const parts = [o.readonly ? 'ro' : 'rw', ...(o.sync ? ['sync'] : [])];
  if (o.maxPages !== undefined && o.maxPages !== defaultTmpfsPages()) parts.push(`size=${o.maxPages * (PAGE / 1024)}k`);
  if (o.maxInodes !== undefined && o.maxInodes !== defaultTmpfsPages()) parts.push(`nr_inodes=${o.maxInodes}`);
  if (o.mode !== 0o1777) parts.push(`mode=${o.mode.toString(8).padStart(3, '0')}`);
  if (o.uid !== 0) parts.push(`uid=${o.uid}`);
  if (o.gid !== 0) parts.push(`gid=${o.gid}`);
  return parts.join(',');
}

/** statfs's f_flags for the mount. */
export function tmpfsStatfsFlags(o: TmpfsOptions): number {
  return (o.readonly ? ST_RDONLY : 0) | (o.nosuid ? ST_NOSUID : 0) | (o.nodev ? ST_NODEV : 0) | (o.noexec ? ST_NOEXEC : 0)
    | (o.sync ? ST_SYNCHRONOUS : 0) | (o.atime === 'noatime' ? ST_NOATIME : 0) | (o.nodiratime ? ST_NODIRATIME : 0) | (o.atime === 'relatime' ? ST_RELATIME : 0);
}

/** The root directory's st_mode. */
export function tmpfsRootMode(o: TmpfsOptions): number {
  return S_IFDIR | o.mode;
}
