// System V message queues: msgget, msgsnd, msgrcv, msgctl. Queues and their messages are
// kernel state; a sender waits on `msg:ID` while the queue is full, a receiver while no
// message fits its msgtyp, and every send, receive, IPC_SET or removal wakes them.
import { IPC_INFO, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, IPCMNI } from '../abi/sysv_ipc.js';
import { Errno } from '../errno.js';
import type { MsgQueue, SysvMessage } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import {
  S_IRUGO, S_IWUGO, controllable, decodePerm, encodePerm, getObject, ipcPermits, nowSeconds, objectById, objectsOf,
  readStruct, statable, validOwner, writeStruct,
} from './sysv_ipc.js';

const MSG_NOERROR = 0o10000;
const MSG_EXCEPT = 0o20000;
const MSG_COPY = 0o40000;
const MSG_STAT = 11;
const MSG_INFO = 12;
const MSG_STAT_ANY = 13;
/** Linux's defaults (/proc/sys/kernel/msgmax, msgmnb, msgmni). */
export const MSGMAX = 8192;
export const MSGMNB = 16384;
export const MSGMNI = 32000;
const MSQID_DS_SIZE = 120;
const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

function wakeKey(msqid: number): string {
  return `msg:${msqid}`;
}

export function sysMsgget(ctx: SyscallContext): Outcome {
  const key = ctx.int(0);
  const flags = ctx.int(1);
  return getObject(ctx, {
    kind: 'msg', key, flags, limit: MSGMNI,
    fits: () => 0,
    create: (id) => {
      const creds = ctx.process.creds;
      ctx.emit({ type: 'SysvCreated', kind: 'msg', id, key, mode: flags & 0o777, uid: creds.euid, gid: creds.egid, pid: ctx.process.pid, size: MSGMNB, time: nowSeconds() });
      return id;
    },
  });
}

function fits(queue: MsgQueue, size: number): boolean {
  return size + queue.cbytes <= queue.qbytes && 1 + queue.messages.length <= queue.qbytes;
}

export function sysMsgsnd(ctx: SyscallContext): Outcome {
  const msqid = ctx.int(0);
  const msgp = ctx.args[1]!;
  const size = ctx.args[2]!;
  const flags = ctx.int(3);
  const head = ctx.read(msgp, 8);
  if (!head || head.length !== 8) return -Errno.EFAULT;
  const mtype = Buffer.from(head).readBigInt64LE();
  if (size > MSGMAX || size < 0 || msqid < 0) return -Errno.EINVAL;
  if (mtype < 1n) return -Errno.EINVAL;
  const text = size === 0 ? new Uint8Array(0) : ctx.read(msgp + 8, size);
  if (!text || text.length !== size) return -Errno.EFAULT;
  const bytes = Uint8Array.from(text);
  const pid = ctx.process.pid;
  return onQueue(ctx, msqid, S_IWUGO, (queue) => {
    if (!fits(queue, size)) return flags & IPC_NOWAIT ? -Errno.EAGAIN : null;
    ctx.kernel.emit({ type: 'MsgSent', id: msqid, pid, mtype, bytes, time: nowSeconds() });
    ctx.kernel.notify(wakeKey(msqid));
    return 0;
  });
}

/**
 * msgsnd's and msgrcv's common part: op runs on queue msqid once the caller may (mode), now or,
 * while op says to wait (null), each time the queue changes; a queue removed meanwhile is EIDRM.
 */
function onQueue(ctx: SyscallContext, msqid: number, mode: number, op: (queue: MsgQueue) => number | null): Outcome {
  const kernel = ctx.kernel;
  const first = objectById(objectsOf(kernel.state, 'msg'), msqid);
  if (typeof first === 'number') return first;
  const creds = ctx.process.creds;
  const tryOnce = (): number | null => {
    const queue = kernel.state.sysv?.msg.get(msqid);
    if (!queue) return -Errno.EIDRM;
    if (!ipcPermits(creds, queue.perm, mode)) return -Errno.EACCES;
    return op(queue);
  };
  const r = tryOnce();
  return r !== null ? r : ctx.block([wakeKey(msqid)], tryOnce);
}

/** Which message msgrcv takes: its index in the queue, or -1. */
function pick(messages: readonly SysvMessage[], msgtyp: bigint, flags: number): number {
  if (flags & MSG_COPY) return msgtyp >= 0n && msgtyp < BigInt(messages.length) ? Number(msgtyp) : -1;
  if (msgtyp === 0n) return messages.length > 0 ? 0 : -1;
  if (msgtyp < 0n) {
    // The lowest type not above |msgtyp|, the first of them.
    const bound = msgtyp === LONG_MIN ? LONG_MAX : -msgtyp;
    let best = -1;
    messages.forEach((m, i) => {
      if (m.type <= bound && (best < 0 || m.type < messages[best]!.type)) best = i;
    });
    return best;
  }
  return messages.findIndex((m) => (flags & MSG_EXCEPT ? m.type !== msgtyp : m.type === msgtyp));
}

