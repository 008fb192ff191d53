// System V semaphores: semget, semop, semtimedop, semctl. A set's values, last pids and the
// processes' SEM_UNDO adjustments are kernel state; a semop that cannot go on parks its
// thread on `sem:ID` and tries again whenever the set changes (values, removal, an exit's
// undo). Who waits (GETNCNT, GETZCNT) is the kernel's runtime, not state: a restored or
// replayed sandbox's waiters count again when their calls are made again.
import { IPC_INFO, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, IPCMNI, SEMVMX } from '../abi/sysv_ipc.js';
import { Errno } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { ProcessState, SemSet } from '../state.js';
import { monotonicMs, wakeAt } from '../time/wake_timer.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { readTimespecMs } from './poll.js';
import {
  S_IRUGO, S_IWUGO, controllable, decodePerm, encodePerm, getObject, ipcPermits, nowSeconds, objectById, objectsOf,
  readStruct, statable, validOwner, writeStruct,
} from './sysv_ipc.js';

const SEM_UNDO = 0x1000;
const GETPID = 11;
const GETVAL = 12;
const GETALL = 13;
const GETNCNT = 14;
const GETZCNT = 15;
const SETVAL = 16;
const SETALL = 17;
const SEM_STAT = 18;
const SEM_INFO = 19;
const SEM_STAT_ANY = 20;
/** Linux's defaults (/proc/sys/kernel/sem: SEMMSL SEMMNS SEMOPM SEMMNI). */
export const SEMMSL = 32000;
export const SEMMNS = 1024000000;
export const SEMOPM = 500;
export const SEMMNI = 32000;
const SEMAEM = SEMVMX;
const SEMID_DS_SIZE = 104;
const SEMBUF_SIZE = 6;

interface SemOp {
  num: number;
  op: number;
  flags: number;
}

/** A thread parked in semop: the semaphore it waits on and whether for it to grow (ncnt) or reach zero (zcnt). */
interface Blocked {
  num: number;
  zero: boolean;
}

/** Parked semops by set, per kernel (runtime only). */
const waiting = new WeakMap<Kernel, Map<number, Map<number, Blocked>>>();

function waitersOf(kernel: Kernel, semid: number): Map<number, Blocked> {
  let sets = waiting.get(kernel);
  if (!sets) waiting.set(kernel, (sets = new Map()));
  let set = sets.get(semid);
  if (!set) sets.set(semid, (set = new Map()));
  return set;
}

export function semWakeKey(semid: number): string {
  return `sem:${semid}`;
}

export function sysSemget(ctx: SyscallContext): Outcome {
  const key = ctx.int(0);
  const nsems = ctx.int(1);
  const flags = ctx.int(2);
  if (nsems < 0 || nsems > SEMMSL) return -Errno.EINVAL;
  return getObject(ctx, {
    kind: 'sem', key, flags, limit: SEMMNI,
    fits: (set) => (nsems > (set as SemSet).values.length ? -Errno.EINVAL : 0),
    create: (id) => {
      if (nsems === 0) return -Errno.EINVAL;
      const used = [...objectsOf(ctx.kernel.state, 'sem').values()].reduce((n, s) => n + s.values.length, 0);
      if (used + nsems > SEMMNS) return -Errno.ENOSPC;
      const creds = ctx.process.creds;
      ctx.emit({ type: 'SysvCreated', kind: 'sem', id, key, mode: flags & 0o777, uid: creds.euid, gid: creds.egid, pid: ctx.process.pid, size: nsems, time: nowSeconds() });
      return id;
    },
  });
}

export function sysSemop(ctx: SyscallContext): Outcome {
  return semtimedop(ctx, 0);
}

export function sysSemtimedop(ctx: SyscallContext): Outcome {
  return semtimedop(ctx, ctx.args[3]!);
}

function adjustmentOf(process: ProcessState, semid: number, num: number): number {
  return process.semUndo?.find((u) => u.semid === semid && u.num === num)?.adj ?? 0;
}

type Attempt =
  | { kind: 'done'; values: Array<[number, number]>; undo: Array<[number, number]> }
  | { kind: 'error'; errno: number }
  | { kind: 'block'; on: Blocked };

/** Linux's perform_atomic_semop: every operation in order on a copy; all of them or none. */
function attempt(set: SemSet, process: ProcessState, ops: readonly SemOp[]): Attempt {
  const values = new Map<number, number>();
  const undo = new Map<number, number>();
  for (const o of ops) {
    const current = values.get(o.num) ?? set.values[o.num]!;
    if ((o.op === 0 && current !== 0) || current + o.op < 0) {
      if (o.flags & IPC_NOWAIT) return { kind: 'error', errno: Errno.EAGAIN };
      return { kind: 'block', on: { num: o.num, zero: o.op === 0 } };
    }
    const next = current + o.op;
    if (next > SEMVMX) return { kind: 'error', errno: Errno.ERANGE };
    if (o.flags & SEM_UNDO) {
      const adj = adjustmentOf(process, set.id, o.num) + (undo.get(o.num) ?? 0) - o.op;
      if (adj < -SEMAEM - 1 || adj > SEMAEM) return { kind: 'error', errno: Errno.ERANGE };
      undo.set(o.num, (undo.get(o.num) ?? 0) - o.op);
    }
    values.set(o.num, next);
  }
  return { kind: 'done', values: [...values], undo: [...undo].filter(([, d]) => d !== 0) };
}

