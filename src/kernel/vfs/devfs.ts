// /dev: the devices every program expects, made by the kernel (never the host's nodes), the
// directory shm, where the kernel's tmpfs is mounted (vfs/tmpfs.ts), devpts at pts, and
// console when an OCI container has a terminal.
import type { PtyState } from '../state.js';
import { devptsLookup, ptyStat } from './devpts.js';
import { S_IFCHR, S_IFDIR, S_IFLNK, makedev, syntheticStat } from './file_stat.js';
import type { DevName, SyntheticEntry, VNode } from './vnode.js';

const DEVFS_DEV = 0x5;
const DEVICES: ReadonlyArray<[DevName, number, number]> = [
  // name, major, minor (as on Linux)
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
  // The controlling terminal: tsvisor's own, when it has one (syscalls/fs.ts).
  ['tty', 5, 0],
  // A new pseudo-terminal at each open (syscalls/pty.ts).
  ['ptmx', 5, 2],
];
const LINKS: ReadonlyArray<[string, string]> = [
  ['fd', '/proc/self/fd'],
  ['stdin', '/proc/self/fd/0'],
  ['stdout', '/proc/self/fd/1'],
  ['stderr', '/proc/self/fd/2'],
];

export function devfsLookup(rest: readonly string[], bootNs: bigint, ptys: ReadonlyMap<number, PtyState> | undefined): VNode | undefined {
  if (rest.length === 0) {
    return {
      fs: 'synthetic-dir',
      path: '/dev',
      stat: syntheticStat({ dev: DEVFS_DEV, ino: 1, mode: S_IFDIR | 0o755, nlink: 4 }, bootNs),
      entries: () => devfsEntries(ptys),
    };
  }
  if (rest[0] === 'pts') return devptsLookup(rest.slice(1), bootNs, ptys);
  if (rest.length > 1) return undefined;
  const name = rest[0]!;
  if (name === 'console') {
    // As runc's bind mount of the terminal's slave: the same device and attributes as /dev/pts/N.
    const pty = consolePty(ptys);
    return pty && { fs: 'pty', path: '/dev/console', stat: ptyStat(pty, bootNs), index: pty.index };
  }
  const di = DEVICES.findIndex(([n]) => n === name);
  if (di >= 0) {
    const [device, major, minor] = DEVICES[di]!;
    return {
      fs: 'dev',
      path: `/dev/${name}`,
      device,
      stat: syntheticStat({ dev: DEVFS_DEV, ino: 10 + di, mode: S_IFCHR | 0o666, rdev: makedev(major, minor) }, bootNs),
    };
  }
  const li = LINKS.findIndex(([n]) => n === name);
  if (li >= 0) {
    const target = LINKS[li]![1];
    return {
      fs: 'synthetic-link',
      path: `/dev/${name}`,
      target,
      stat: syntheticStat({ dev: DEVFS_DEV, ino: 30 + li, mode: S_IFLNK | 0o777, size: target.length }, bootNs),
    };
  }
  return undefined;
}

/** The directory /dev/shm is mounted on (the path walk finds the mount, vfs/tmpfs.ts). */
const SHM_INO = 50;
const PTS_INO = 51;
const DT_DIR = 4;

const DT_CHR = 2;

/** The container's terminal, while its master is open (none without a terminal, as under runc). */
function consolePty(ptys: ReadonlyMap<number, PtyState> | undefined): PtyState | undefined {
  return [...(ptys?.values() ?? [])].find((p) => p.console && p.masters > 0);
}

function devfsEntries(ptys: ReadonlyMap<number, PtyState> | undefined): SyntheticEntry[] {
  const console = consolePty(ptys);
  return [
    { name: 'shm', ino: SHM_INO, type: DT_DIR },
    { name: 'pts', ino: PTS_INO, type: DT_DIR },
    ...(console ? [{ name: 'console', ino: console.index + 3, type: DT_CHR }] : []),
    ...DEVICES.map(([name], i) => ({ name, ino: 10 + i, type: 2 })),
    ...LINKS.map(([name], i) => ({ name, ino: 30 + i, type: 10 })),
  ];
}
