// flock(2) and fcntl's record locks (F_GETLK/F_SETLK/F_SETLKW and the OFD variants), advisory
// and within the sandbox (the host's locks on its files are neither seen nor taken). The model
// is fd/file_locks.ts; this file reads the program's requests, checks them as Linux does,
// waits for conflicting locks to go, and releases a process's POSIX locks on an inode when it
// closes any fd of that inode (Kernel.closeFds calls releaseOnClose).
import { Errno } from '../errno.js';
import { lookupFd, type FdLookup } from '../fd/fd_table.js';
import {
  F_RDLCK, F_UNLCK, F_WRLCK, LOCK_TO_END, conflictingLock, fileOwner, holdsLocks, processOwner, type LockKind,
} from '../fd/file_locks.js';
import type { Kernel } from '../kernel.js';
import type { FileLock, OpenFile, ProcessState } from '../state.js';
import { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { statOfFile } from './fs.js';
import { O_ACCMODE, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const SEEK_SET = 0;
const SEEK_CUR = 1;
const SEEK_END = 2;
/** Woken whenever a lock goes: waiters look again (there are few of them). */
export const LOCKS_WAKE_KEY = 'locks';

/** The inode a lock is on ("dev:ino", as stat shows it in the sandbox), or -errno. */
function inodeOf(ctx: SyscallContext, file: OpenFile): string | number {
  const st = statOfFile(ctx, file);
  return typeof st === 'number' ? st : `${st.dev}:${st.ino}`;
}

interface LockRequest {
  inode: string;
  kind: LockKind;
  owner: string;
  type: number;
  start: number;
  end: number;
}

/** POSIX lock requests parked in F_SETLKW, by owner: the chains deadlock detection follows. */
const parkedRequests = new WeakMap<Kernel, Map<string, LockRequest>>();
/** Linux's bound on the chain it follows (MAX_DEADLK_ITERATIONS). */
const MAX_DEADLK_ITERATIONS = 10;

/** The lock that keeps a parked POSIX request of owner waiting, if it is parked. */
function awaitedBy(kernel: Kernel, owner: string): FileLock | undefined {
  const req = parkedRequests.get(kernel)?.get(owner);
  return req ? conflictingLock(kernel.state, req.inode, req) : undefined;
}

/**
 * Whether a POSIX request that `blocker` holds up would wait forever: the owner of blocker
 * waits for a lock whose owner waits... for one of the requester's (EDEADLK, as Linux's
 * posix_locks_deadlock; OFD and flock locks have no owning process to follow).
 */
function deadlocks(kernel: Kernel, req: LockRequest, blocker: FileLock): boolean {
  if (req.kind !== 'posix') return false;
  let held: FileLock | undefined = blocker;
  for (let i = 0; held && i <= MAX_DEADLK_ITERATIONS; i++) {
    held = awaitedBy(kernel, held.owner);
    if (held?.owner === req.owner) return true;
  }
  return false;
}

/** Takes or releases a lock, waiting for conflicting ones when `wait` (EAGAIN otherwise). */
function setLock(ctx: SyscallContext, req: LockRequest, wait: boolean): Outcome {
  const parked = parkedRequests.get(ctx.kernel) ?? new Map<string, LockRequest>();
  parkedRequests.set(ctx.kernel, parked);
  const attempt = (): number | null => {
    const blocker = req.type !== F_UNLCK ? conflictingLock(ctx.kernel.state, req.inode, req) : undefined;
    if (blocker) {
      if (!wait) return -Errno.EAGAIN;
      if (deadlocks(ctx.kernel, req, blocker)) return -Errno.EDEADLK;
      if (req.kind === 'posix') parked.set(req.owner, req);
      return null;
    }
    const taker = req.kind === 'flock' && req.type !== F_UNLCK ? { pid: ctx.process.pid } : {};
    ctx.emit({ type: 'LockSet', inode: req.inode, kind: req.kind, owner: req.owner, lockType: req.type, start: req.start, end: req.end, ...taker });
    ctx.kernel.notify(LOCKS_WAKE_KEY);
    return 0;
  };
  const first = attempt();
  if (first !== null) return first;
  return ctx.block([LOCKS_WAKE_KEY], attempt, () => {
    if (parked.get(req.owner) === req) parked.delete(req.owner);
  });
}

export function sysFlock(ctx: SyscallContext): Outcome {
  const d = lookupFd(ctx, ctx.int(0));
  if (!d) return -Errno.EBADF;
  const op = ctx.int(1);
  const base = op & ~LOCK_NB;
  if (base !== LOCK_SH && base !== LOCK_EX && base !== LOCK_UN) return -Errno.EINVAL;
  const inode = inodeOf(ctx, d.file);
  if (typeof inode === 'number') return inode;
  const owner = fileOwner(d.file.id);
  const type = base === LOCK_SH ? F_RDLCK : base === LOCK_EX ? F_WRLCK : F_UNLCK;
  // A conversion drops the lock held first (it is not atomic on Linux either).
  if (type !== F_UNLCK) ctx.emit({ type: 'LockSet', inode, kind: 'flock', owner, lockType: F_UNLCK, start: 0, end: LOCK_TO_END });
  return setLock(ctx, { inode, kind: 'flock', owner, type, start: 0, end: LOCK_TO_END }, (op & LOCK_NB) === 0);
}

/** struct flock: l_type, l_whence, l_start, l_len, l_pid (32 bytes). */
interface FlockStruct {
  type: number;
  whence: number;
  start: number;
  len: number;
  pid: number;
}

function readFlock(ctx: SyscallContext, addr: number): FlockStruct | null {
  const raw = ctx.read(addr, 32);
  if (!raw) return null;
  const b = Buffer.from(raw);
  return { type: b.readInt16LE(0), whence: b.readInt16LE(2), start: Number(b.readBigInt64LE(8)), len: Number(b.readBigInt64LE(16)), pid: b.readInt32LE(24) };
}

/** The byte range [start, end] a struct flock names for this open file, or -errno. */
function rangeOf(ctx: SyscallContext, file: OpenFile, l: FlockStruct): { start: number; end: number } | number {
  let base: number;
  if (l.whence === SEEK_SET) base = 0;
  else if (l.whence === SEEK_CUR) base = file.offset;
  else if (l.whence === SEEK_END) {
    const st = statOfFile(ctx, file);
    if (typeof st === 'number') return st;
    base = Number(st.size);
  } else return -Errno.EINVAL;
  let start = base + l.start;
  let end = l.len === 0 ? LOCK_TO_END : start + l.len - 1;
  // A negative length covers the bytes before start.
  if (l.len < 0) {
    end = start - 1;
    start += l.len;
  }
  return start < 0 ? -Errno.EINVAL : { start, end };
}

/** fcntl F_GETLK/F_SETLK/F_SETLKW (ofd: the F_OFD_* forms). */
export function fcntlLock(ctx: SyscallContext, d: FdLookup, op: 'get' | 'set' | 'wait', ofd: boolean): Outcome {
  const addr = ctx.args[2]!;
  const l = readFlock(ctx, addr);
  if (!l) return -Errno.EFAULT;
  if (l.type !== F_RDLCK && l.type !== F_WRLCK && l.type !== F_UNLCK) return -Errno.EINVAL;
  if (ofd && l.pid !== 0) return -Errno.EINVAL;
  const range = rangeOf(ctx, d.file, l);
  if (typeof range === 'number') return range;
  const inode = inodeOf(ctx, d.file);
  if (typeof inode === 'number') return inode;
  const kind: LockKind = ofd ? 'ofd' : 'posix';
  const owner = ofd ? fileOwner(d.file.id) : processOwner(ctx.process.pid);
  if (op === 'get') {
    if (l.type === F_UNLCK) return -Errno.EINVAL;
    const held = conflictingLock(ctx.kernel.state, inode, { kind, owner, type: l.type, ...range });
    const out = Buffer.alloc(32);
    out.writeInt16LE(held ? held.type : F_UNLCK, 0);
    out.writeInt16LE(SEEK_SET, 2);
    out.writeBigInt64LE(BigInt(held ? held.start : l.start), 8);
    out.writeBigInt64LE(BigInt(held ? (held.end === LOCK_TO_END ? 0 : held.end - held.start + 1) : l.len), 16);
    out.writeInt32LE(held ? (held.kind === 'posix' ? Number(held.owner.slice(4)) : -1) : l.pid, 24);
    if (!held) out.writeInt16LE(l.whence, 2);
    return ctx.write(addr, out) ? 0 : -Errno.EFAULT;
  }
  // A read lock needs the file open for reading, a write lock for writing.
  const mode = d.file.flags & O_ACCMODE;
  if ((l.type === F_RDLCK && mode === O_WRONLY) || (l.type === F_WRLCK && mode === O_RDONLY)) return -Errno.EBADF;
  return setLock(ctx, { inode, kind, owner, type: l.type, ...range }, op === 'wait');
}

/**
 * Before a process closes an fd: if it holds POSIX locks on that fd's inode, they go (Linux
 * drops them at the close of any fd of the inode, not only the one that took them).
 */
export function releaseOnClose(kernel: Kernel, process: ProcessState, file: OpenFile): void {
  const owner = processOwner(process.pid);
  if (!kernel.state.locks || !holdsLocks(kernel.state, owner)) return;
  const thread = kernel.state.threads.get(process.threads[0] ?? -1);
  if (!thread) return;
  // The inode as the process sees it (its cwd and root matter for a path-named file).
  const inode = inodeOf(new SyscallContext(kernel, thread, process, -1, []), file);
  if (typeof inode === 'string') kernel.emit({ type: 'LocksReleased', owner, inode });
}
