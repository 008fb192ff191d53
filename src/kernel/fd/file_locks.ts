// Advisory file locks as Linux keeps them, per inode: flock(2) locks (whole file, owned by an
// open file description), POSIX record locks (byte ranges, owned by a process) and OFD record
// locks (byte ranges, owned by an open file description). flock locks and record locks never
// conflict with each other; POSIX and OFD record locks do. This file is the model: who
// conflicts with whom, and how a lock or an unlock of a range changes an owner's ranges.
// Owners are "pid:N" (POSIX) or "file:N" (flock, OFD).
import type { FileLock, KernelState } from '../state.js';

export const F_RDLCK = 0;
export const F_WRLCK = 1;
export const F_UNLCK = 2;
/** The end of a lock that runs to the end of the file and beyond (l_len 0). */
export const LOCK_TO_END = Number.MAX_SAFE_INTEGER;

export type LockKind = FileLock['kind'];

export function processOwner(pid: number): string {
  return `pid:${pid}`;
}

export function fileOwner(fileId: number): string {
  return `file:${fileId}`;
}

function isRecord(kind: LockKind): boolean {
  return kind !== 'flock';
}

/** The first lock held by someone else that keeps `want` from being taken. */
export function conflictingLock(state: KernelState, inode: string, want: Omit<FileLock, 'owner'> & { owner: string }): FileLock | undefined {
  for (const held of state.locks?.get(inode) ?? []) {
    if (held.owner === want.owner || isRecord(held.kind) !== isRecord(want.kind)) continue;
    if (held.type !== F_WRLCK && want.type !== F_WRLCK) continue;
    if (held.start <= want.end && want.start <= held.end) return held;
  }
  return undefined;
}

/** The owner's locks of one family on the inode, less the range [start, end]. */
function cut(locks: FileLock[], owner: string, kind: LockKind, start: number, end: number): FileLock[] {
  const out: FileLock[] = [];
  for (const l of locks) {
    if (l.owner !== owner || isRecord(l.kind) !== isRecord(kind) || l.end < start || l.start > end) {
      out.push(l);
      continue;
    }
    if (l.start < start) out.push({ ...l, end: start - 1 });
    if (l.end > end) out.push({ ...l, start: end + 1 });
  }
  return out;
}

/**
 * Sets (or, with F_UNLCK, clears) the owner's lock on [start, end]: what was there in that
 * range goes, and neighbouring ranges of the same type merge, as Linux does.
 */
export function applyLock(state: KernelState, inode: string, kind: LockKind, owner: string, type: number, start: number, end: number, pid?: number): void {
  const locks = state.locks ?? (state.locks = new Map());
  let list = cut(locks.get(inode) ?? [], owner, kind, start, end);
  if (type !== F_UNLCK) {
    let merged: FileLock = { kind, owner, type, start, end, ...(pid !== undefined ? { pid } : {}) };
    const rest: FileLock[] = [];
    for (const l of list) {
      const touches = l.owner === owner && l.kind === kind && l.type === type && l.start <= merged.end + 1 && merged.start <= l.end + 1;
      if (touches) merged = { ...merged, start: Math.min(merged.start, l.start), end: Math.max(merged.end, l.end) };
      else rest.push(l);
    }
    list = [...rest, merged];
  }
  list = inLinuxOrder(locks.get(inode) ?? [], list, owner, kind);
  if (list.length > 0) locks.set(inode, list);
  else locks.delete(inode);
}

/**
 * Linux's order of an inode's record locks, which decides the conflict F_GETLK reports: an
 * owner's locks sit together, sorted by start, where its first lock was placed (at the end of
 * the list, when it had none).
 */
function inLinuxOrder(before: readonly FileLock[], after: FileLock[], owner: string, kind: LockKind): FileLock[] {
  const mine = (l: FileLock) => l.owner === owner && isRecord(l.kind) === isRecord(kind);
  const own = after.filter(mine).sort((a, b) => a.start - b.start);
  const others = after.filter((l) => !mine(l));
  const first = before.findIndex(mine);
  const at = first < 0 ? others.length : before.slice(0, first).filter((l) => !mine(l)).length;
  return [...others.slice(0, at), ...own, ...others.slice(at)];
}

/** Drops every lock of an owner (on one inode, or on all). */
export function releaseLocks(state: KernelState, owner: string, inode?: string): void {
  if (!state.locks) return;
  for (const [key, list] of state.locks) {
    if (inode !== undefined && key !== inode) continue;
    const kept = list.filter((l) => l.owner !== owner);
    if (kept.length > 0) state.locks.set(key, kept);
    else state.locks.delete(key);
  }
}

export function holdsLocks(state: KernelState, owner: string): boolean {
  for (const list of state.locks?.values() ?? []) if (list.some((l) => l.owner === owner)) return true;
  return false;
}
