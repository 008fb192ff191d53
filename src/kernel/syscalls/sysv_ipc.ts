// What the three kinds of System V IPC object (shared memory segments, semaphore sets,
// message queues) have in common: the sandbox's own IPC namespace in kernel state, keys and
// ids, ipc_perm and its checks, and the IPC_STAT/IPC_SET/IPC_RMID part of *ctl.
import { IPC_CREAT, IPC_EXCL, IPC_PRIVATE, IPCMNI } from '../abi/sysv_ipc.js';
import { Errno } from '../errno.js';
import type { Credentials, IpcPerm, KernelState, MsgQueue, SemSet, ShmSegment, SysvKind } from '../state.js';
import type { SyscallContext } from './context.js';
import { realtimeNs } from './time.js';
import { CAP_IPC_OWNER, CAP_SYS_ADMIN, capable } from '../task/capabilities.js';

/** The rwx bits of ipc_perm's mode (S_IRUGO/S_IWUGO as the checks ask for them). */
export const S_IRUGO = 0o444;
export const S_IWUGO = 0o222;
const S_IRWXUGO = 0o777;
const SEQ_MAX = 1 << 16;
/** Linux keeps up to this many indexes in the cycle however few objects exist (RADIX_TREE_MAP_SIZE). */
const MIN_CYCLE = 64;

export type SysvObject = ShmSegment | SemSet | MsgQueue;

export function objectsOf(state: KernelState, kind: 'shm'): ReadonlyMap<number, ShmSegment>;
export function objectsOf(state: KernelState, kind: 'sem'): ReadonlyMap<number, SemSet>;
export function objectsOf(state: KernelState, kind: 'msg'): ReadonlyMap<number, MsgQueue>;
export function objectsOf(state: KernelState, kind: SysvKind): ReadonlyMap<number, SysvObject>;
export function objectsOf(state: KernelState, kind: SysvKind): ReadonlyMap<number, SysvObject> {
  return state.sysv?.[kind] ?? new Map<number, SysvObject>();
}

/** Seconds of CLOCK_REALTIME, as the *_time fields hold them. */
export function nowSeconds(): number {
  return Number(realtimeNs() / 1_000_000_000n);
}

/** The id a new object of kind gets (Linux: the next free index after the last, cyclically; the sequence moves on at each wrap), or -ENOSPC. */
export function nextId(state: KernelState, kind: SysvKind, limit: number): number {
  const objects = objectsOf(state, kind);
  if (objects.size >= limit) return -Errno.ENOSPC;
  const used = new Set([...objects.keys()].map((id) => id % IPCMNI));
  const cursor = state.sysv?.cursors[kind] ?? { lastIndex: -1, seq: 0 };
  const cycle = Math.min(Math.max(Math.floor((objects.size * 3) / 2), MIN_CYCLE), limit, IPCMNI);
  for (let step = 1; step <= cycle; step++) {
    const index = (cursor.lastIndex + step) % cycle;
    if (used.has(index)) continue;
    const seq = index <= cursor.lastIndex ? (cursor.seq + 1) % SEQ_MAX : cursor.seq;
    return seq * IPCMNI + index;
  }
  return -Errno.ENOSPC;
}

/** The object an id names, or -EINVAL (no object at its index) / -EIDRM (its index holds a newer object). */
export function objectById<T extends SysvObject>(objects: ReadonlyMap<number, T>, id: number): T | number {
  if (id < 0) return -Errno.EINVAL;
  const found = objects.get(id);
  if (found) return found;
  for (const other of objects.keys()) if (other % IPCMNI === id % IPCMNI) return -Errno.EIDRM;
  return -Errno.EINVAL;
}

/** Linux's ipcperms: may creds use the object for the rwx bits asked in flag (0o444 read, 0o222 write)? */
export function ipcPermits(creds: Credentials, perm: IpcPerm, flag: number): boolean {
  if (capable(creds, CAP_IPC_OWNER)) return true;
  const requested = (flag >> 6) | (flag >> 3) | flag;
  let granted = perm.mode;
  if (creds.euid === perm.cuid || creds.euid === perm.uid) granted >>= 6;
  else if ([perm.gid, perm.cgid].some((g) => g === creds.egid || creds.groups.includes(g))) granted >>= 3;
  return (requested & ~granted & 7) === 0;
}