function semtimedop(ctx: SyscallContext, timeoutAddr: number): Outcome {
  const semid = ctx.int(0);
  const sopsAddr = ctx.args[1]!;
  // Linux's order: the count (an unsigned int), the operations copied, then the set's id.
  const nsops = ctx.uint(2);
  if (nsops > SEMOPM) return -Errno.E2BIG;
  if (nsops === 0) return -Errno.EINVAL;
  const raw = ctx.read(sopsAddr, nsops * SEMBUF_SIZE);
  if (!raw || raw.length !== nsops * SEMBUF_SIZE) return -Errno.EFAULT;
  if (semid < 0) return -Errno.EINVAL;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const ops: SemOp[] = [];
  for (let i = 0; i < nsops; i++) ops.push({ num: view.getUint16(i * 6, true), op: view.getInt16(i * 6 + 2, true), flags: view.getInt16(i * 6 + 4, true) });
  const timeoutMs = timeoutAddr === 0 ? null : readTimespecMs(ctx, timeoutAddr);
  if (timeoutMs === 'fault') return -Errno.EFAULT;
  if (timeoutMs === 'invalid') return -Errno.EINVAL;
  const set = objectById(objectsOf(ctx.kernel.state, 'sem'), semid);
  if (typeof set === 'number') return set;
  if (ops.some((o) => o.num >= set.values.length)) return -Errno.EFBIG;
  const alter = ops.some((o) => o.op !== 0);
  if (!ipcPermits(ctx.process.creds, set.perm, alter ? S_IWUGO : S_IRUGO)) return -Errno.EACCES;

  const kernel = ctx.kernel;
  const pid = ctx.process.pid;
  const tid = ctx.thread.tid;
  const waiters = waitersOf(kernel, semid);
  const tryOnce = (): number | null => {
    const current = kernel.state.sysv?.sem.get(semid);
    if (!current) {
      waiters.delete(tid);
      return -Errno.EIDRM;
    }
    const r = attempt(current, kernel.process(pid), ops);
    if (r.kind === 'block') {
      waiters.set(tid, r.on);
      return null;
    }
    waiters.delete(tid);
    if (r.kind === 'error') return -r.errno;
    kernel.emit({ type: 'SemChanged', id: semid, pid, values: r.values, undo: r.undo, op: true, time: nowSeconds() });
    if (r.values.length > 0) kernel.notify(semWakeKey(semid));
    return 0;
  };
  const first = tryOnce();
  if (first !== null) return first;
  if (timeoutMs === 0) {
    waiters.delete(tid);
    return -Errno.EAGAIN;
  }
  const keys = [semWakeKey(semid)];
  const stopWaiting = (): void => {
    waiters.delete(tid);
  };
  if (timeoutMs === null) return ctx.block(keys, tryOnce, stopWaiting);
  const timerKey = `timer:${tid}`;
  const deadline = monotonicMs() + timeoutMs;
  const timer = wakeAt(deadline, () => kernel.notify(timerKey));
  const timed = (): number | null => {
    const r = tryOnce();
    if (r !== null || monotonicMs() < deadline) return r;
    waiters.delete(tid);
    return -Errno.EAGAIN;
  };
  return ctx.block([...keys, timerKey], timed, () => {
    timer.cancel();
    stopWaiting();
  });
}

/** A process ends: its SEM_UNDO adjustments are applied and the sets' waiters look again. */
export function undoSemaphores(kernel: Kernel, process: ProcessState): void {
  if (!process.semUndo) return;
  const sets = new Set(process.semUndo.map((u) => u.semid));
  kernel.emit({ type: 'SemUndone', pid: process.pid });
  for (const semid of sets) kernel.notify(semWakeKey(semid));
}

function encodeSemid(set: SemSet): Uint8Array {
  const out = new Uint8Array(SEMID_DS_SIZE);
  const view = new DataView(out.buffer);
  encodePerm(view, set.perm);
  view.setBigInt64(48, BigInt(set.otime), true);
  view.setBigInt64(64, BigInt(set.ctime), true);
  view.setBigUint64(80, BigInt(set.values.length), true);
  return out;
}

function maxIndex(ids: Iterable<number>): number {
  let max = 0;
  for (const id of ids) max = Math.max(max, id % IPCMNI);
  return max;
}

