// /dev/pts: the devpts filesystem. Its ptmx, and a character device N for each pty whose
// master is open (mode 0620, owned by whoever opened the master, group tty), as Linux shows them.
import type { PtyState } from '../state.js';
import { S_IFCHR, S_IFDIR, makedev, syntheticStat, type FileStat } from './file_stat.js';
import type { SyntheticEntry, VNode } from './vnode.js';

const DEVPTS_DEV = 0x18;
const PTY_SLAVE_MAJOR = 136;
const TTYAUX_MAJOR = 5;
const PTMX_MINOR = 2;
/** The tty group, as the usual mount option gid=5 gives every pty. */
const TTY_GID = 5;
const DT_CHR = 2;
const ROOT_INO = 1;
const PTMX_INO = 2;

/** Where it is mounted. */
export const DEVPTS_POINT = '/dev/pts';

/** The device number of the slave of pty index (what tty_nr shows). */
export function ptyDevice(index: number): number {
  return makedev(PTY_SLAVE_MAJOR, index);
}

/** The attributes of /dev/pts/INDEX. */
export function ptyStat(pty: PtyState, bootNs: bigint): FileStat {
  const stat = syntheticStat({ dev: DEVPTS_DEV, ino: pty.index + 3, mode: S_IFCHR | 0o620, rdev: ptyDevice(pty.index) }, bootNs);
  return { ...stat, uid: BigInt(pty.uid), gid: BigInt(TTY_GID) };
}

/** A pty's slave exists in /dev/pts while its master is open. */
function listed(ptys: ReadonlyMap<number, PtyState> | undefined): PtyState[] {
  return [...(ptys?.values() ?? [])].filter((p) => p.masters > 0).sort((a, b) => a.index - b.index);
}

/** /dev/pts and what is in it; rest: the components below /dev/pts. */
export function devptsLookup(rest: readonly string[], bootNs: bigint, ptys: ReadonlyMap<number, PtyState> | undefined): VNode | undefined {
  if (rest.length === 0) {
    return {
      fs: 'synthetic-dir',
      path: '/dev/pts',
      stat: syntheticStat({ dev: DEVPTS_DEV, ino: ROOT_INO, mode: S_IFDIR | 0o755, nlink: 2 }, bootNs),
      entries: (): SyntheticEntry[] => [
        { name: 'ptmx', ino: PTMX_INO, type: DT_CHR },
        ...listed(ptys).map((p) => ({ name: String(p.index), ino: p.index + 3, type: DT_CHR })),
      ],
    };
  }
  if (rest.length > 1) return undefined;
  const name = rest[0]!;
  if (name === 'ptmx') {
    return {
      fs: 'dev',
      path: '/dev/pts/ptmx',
      device: 'ptmx',
      stat: syntheticStat({ dev: DEVPTS_DEV, ino: PTMX_INO, mode: S_IFCHR, rdev: makedev(TTYAUX_MAJOR, PTMX_MINOR) }, bootNs),
    };
  }
  if (!/^(0|[1-9][0-9]{0,8})$/.test(name)) return undefined;
  const pty = ptys?.get(Number(name));
  if (!pty || pty.masters === 0) return undefined;
  return { fs: 'pty', path: `/dev/pts/${name}`, stat: ptyStat(pty, bootNs), index: pty.index };
}