/** IPC_SET and IPC_RMID: the owner, the creator or root. */
export function mayControl(creds: Credentials, perm: IpcPerm): boolean {
  return capable(creds, CAP_SYS_ADMIN) || creds.euid === perm.uid || creds.euid === perm.cuid;
}

export interface GetRequest {
  kind: SysvKind;
  key: number;
  flags: number;
  /** Objects of this kind the namespace may hold (shmmni, semmni, msgmni). */
  limit: number;
  /** An existing object the request does not fit (a segment too small, a set with too few semaphores): -EINVAL, else 0. */
  fits: (object: SysvObject) => number;
  /** Makes the object with this id: the id, or -errno (its own limits). */
  create: (id: number) => number;
}

/** shmget, semget and msgget: the object the key names (made for IPC_PRIVATE or with IPC_CREAT), its id or -errno. */
export function getObject(ctx: SyscallContext, req: GetRequest): number {
  const make = (): number => {
    const id = nextId(ctx.kernel.state, req.kind, req.limit);
    return id < 0 ? id : req.create(id);
  };
  if (req.key === IPC_PRIVATE) return make();
  const found = [...objectsOf(ctx.kernel.state, req.kind).values()].find((o) => o.perm.key === req.key);
  if (!found) return req.flags & IPC_CREAT ? make() : -Errno.ENOENT;
  if (req.flags & IPC_CREAT && req.flags & IPC_EXCL) return -Errno.EEXIST;
  const misfit = req.fits(found);
  if (misfit < 0) return misfit;
  if (!ipcPermits(ctx.process.creds, found.perm, req.flags)) return -Errno.EACCES;
  return found.id;
}

function u32(v: number): number {
  return v >>> 0;
}

/** struct ipc64_perm as the program reads it (glibc's struct ipc_perm has the same layout on x86-64). */
export function encodePerm(out: DataView, perm: IpcPerm): void {
  out.setInt32(0, perm.key | 0, true);
  out.setUint32(4, u32(perm.uid), true);
  out.setUint32(8, u32(perm.gid), true);
  out.setUint32(12, u32(perm.cuid), true);
  out.setUint32(16, u32(perm.cgid), true);
  out.setUint32(20, perm.mode, true);
  out.setUint16(24, perm.seq, true);
}

/** What IPC_SET takes from the program's structure: uid, gid and the permission bits. */
export interface PermUpdate {
  uid: number;
  gid: number;
  mode: number;
}

export function decodePerm(bytes: Uint8Array): PermUpdate {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { uid: view.getUint32(4, true), gid: view.getUint32(8, true), mode: view.getUint16(20, true) & S_IRWXUGO };
}

/** Linux refuses ids that do not map to a user or group of the namespace (-1 among them). */
export function validOwner(update: PermUpdate): boolean {
  return update.uid !== 0xffffffff && update.gid !== 0xffffffff;
}

/** The common start of IPC_STAT and friends: the object, and whether the caller may read it; or -errno. */
export function statable<T extends SysvObject>(ctx: SyscallContext, objects: ReadonlyMap<number, T>, id: number): T | number {
  const obj = objectById(objects, id);
  if (typeof obj === 'number') return obj;
  return ipcPermits(ctx.process.creds, obj.perm, S_IRUGO) ? obj : -Errno.EACCES;
}

/** The common start of IPC_SET and IPC_RMID: the object, and whether the caller owns it; or -errno. */
export function controllable<T extends SysvObject>(ctx: SyscallContext, objects: ReadonlyMap<number, T>, id: number): T | number {
  const obj = objectById(objects, id);
  if (typeof obj === 'number') return obj;
  return mayControl(ctx.process.creds, obj.perm) ? obj : -Errno.EPERM;
}

/** Writes a structure the *ctl call fills; 0 or -EFAULT. */
export function writeStruct(ctx: SyscallContext, addr: number, bytes: Uint8Array): number {
  return ctx.write(addr, bytes) ? 0 : -Errno.EFAULT;
}

/** IPC_SET's input: the first `size` bytes at addr, or -EFAULT. */
export function readStruct(ctx: SyscallContext, addr: number, size: number): Uint8Array | number {
  const bytes = ctx.read(addr, size);
  return bytes && bytes.length === size ? bytes : -Errno.EFAULT;
}