export function sysMsgrcv(ctx: SyscallContext): Outcome {
  const msqid = ctx.int(0);
  const msgp = ctx.args[1]!;
  const size = ctx.args[2]!;
  const msgtyp = ctx.long(3);
  const flags = ctx.int(4);
  if (msqid < 0 || size < 0) return -Errno.EINVAL;
  if (flags & MSG_COPY && (flags & MSG_EXCEPT || !(flags & IPC_NOWAIT))) return -Errno.EINVAL;
  const kernel = ctx.kernel;
  const pid = ctx.process.pid;
  return onQueue(ctx, msqid, S_IRUGO, (queue) => {
    const index = pick(queue.messages, msgtyp, flags);
    if (index < 0) return flags & IPC_NOWAIT ? -Errno.ENOMSG : null;
    const msg = queue.messages[index]!;
    if (size < msg.bytes.length && !(flags & MSG_NOERROR)) return -Errno.E2BIG;
    if (!(flags & MSG_COPY)) {
      // Taken off the queue before it is copied out: a bad buffer loses it, as on Linux.
      kernel.emit({ type: 'MsgReceived', id: msqid, pid, index, time: nowSeconds() });
      kernel.notify(wakeKey(msqid));
    }
    const text = msg.bytes.subarray(0, Math.min(size, msg.bytes.length));
    const out = Buffer.alloc(8 + text.length);
    out.writeBigInt64LE(msg.type);
    out.set(text, 8);
    return ctx.write(msgp, out) ? text.length : -Errno.EFAULT;
  });
}

function encodeMsqid(queue: MsgQueue): Uint8Array {
  const out = new Uint8Array(MSQID_DS_SIZE);
  const view = new DataView(out.buffer);
  encodePerm(view, queue.perm);
  view.setBigInt64(48, BigInt(queue.stime), true);
  view.setBigInt64(56, BigInt(queue.rtime), true);
  view.setBigInt64(64, BigInt(queue.ctime), true);
  view.setBigUint64(72, BigInt(queue.cbytes), true);
  view.setBigUint64(80, BigInt(queue.messages.length), true);
  view.setBigUint64(88, BigInt(queue.qbytes), true);
  view.setInt32(96, queue.lspid, true);
  view.setInt32(100, queue.lrpid, true);
  return out;
}

function maxIndex(ids: Iterable<number>): number {
  let max = 0;
  for (const id of ids) max = Math.max(max, id % IPCMNI);
  return max;
}

export function sysMsgctl(ctx: SyscallContext): Outcome {
  const msqid = ctx.int(0);
  const cmd = ctx.int(1);
  const buf = ctx.args[2]!;
  const queues = objectsOf(ctx.kernel.state, 'msg');
  if (msqid < 0 || cmd < 0) return -Errno.EINVAL;
  switch (cmd) {
    case IPC_INFO:
    case MSG_INFO: {
      // struct msginfo: msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql, msgseg.
      const all = [...queues.values()];
      const info = new DataView(new ArrayBuffer(32));
      const fields = cmd === MSG_INFO
        ? [all.length, all.reduce((n, q) => n + q.messages.length, 0), MSGMAX, MSGMNB, MSGMNI, 16, all.reduce((n, q) => n + q.cbytes, 0), 0xffff]
        : [Math.floor((MSGMNI * MSGMNB) / 1024), MSGMNB / 16 * MSGMNI, MSGMAX, MSGMNB, MSGMNI, 16, MSGMNB, 0xffff];
      fields.forEach((v, i) => info.setInt32(i * 4, v, true));
      const r = writeStruct(ctx, buf, new Uint8Array(info.buffer));
      return r < 0 ? r : maxIndex(queues.keys());
    }
    case MSG_STAT:
    case MSG_STAT_ANY: {
      const queue = [...queues.values()].find((q) => q.id % IPCMNI === msqid);
      if (!queue) return -Errno.EINVAL;
      if (cmd === MSG_STAT && !ipcPermits(ctx.process.creds, queue.perm, S_IRUGO)) return -Errno.EACCES;
      const r = writeStruct(ctx, buf, encodeMsqid(queue));
      return r < 0 ? r : queue.id;
    }
    case IPC_STAT: {
      const queue = statable(ctx, queues, msqid);
      if (typeof queue === 'number') return queue;
      return writeStruct(ctx, buf, encodeMsqid(queue));
    }
    case IPC_SET: {
      const input = readStruct(ctx, buf, MSQID_DS_SIZE);
      if (typeof input === 'number') return input;
      const queue = controllable(ctx, queues, msqid);
      if (typeof queue === 'number') return queue;
      const update = decodePerm(input);
      const qbytes = Number(Buffer.from(input).readBigUInt64LE(88));
      // Raising msg_qbytes past MSGMNB takes CAP_SYS_RESOURCE in the host's first user namespace,
      // which no sandbox process has (root included, as in a container with a user namespace).
      if (qbytes > MSGMNB) return -Errno.EPERM;
      if (!validOwner(update)) return -Errno.EINVAL;
      ctx.emit({
        type: 'SysvPermSet', kind: 'msg', id: msqid, uid: update.uid, gid: update.gid, mode: (queue.perm.mode & ~0o777) | update.mode,
        qbytes, time: nowSeconds(),
      });
      ctx.kernel.notify(wakeKey(msqid));
      return 0;
    }
    case IPC_RMID: {
      const queue = controllable(ctx, queues, msqid);
      if (typeof queue === 'number') return queue;
      ctx.emit({ type: 'SysvRemoved', kind: 'msg', id: msqid });
      ctx.kernel.notify(wakeKey(msqid));
      return 0;
    }
    default:
      return -Errno.EINVAL;
  }
}
