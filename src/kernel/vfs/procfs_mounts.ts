// The sandbox's mount table as /proc/mounts and /proc/PID/mountinfo show it: the overlay root,
// the kernel's own filesystems, the tmpfs mounts and the --mount binds, in the order they were
// made, each as the reader names it from its root (chroot).
import fs from 'node:fs';

import { DEVPTS_POINT } from './devpts.js';
import { devMajor, devMinor, makedev } from './file_stat.js';
import { ST_NOATIME, ST_NODEV, ST_NODIRATIME, ST_NOEXEC, ST_NOSUID, ST_RDONLY, ST_RELATIME, ST_SYNCHRONOUS, ST_VALID } from '../abi/statfs_flags.js';
import type { BindMount } from './path_walk.js';
import { isWithinRoot, pathSeenFrom } from './process_root.js';
import { CGROUP_POINT } from './sysfs.js';
import { tmpfsMountFlags, tmpfsSuperOptions, type TmpfsMount } from './tmpfs_options.js';

/** What the mount table is made from. */
export interface MountTableContext {
  /** The kernel's tmpfs mounts (/dev/shm, --tmpfs) with their options. */
  tmpfs: readonly TmpfsMount[];
  /** The --mount binds: rw ones change the host, ro ones refuse changes, the others take them in the overlay. */
  binds: readonly BindMount[];
  /** The root refuses changes (OCI root.readonly): it, and the binds not writable, are read-only. */
  readonlyRoot: boolean;
  /** The reader's root directory. */
  root: string;
}

/** One mount: its point, id, parent's id, device, options, type and source. */
interface Mount {
  point: string;
  id: number;
  device: string;
  /** The per-mount options (ro/rw, nosuid, ...). */
  options: string;
  type: string;
  source: string;
  /** The filesystem's own options (mountinfo's last field; /proc/mounts shows them after the mount's). */
  superOptions: string;
}

/** The filesystem types of the host's directories a bind may show, by statfs magic. */
const HOST_FS_TYPES: ReadonlyMap<number, string> = new Map([
  [0xef53, 'ext4'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0x01021994, 'tmpfs'],
  [0x794c7630, 'overlay'],
  [0x6969, 'nfs'],
  [0x65735546, 'fuse'],
  [0x2fc12fc1, 'zfs'],
]);

/** A bind's device (as stat shows its files) and filesystem type, from the host directory. */
function hostMountFacts(host: string): { device: string; type: string } {
  try {
    const dev = fs.statSync(host, { bigint: true }).dev;
    return { device: `${devMajor(dev)}:${devMinor(dev)}`, type: HOST_FS_TYPES.get(fs.statfsSync(host).type) ?? 'none' };
  } catch {
    return { device: '0:0', type: 'none' };
  }
}

function sandboxMounts(c: MountTableContext): Mount[] {
  const root = c.readonlyRoot ? 'ro' : 'rw';
  const table: Mount[] = [
    { point: '/', id: 1, device: '0:1', options: `${root},relatime`, type: 'overlay', source: 'tsvisor', superOptions: root },
    { point: '/proc', id: 2, device: '0:22', options: 'rw,nosuid,nodev,noexec,relatime', type: 'proc', source: 'proc', superOptions: 'rw' },
    { point: '/dev', id: 3, device: '0:5', options: 'rw,nosuid,relatime', type: 'devtmpfs', source: 'devtmpfs', superOptions: 'rw,mode=755' },
    { point: DEVPTS_POINT, id: 4, device: '0:24', options: 'rw,nosuid,noexec,relatime', type: 'devpts', source: 'devpts', superOptions: 'rw,gid=5,mode=620,ptmxmode=000' },
    { point: '/sys', id: 5, device: '0:21', options: 'ro,nosuid,nodev,noexec,relatime', type: 'sysfs', source: 'sysfs', superOptions: 'ro' },
    { point: CGROUP_POINT, id: 6, device: '0:26', options: 'ro,nosuid,nodev,noexec,relatime', type: 'cgroup2', source: 'cgroup2', superOptions: 'ro' },
    // tmpfs i: mount id 10 + i on device 0:(0x40 + i) (vfs/tmpfs.ts tmpfsDev).
    ...c.tmpfs.map((t, i) => ({ point: t.path, id: 10 + i, device: `0:${0x40 + i}`, options: tmpfsMountFlags(t.options), type: 'tmpfs', source: t.source ?? 'tmpfs', superOptions: tmpfsSuperOptions(t.options) })),
  ];
  c.binds.forEach((b, i) => {
    const { device, type } = hostMountFacts(b.host);
    const access = b.ro || (c.readonlyRoot && !b.rw) ? 'ro' : 'rw';
    // The source is not the host path: the sandbox is not told where on the host its files are.
    table.push({ point: b.sandbox, id: 100 + i, device, options: `${access},relatime`, type, source: 'none', superOptions: access });
  });
  return table;
}