function semInfo(ctx: SyscallContext, cmd: number, buf: number): number {
  const sets = objectsOf(ctx.kernel.state, 'sem');
  const used = [...sets.values()].reduce((n, s) => n + s.values.length, 0);
  // struct seminfo: semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem.
  const fields = [SEMMNS, SEMMNI, SEMMNS, SEMMNS, SEMMSL, SEMOPM, SEMOPM, cmd === SEM_INFO ? sets.size : 20, SEMVMX, cmd === SEM_INFO ? used : SEMAEM];
  const info = new DataView(new ArrayBuffer(40));
  fields.forEach((v, i) => info.setInt32(i * 4, v, true));
  const r = writeStruct(ctx, buf, new Uint8Array(info.buffer));
  return r < 0 ? r : maxIndex(sets.keys());
}

export function sysSemctl(ctx: SyscallContext): Outcome {
  const semid = ctx.int(0);
  const semnum = ctx.int(1);
  const cmd = ctx.int(2);
  const arg = ctx.args[3]!;
  const sets = objectsOf(ctx.kernel.state, 'sem');
  if (semid < 0) return -Errno.EINVAL;
  switch (cmd) {
    case IPC_INFO:
    case SEM_INFO:
      return semInfo(ctx, cmd, arg);
    case SEM_STAT:
    case SEM_STAT_ANY: {
      const set = [...sets.values()].find((s) => s.id % IPCMNI === semid);
      if (!set) return -Errno.EINVAL;
      if (cmd === SEM_STAT && !ipcPermits(ctx.process.creds, set.perm, S_IRUGO)) return -Errno.EACCES;
      const r = writeStruct(ctx, arg, encodeSemid(set));
      return r < 0 ? r : set.id;
    }
    case IPC_STAT: {
      const set = statable(ctx, sets, semid);
      if (typeof set === 'number') return set;
      return writeStruct(ctx, arg, encodeSemid(set));
    }
    case IPC_SET: {
      const input = readStruct(ctx, arg, SEMID_DS_SIZE);
      if (typeof input === 'number') return input;
      const set = controllable(ctx, sets, semid);
      if (typeof set === 'number') return set;
      const update = decodePerm(input);
      if (!validOwner(update)) return -Errno.EINVAL;
      ctx.emit({ type: 'SysvPermSet', kind: 'sem', id: semid, uid: update.uid, gid: update.gid, mode: (set.perm.mode & ~0o777) | update.mode, time: nowSeconds() });
      return 0;
    }
    case IPC_RMID: {
      const set = controllable(ctx, sets, semid);
      if (typeof set === 'number') return set;
      ctx.emit({ type: 'SysvRemoved', kind: 'sem', id: semid });
      waiting.get(ctx.kernel)?.delete(semid);
      ctx.kernel.notify(semWakeKey(semid));
      return 0;
    }
    case SETVAL: {
      const value = arg | 0;
      if (value > SEMVMX || value < 0) return -Errno.ERANGE;
      const set = objectById(sets, semid);
      if (typeof set === 'number') return set;
      if (semnum < 0 || semnum >= set.values.length) return -Errno.EINVAL;
      if (!ipcPermits(ctx.process.creds, set.perm, S_IWUGO)) return -Errno.EACCES;
      return setValues(ctx, semid, [[semnum, value]]);
    }
    case GETALL:
    case SETALL:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
      return readOrSetAll(ctx, sets, semid, semnum, cmd, arg);
    default:
      return -Errno.EINVAL;
  }
}

function setValues(ctx: SyscallContext, semid: number, values: Array<[number, number]>): number {
  ctx.emit({ type: 'SemChanged', id: semid, pid: ctx.process.pid, values, undo: [], op: false, time: nowSeconds() });
  ctx.kernel.notify(semWakeKey(semid));
  return 0;
}

/** Linux's semctl_main: GETALL, SETALL and the per-semaphore reads. */
function readOrSetAll(ctx: SyscallContext, sets: ReadonlyMap<number, SemSet>, semid: number, semnum: number, cmd: number, arg: number): number {
  const set = objectById(sets, semid);
  if (typeof set === 'number') return set;
  if (!ipcPermits(ctx.process.creds, set.perm, cmd === SETALL ? S_IWUGO : S_IRUGO)) return -Errno.EACCES;
  const n = set.values.length;
  if (cmd === GETALL) {
    const out = new DataView(new ArrayBuffer(n * 2));
    set.values.forEach((v, i) => out.setUint16(i * 2, v, true));
    return writeStruct(ctx, arg, new Uint8Array(out.buffer));
  }
  if (cmd === SETALL) {
    const input = readStruct(ctx, arg, n * 2);
    if (typeof input === 'number') return input;
    const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    const values: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const v = view.getUint16(i * 2, true);
      if (v > SEMVMX) return -Errno.ERANGE;
      values.push([i, v]);
    }
    return setValues(ctx, semid, values);
  }
  if (semnum < 0 || semnum >= n) return -Errno.EINVAL;
  if (cmd === GETVAL) return set.values[semnum]!;
  if (cmd === GETPID) return set.pids[semnum]!;
  let count = 0;
  for (const w of waiting.get(ctx.kernel)?.get(semid)?.values() ?? []) if (w.num === semnum && w.zero === (cmd === GETZCNT)) count++;
  return count;
}
