// /proc/locks: the sandbox's advisory locks (fd/file_locks.ts) as Linux lists them, for
// lslocks and the like: one line per lock, its kind, type, holder, inode and range.
import { F_WRLCK, LOCK_TO_END } from '../fd/file_locks.js';
import type { FileLock } from '../state.js';
import { devMajor, devMinor } from './file_stat.js';
import type { ProcContext } from './procfs_content.js';

/** Linux's columns: "POSIX " / "FLOCK " / "OFDLCK", padded to one width with what follows. */
const KIND_COLUMN: Readonly<Record<FileLock['kind'], string>> = {
  posix: 'POSIX  ADVISORY  ',
  flock: 'FLOCK  ADVISORY  ',
  ofd: 'OFDLCK ADVISORY  ',
};

/** The holder's pid: a POSIX lock's process; a flock lock's taker (gone or not); an OFD lock has none (-1). */
function holderPid(lock: FileLock): number {
  const [what, id] = lock.owner.split(':');
  if (what === 'pid') return Number(id);
  return lock.kind === 'flock' ? (lock.pid ?? -1) : -1;
}

/** A "dev:ino" lock key (dev as the kernel encodes dev_t) as /proc/locks writes it: major:minor:ino in hex, hex, decimal. */
function inodeColumn(key: string): string {
  const [devText, ino] = key.split(':');
  const dev = BigInt(devText ?? '0');
  const hex = (v: number): string => v.toString(16).padStart(2, '0');
  return `${hex(devMajor(dev))}:${hex(devMinor(dev))}:${ino}`;
}

export function procLocks(c: ProcContext): string {
  const lines: string[] = [];
  for (const [inode, locks] of c.state.locks ?? []) {
    for (const lock of locks) {
      const type = lock.type === F_WRLCK ? 'WRITE ' : 'READ ';
      // A flock lock is on the whole file: Linux shows "0 EOF" whatever its range.
      const range = lock.kind === 'flock' ? '0 EOF' : `${lock.start} ${lock.end === LOCK_TO_END ? 'EOF' : lock.end}`;
      lines.push(`${lines.length + 1}: ${KIND_COLUMN[lock.kind]}${type}${holderPid(lock)} ${inodeColumn(inode)} ${range}`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