/** statfs's f_flags for a mount's options (ro, nosuid, relatime...): Linux sets ST_VALID always. */
const OPTION_FLAGS: ReadonlyMap<string, number> = new Map([
  ['ro', ST_RDONLY], ['nosuid', ST_NOSUID], ['nodev', ST_NODEV], ['noexec', ST_NOEXEC], ['sync', ST_SYNCHRONOUS],
  ['noatime', ST_NOATIME], ['nodiratime', ST_NODIRATIME], ['relatime', ST_RELATIME],
]);

/**
 * What statfs tells of the mount a sandbox path lies on (the last one made at or above it),
 * as the mount table shows it: its flags and its device (Linux's f_fsid of proc and devpts).
 */
export function mountOf(c: MountTableContext, path: string): { flags: number; device: number } {
  let found: Mount | undefined;
  for (const m of sandboxMounts(c)) if (isWithinRoot(m.point, path)) found = m;
  const m = found!; // the root mount holds every path
  const flags = m.options.split(',').reduce((f, o) => f | (OPTION_FLAGS.get(o) ?? 0), ST_VALID);
  const [major, minor] = m.device.split(':').map(Number);
  return { flags, device: makedev(major!, minor!) };
}

/** The id of the mount a mount point lies on: the last mount made above it. */
function parentId(table: readonly Mount[], m: Mount): number {
  let parent = 1;
  for (const other of table) {
    if (other === m) break;
    if (other.point !== m.point && isWithinRoot(other.point, m.point)) parent = other.id;
  }
  return parent;
}

/** The mounts the reader can reach from its root, as it names them (Linux skips the others). */
function reachable(c: MountTableContext): Array<{ m: Mount; at: string; parent: number }> {
  const table = sandboxMounts(c);
  return table.filter((m) => isWithinRoot(c.root, m.point)).map((m) => ({ m, at: pathSeenFrom(c.root, m.point), parent: parentId(table, m) }));
}

/** A source or path as the mount table writes it: space, tab, newline and backslash in octal (Linux's mangle), so a field stays one field. */
function mangle(text: string): string {
  return text.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** /proc/mounts. */
export function procMounts(c: MountTableContext): string {
  const line = (m: Mount, at: string): string => {
    const extra = m.superOptions.split(',').slice(1);
    return `${mangle(m.source)} ${mangle(at)} ${m.type} ${[m.options, ...extra].join(',')} 0 0`;
  };
  return [...reachable(c).map(({ m, at }) => line(m, at)), ''].join('\n');
}

/** /proc/PID/mountinfo. */
export function procMountinfo(c: MountTableContext): string {
  return [...reachable(c).map(({ m, at, parent }) => `${m.id} ${parent} ${m.device} / ${mangle(at)} ${m.options} - ${m.type} ${mangle(m.source)} ${m.superOptions}`), ''].join('\n');
}
