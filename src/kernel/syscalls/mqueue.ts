// POSIX message queues: mq_open, mq_unlink, mq_timedsend, mq_timedreceive, mq_notify,
// mq_getsetattr. Queues are kernel state (the sandbox's own mqueue namespace); a descriptor
// is an open file of kind 'mqueue'. Senders and receivers wait on `mqueue:ID`, up to an
// absolute CLOCK_REALTIME timeout.
import { O_ACCMODE, O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from '../abi/open_flags.js';
import { Errno } from '../errno.js';
import { lookupFd, lowestFreeFd, openNewFile, type FdLookup } from '../fd/fd_table.js';
import type { MqueueState } from '../state.js';
import { monotonicMs, wakeAt } from '../time/wake_timer.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { sendToProcess } from './signal.js';
import { realtimeNs } from './time.js';
import { CAP_DAC_OVERRIDE, CAP_FOWNER, capable } from '../task/capabilities.js';

const NAME_MAX = 255;
/** Linux's defaults and ceilings (/proc/sys/fs/mqueue) for a process without CAP_SYS_RESOURCE in the first user namespace. */
export const MSG_DEFAULT = 10;
export const MSG_MAX = 10;
export const MSGSIZE_DEFAULT = 8192;
export const MSGSIZE_MAX = 8192;
const MQ_PRIO_MAX = 32768;
const MQ_ATTR_SIZE = 64;
const SIGEV_SIGNAL = 0;
const SIGEV_NONE = 1;
const SIGEV_THREAD = 2;
const SI_MESGQ = -3;
const NSIG = 64;

export function mqueueWakeKey(id: number): string {
  return `mqueue:${id}`;
}

/** poll(2) readiness of a queue: readable with a message, writable with room. */
export function mqueueReadiness(ctx: SyscallContext, id: number): { readable: boolean; writable: boolean } {
  const q = ctx.kernel.state.mqueues?.queues.get(id);
  return { readable: (q?.messages.length ?? 0) > 0, writable: q !== undefined && q.messages.length < q.maxmsg };
}

/** What read(2) of a queue's descriptor gives (Linux's mqueue_read_file). */
export function mqueueStatus(ctx: SyscallContext, id: number): string {
  const q = ctx.kernel.state.mqueues?.queues.get(id);
  const size = q?.messages.reduce((n, m) => n + m.bytes.length, 0) ?? 0;
  const how = q?.notify?.how ?? 0;
  const pad = (v: number, w: number) => String(v).padEnd(w);
  return `QSIZE:${pad(size, 10)} NOTIFY:${pad(how, 5)} SIGNO:${pad(q?.notify?.how === SIGEV_SIGNAL ? q.notify.signo : 0, 5)} NOTIFY_PID:${pad(q?.notify?.pid ?? 0, 6)}\n`;
}

function readName(ctx: SyscallContext, addr: number): string | number {
  const name = ctx.readString(addr, NAME_MAX);
  if (typeof name === 'number') return name === -Errno.E2BIG ? -Errno.ENAMETOOLONG : name;
  // The name as a directory entry of the mqueue filesystem.
  if (name === '') return -Errno.ENOENT;
  if (name === '.' || name === '..' || name.includes('/')) return -Errno.EACCES;
  return name;
}

function permits(ctx: SyscallContext, q: MqueueState, mask: number): boolean {
  const c = ctx.process.creds;
  if (capable(c, CAP_DAC_OVERRIDE)) return true;
  const shift = c.euid === q.uid ? 6 : c.egid === q.gid || c.groups.includes(q.gid) ? 3 : 0;
  return ((q.mode >> shift) & mask) === mask;
}

export function sysMqOpen(ctx: SyscallContext): Outcome {
  const name = readName(ctx, ctx.args[0]!);
  if (typeof name === 'number') return name;
  const oflag = ctx.int(1);
  const mode = ctx.uint(2);
  const attrAddr = ctx.args[3]!;
  const ns = ctx.kernel.state.mqueues;
  let id = ns?.names.get(name);
  if (id !== undefined && oflag & O_CREAT && oflag & O_EXCL) return -Errno.EEXIST;
  if (id === undefined && !(oflag & O_CREAT)) return -Errno.ENOENT;
  if ((oflag & O_ACCMODE) === (O_RDWR | O_WRONLY)) return -Errno.EINVAL;
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  if (id === undefined) {
    let maxmsg = MSG_DEFAULT;
    let msgsize = MSGSIZE_DEFAULT;
    if (attrAddr !== 0) {
      const raw = ctx.read(attrAddr, 32);
      if (!raw || raw.length !== 32) return -Errno.EFAULT;
      const v = new DataView(raw.buffer, raw.byteOffset, 32);
      const [m, s] = [v.getBigInt64(8, true), v.getBigInt64(16, true)];
      if (m <= 0n || s <= 0n || m > BigInt(MSG_MAX) || s > BigInt(MSGSIZE_MAX)) return -Errno.EINVAL;
      maxmsg = Number(m);
      msgsize = Number(s);
    }
    id = ctx.kernel.state.nextObjectId;
    const creds = ctx.process.creds;
    ctx.emit({ type: 'MqCreated', id, name, mode: mode & 0o777 & ~ctx.process.umask, uid: creds.euid, gid: creds.egid, maxmsg, msgsize });
  } else {
    const q = ns!.queues.get(id)!;
    const acc = (oflag & O_ACCMODE) === O_RDONLY ? 4 : (oflag & O_ACCMODE) === O_WRONLY ? 2 : 6;
    if (!permits(ctx, q, acc)) return -Errno.EACCES;
  }
  return openNewFile(ctx, { kind: 'mqueue', path: `/${name}`, flags: oflag & (O_ACCMODE | O_NONBLOCK), cloexec: true, objectId: id });
}

export function sysMqUnlink(ctx: SyscallContext): Outcome {
  const name = readName(ctx, ctx.args[0]!);
  if (typeof name === 'number') return name;
  const id = ctx.kernel.state.mqueues?.names.get(name);
  if (id === undefined) return -Errno.ENOENT;
  // Removing a name takes write permission on the filesystem's root (1777, sticky: root or the owner).
  const q = ctx.kernel.state.mqueues!.queues.get(id)!;
  if (!capable(ctx.process.creds, CAP_FOWNER) && ctx.process.creds.euid !== q.uid) return -Errno.EPERM;
  ctx.emit({ type: 'MqUnlinked', id });
  return 0;
}

/** An mqueue descriptor, or -EBADF. */
function queueFd(ctx: SyscallContext, fd: number): { d: FdLookup; id: number } | number {
  const d = lookupFd(ctx, fd);
  if (!d || d.file.kind !== 'mqueue') return -Errno.EBADF;
  return { d, id: d.file.objectId! };
}

/** The absolute CLOCK_REALTIME deadline, as a monotonicMs() deadline (null: none), or -errno. */
function readDeadline(ctx: SyscallContext, addr: number): number | null {
  if (addr === 0) return null;
  const raw = ctx.read(addr, 16);
  if (!raw || raw.length !== 16) return -Errno.EFAULT;
  const v = new DataView(raw.buffer, raw.byteOffset, 16);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return -Errno.EINVAL;
  // Milliseconds from now on the kernel's realtime clock, onto the timeouts' clock.
  const leftNs = sec * 1_000_000_000n + nsec - realtimeNs();
  return monotonicMs() + Number(leftNs > 0n ? (leftNs + 999_999n) / 1_000_000n : 0n);
}

/** Waits for attempt() to give a result, up to the deadline (then ETIMEDOUT). */
function waitUntil(ctx: SyscallContext, id: number, deadline: number | null, attempt: () => number | null): Outcome {
  const first = attempt();
  if (first !== null) return first;
  if (deadline !== null && monotonicMs() >= deadline) return -Errno.ETIMEDOUT;
  if (deadline === null) return ctx.block([mqueueWakeKey(id)], attempt);
  const kernel = ctx.kernel;
  const timerKey = `timer:${ctx.thread.tid}`;
  const timer = wakeAt(deadline, () => kernel.notify(timerKey));
  const timed = (): number | null => {
    const r = attempt();
    return r !== null || monotonicMs() < deadline ? r : -Errno.ETIMEDOUT;
  };
  return ctx.block([mqueueWakeKey(id), timerKey], timed, () => timer.cancel());
}

export function sysMqTimedsend(ctx: SyscallContext): Outcome {
  const len = ctx.args[2]!;
  const prio = ctx.uint(3);
  const deadline = readDeadline(ctx, ctx.args[4]!);
  if (deadline !== null && deadline < 0) return deadline;
  if (prio < 0 || prio >= MQ_PRIO_MAX) return -Errno.EINVAL;
  const found = queueFd(ctx, ctx.int(0));
  if (typeof found === 'number') return found;
  const { d, id } = found;
  if ((d.file.flags & O_ACCMODE) === O_RDONLY) return -Errno.EBADF;
  const q = ctx.kernel.state.mqueues?.queues.get(id);
  if (!q) return -Errno.EBADF;
  if (len < 0 || len > q.msgsize) return -Errno.EMSGSIZE;
  const text = len === 0 ? new Uint8Array(0) : ctx.read(ctx.args[1]!, len);
  if (!text || text.length !== len) return -Errno.EFAULT;
  const bytes = Uint8Array.from(text);
  const kernel = ctx.kernel;
  const attempt = (): number | null => {
    const queue = kernel.state.mqueues?.queues.get(id);
    if (!queue) return -Errno.EBADF;
    if (queue.messages.length >= queue.maxmsg) return d.file.flags & O_NONBLOCK ? -Errno.EAGAIN : null;
    const wasEmpty = queue.messages.length === 0;
    const notify = queue.notify;
    kernel.emit({ type: 'MqSent', id, prio, bytes });
    // The registered process hears of a message arriving in an empty queue (once), unless a receiver was waiting for it.
    if (wasEmpty && notify && !kernel.hasWaiters(mqueueWakeKey(id))) {
      kernel.emit({ type: 'MqNotifySet', id, notify: null });
      if (notify.how === SIGEV_SIGNAL && notify.signo !== 0) sendToProcess(ctx, notify.pid, notify.signo, { code: SI_MESGQ, pid: ctx.process.pid, uid: ctx.process.creds.uid, status: -1, value: notify.value });
    }
    kernel.notify(mqueueWakeKey(id));
    return 0;
  };
  return waitUntil(ctx, id, deadline, attempt);
}

export function sysMqTimedreceive(ctx: SyscallContext): Outcome {
  const buf = ctx.args[1]!;
  const len = ctx.args[2]!;
  const prioAddr = ctx.args[3]!;
  const deadline = readDeadline(ctx, ctx.args[4]!);
  if (deadline !== null && deadline < 0) return deadline;
  const found = queueFd(ctx, ctx.int(0));
  if (typeof found === 'number') return found;
  const { d, id } = found;
  if ((d.file.flags & O_ACCMODE) === O_WRONLY) return -Errno.EBADF;
  const q = ctx.kernel.state.mqueues?.queues.get(id);
  if (!q) return -Errno.EBADF;
  // len is a size_t: negative here is enormous.
  if (len >= 0 && len < q.msgsize) return -Errno.EMSGSIZE;
  const kernel = ctx.kernel;
  const attempt = (): number | null => {
    const queue = kernel.state.mqueues?.queues.get(id);
    if (!queue) return -Errno.EBADF;
    const msg = queue.messages[0];
    if (!msg) return d.file.flags & O_NONBLOCK ? -Errno.EAGAIN : null;
    // Taken off before it is copied out: a bad buffer loses it, as on Linux.
    kernel.emit({ type: 'MqReceived', id });
    kernel.notify(mqueueWakeKey(id));
    if (!ctx.write(buf, msg.bytes)) return -Errno.EFAULT;
    if (prioAddr !== 0) {
      const p = Buffer.alloc(4);
      p.writeUInt32LE(msg.prio);
      if (!ctx.write(prioAddr, p)) return -Errno.EFAULT;
    }
    return msg.bytes.length;
  };
  return waitUntil(ctx, id, deadline, attempt);
}

const SIGEVENT_SIZE = 64;

export function sysMqNotify(ctx: SyscallContext): Outcome {
  const found = queueFd(ctx, ctx.int(0));
  const sevp = ctx.args[1]!;
  let request: { how: number; signo: number; value: bigint } | null = null;
  if (sevp !== 0) {
    // struct sigevent: sigev_value (8 bytes), sigev_signo, sigev_notify.
    // The whole struct sigevent (64 bytes) is copied first.
    const raw = ctx.read(sevp, SIGEVENT_SIZE);
    if (!raw || raw.length !== SIGEVENT_SIZE) return -Errno.EFAULT;
    const v = new DataView(raw.buffer, raw.byteOffset, 16);
    const how = v.getInt32(12, true);
    const signo = v.getInt32(8, true);
    // SIGEV_THREAD's notification comes through a netlink socket, which the sandbox does not offer.
    if (how === SIGEV_THREAD) return -Errno.EINVAL;
    if (how !== SIGEV_SIGNAL && how !== SIGEV_NONE) return -Errno.EINVAL;
    if (how === SIGEV_SIGNAL && (signo < 0 || signo > NSIG)) return -Errno.EINVAL;
    request = { how, signo, value: v.getBigInt64(0, true) };
  }
  if (typeof found === 'number') return found;
  const q = ctx.kernel.state.mqueues?.queues.get(found.id);
  if (!q) return -Errno.EBADF;
  const pid = ctx.process.pid;
  if (request === null) {
    if (q.notify?.pid === pid) ctx.emit({ type: 'MqNotifySet', id: q.id, notify: null });
    return 0;
  }
  if (q.notify && q.notify.pid !== pid) return -Errno.EBUSY;
  ctx.emit({ type: 'MqNotifySet', id: q.id, notify: { pid, ...request } });
  return 0;
}

export function sysMqGetsetattr(ctx: SyscallContext): Outcome {
  const found = queueFd(ctx, ctx.int(0));
  const newAddr = ctx.args[1]!;
  const oldAddr = ctx.args[2]!;
  let newFlags: number | null = null;
  if (newAddr !== 0) {
    const raw = ctx.read(newAddr, MQ_ATTR_SIZE);
    if (!raw || raw.length !== MQ_ATTR_SIZE) return -Errno.EFAULT;
    const flags = new DataView(raw.buffer, raw.byteOffset, MQ_ATTR_SIZE).getBigInt64(0, true);
    if (flags & ~BigInt(O_NONBLOCK)) return -Errno.EINVAL;
    newFlags = Number(flags);
  }
  if (typeof found === 'number') return found;
  const q = ctx.kernel.state.mqueues?.queues.get(found.id);
  if (!q) return -Errno.EBADF;
  if (oldAddr !== 0) {
    const out = new DataView(new ArrayBuffer(MQ_ATTR_SIZE));
    out.setBigInt64(0, BigInt(found.d.file.flags & O_NONBLOCK), true);
    out.setBigInt64(8, BigInt(q.maxmsg), true);
    out.setBigInt64(16, BigInt(q.msgsize), true);
    out.setBigInt64(24, BigInt(q.messages.length), true);
    if (!ctx.write(oldAddr, new Uint8Array(out.buffer))) return -Errno.EFAULT;
  }
  if (newFlags !== null) {
    ctx.emit({ type: 'FileStatusFlagsSet', fileId: found.d.file.id, flags: (found.d.file.flags & ~O_NONBLOCK) | newFlags });
  }
  return 0;
}
