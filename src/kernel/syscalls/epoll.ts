// epoll: interest lists in kernel state, level- and edge-triggered readiness over every kind
// of fd the kernel has (pipes, eventfd, timerfd, files, tsvisor's stdio).
import { Errno } from '../errno.js';
import { lookupFd, lookupOpenFd, openNewFile } from '../fd/fd_table.js';
import type { EpollInterest, OpenFile } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { interestReport, involvesHostStream, readSigmask, readTimespecMs, wakeKeysOf } from './poll.js';
import { EP_MAX_NESTS, epollWakeKey } from './epoll_wakeups.js';
import { monotonicMs, wakeAt } from '../time/wake_timer.js';
import { O_RDWR } from '../abi/open_flags.js';

const EPOLL_CLOEXEC = 0o2000000;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
const EPOLLERR = 0x8;
const EPOLLHUP = 0x10;
const EPOLLEXCLUSIVE = 1 << 28;
const EPOLLWAKEUP = 1 << 29;
const EPOLLONESHOT = 1 << 30;
const EPOLLET = 1 << 31;
const EVENT_SIZE = 12; // struct epoll_event is packed on x86-64
const EP_MAX_EVENTS = 0x7fffffff / EVENT_SIZE;
const HOST_RECHECK_MS = 10;

export function sysEpollCreate1(ctx: SyscallContext): Outcome {
  const flags = ctx.uint(0);
  if (flags & ~EPOLL_CLOEXEC) return -Errno.EINVAL;
  return create(ctx, (flags & EPOLL_CLOEXEC) !== 0);
}

export function sysEpollCreate(ctx: SyscallContext): Outcome {
  return ctx.int(0) <= 0 ? -Errno.EINVAL : create(ctx, false);
}

function create(ctx: SyscallContext, cloexec: boolean): number {
  const id = ctx.kernel.state.nextObjectId;
  ctx.emit({ type: 'EpollCreated', id });
  return openNewFile(ctx, { kind: 'epoll', path: 'anon_inode:[eventpoll]', flags: O_RDWR, cloexec, objectId: id });
}

function epollOf(ctx: SyscallContext, epfd: number) {
  const d = lookupFd(ctx, epfd);
  if (!d) return -Errno.EBADF;
  if (d.file.kind !== 'epoll') return -Errno.EINVAL;
  return ctx.kernel.state.epolls.get(d.file.objectId!) ?? -Errno.EBADF;
}

/**
 * Whether Linux's file has a poll method, without which epoll_ctl refuses it (EPERM): regular
 * files and directories (host or overlay) have none, nor have /dev/null, /dev/zero, /dev/full and
 * /dev/urandom (of the random devices only /dev/random polls). Of the generated files, a
 * process's own (/proc/PID/maps, stat...) have none but its mount tables and its net/ files;
 * the rest of /proc (registered files, sysctls) and sysfs attributes have one.
 */
function hasPollMethod(file: OpenFile): boolean {
  if (file.kind === 'host' || file.kind === 'mem' || file.kind === 'dir') return false;
  if (file.kind === 'dev') return file.path === '/dev/random';
  if (file.kind === 'synthetic') return !PROCESS_FILE_WITHOUT_POLL.test(file.path);
  return true;
}

const PROCESS_FILE_WITHOUT_POLL = /^\/proc\/(?:self|thread-self|\d+)\/(?:task\/\d+\/)?(?!mounts$|mountinfo$|mountstats$|net\/)/;

/** The epoll sets a set watches directly. */
function setsWatchedBy(ctx: SyscallContext, id: number): number[] {
  const ep = ctx.kernel.state.epolls.get(id);
  if (!ep) return [];
  return ep.interests.flatMap((i) => {
    const file = ctx.kernel.state.files.get(i.fileId);
    return file?.kind === 'epoll' ? [file.objectId!] : [];
  });
}

/** How many levels of sets lie below set `id` (Infinity if `loopTo` is among them, or past any limit). */
function levelsBelow(ctx: SyscallContext, id: number, loopTo: number, level = 0): number {
  if (id === loopTo || level > EP_MAX_NESTS) return Infinity;
  return Math.max(0, ...setsWatchedBy(ctx, id).map((child) => 1 + levelsBelow(ctx, child, loopTo, level + 1)));
}

/** How many levels of sets watch set `id`. */
function levelsAbove(ctx: SyscallContext, id: number, level = 0): number {
  if (level > EP_MAX_NESTS) return Infinity;
  const parents = [...ctx.kernel.state.epolls.values()].filter((ep) => setsWatchedBy(ctx, ep.id).includes(id));
  return Math.max(0, ...parents.map((ep) => 1 + levelsAbove(ctx, ep.id, level + 1)));
}

/**
 * Adding set `target` to set `id` is ELOOP when `target` watches `id` already, or when the chain
 * of sets through the new link would be deeper than Linux allows (its ep_loop_check).
 */
function wouldLoop(ctx: SyscallContext, target: number, id: number): boolean {
  return levelsBelow(ctx, target, id) + 1 + levelsAbove(ctx, id) > EP_MAX_NESTS;
}

export function sysEpollCtl(ctx: SyscallContext): Outcome {
  const op = ctx.int(1);
  const fd = ctx.int(2);
  // The event of EPOLL_CTL_ADD and EPOLL_CTL_MOD is read before anything is looked up.
  const raw = op === EPOLL_CTL_ADD || op === EPOLL_CTL_MOD ? ctx.read(ctx.args[3]!, EVENT_SIZE) : null;
  if ((op === EPOLL_CTL_ADD || op === EPOLL_CTL_MOD) && !raw) return -Errno.EFAULT;
  const ep = epollOf(ctx, ctx.int(0));
  if (typeof ep === 'number') return ep;
  const target = lookupOpenFd(ctx, fd);
  if (!target) return -Errno.EBADF;
  if (target.file.kind === 'epoll' && target.file.objectId === ep.id) return -Errno.EINVAL;
  if (op === EPOLL_CTL_ADD && target.file.kind === 'epoll' && wouldLoop(ctx, target.file.objectId!, ep.id)) return -Errno.ELOOP;
  if (!hasPollMethod(target.file)) return -Errno.EPERM;
  const existing = ep.interests.find((i) => i.fileId === target.file.id && i.fd === fd);
  if (op === EPOLL_CTL_DEL) {
    if (!existing) return -Errno.ENOENT;
    ctx.emit({ type: 'EpollInterestRemoved', id: ep.id, fileId: target.file.id, fd });
    return 0;
  }
  if (!raw) return -Errno.EINVAL;
  const view = new DataView(raw.buffer, raw.byteOffset);
  const events = view.getUint32(0, true);
  const data = view.getBigUint64(4, true).toString();
  if (op === EPOLL_CTL_ADD && existing) return -Errno.EEXIST;
  if (op === EPOLL_CTL_MOD && !existing) return -Errno.ENOENT;
  if (op === EPOLL_CTL_MOD && (events & EPOLLEXCLUSIVE || (existing!.events & EPOLLEXCLUSIVE))) return -Errno.EINVAL;
  const interest: EpollInterest = {
    fd,
    fileId: target.file.id,
    events: (events | EPOLLERR | EPOLLHUP) & ~EPOLLWAKEUP,
    data,
    lastReported: 0,
    lastGeneration: -1,
    disabled: false,
  };
  ctx.emit({ type: 'EpollInterestSet', id: ep.id, interest });
  if (op === EPOLL_CTL_ADD) ctx.kernel.epollWakeups.added(ctx.kernel.state, ep.id, wakeKeysOf(target.file));
  ctx.kernel.notify(epollWakeKey(ep.id));
  return 0;
}

/** The ready interests, reported (and edge/one-shot state updated) up to max of them. */
function collect(ctx: SyscallContext, epollId: number, max: number): Buffer | null {
  const ep = ctx.kernel.state.epolls.get(epollId);
  if (!ep) return null;
  const out: Buffer[] = [];
  for (const i of [...ep.interests]) {
    if (out.length >= max) break;
    if (i.disabled) continue;
    const file = ctx.kernel.state.files.get(i.fileId);
    if (!file) continue;
    const { ready, report, generation } = interestReport(ctx, i, file);
    const edge = (i.events & EPOLLET) !== 0;
    if (edge && ready !== i.lastReported && report === 0) {
      // Readiness dropped some bits: remember, so that they count as new when they return.
      ctx.emit({ type: 'EpollReported', id: epollId, fileId: i.fileId, fd: i.fd, mask: ready, generation, disable: false });
    }
    if (report === 0) continue;
    const ev = Buffer.alloc(EVENT_SIZE);
    ev.writeUInt32LE(report >>> 0, 0);
    ev.writeBigUInt64LE(BigInt(i.data), 4);
    out.push(ev);
    // Reported interests go last, so that a wait with fewer slots than ready files comes to every one in turn.
    ctx.emit({ type: 'EpollReported', id: epollId, fileId: i.fileId, fd: i.fd, mask: ready, generation, disable: (i.events & EPOLLONESHOT) !== 0, requeue: true });
  }
  return out.length > 0 ? Buffer.concat(out) : null;
}

/** epoll_wait's wait; sigmask: epoll_pwait's and epoll_pwait2's mask, which holds while it waits (as ppoll's, poll.ts). */
function waitCommon(ctx: SyscallContext, timeoutMs: number | null, sigmask?: bigint): Outcome {
  const ep = epollOf(ctx, ctx.int(0));
  if (typeof ep === 'number') return ep;
  const max = ctx.int(2);
  if (max <= 0 || max > EP_MAX_EVENTS) return -Errno.EINVAL;
  const eventsAddr = ctx.args[1]!;
  if (!ctx.read(eventsAddr, EVENT_SIZE)) return -Errno.EFAULT;
  const deadline = timeoutMs === null ? null : monotonicMs() + timeoutMs;
  let restoreMask: (() => void) | undefined;
  const attempt = (): number | null => {
    const ready = collect(ctx, ep.id, max);
    const result = ready ? (ctx.write(eventsAddr, ready) ? ready.length / EVENT_SIZE : -Errno.EFAULT) : deadline !== null && monotonicMs() >= deadline ? 0 : null;
    if (result !== null) restoreMask?.();
    return result;
  };
  const first = attempt();
  if (first !== null) return first;
  const kernel = ctx.kernel;
  if (sigmask !== undefined) restoreMask = kernel.waitMasks.hold(ctx.thread, ctx.scratchAddress(), sigmask);
  const timerKey = `timer:${ctx.thread.tid}`;
  // Every event of a file in the set notifies the set's key (EpollWakeups), as does epoll_ctl.
  const keys = [timerKey, epollWakeKey(ep.id)];
  const fds = ep.interests.map((i) => i.fd);
  const timer = deadline === null ? undefined : wakeAt(deadline, () => kernel.notify(timerKey));
  const recheck = involvesHostStream(ctx, fds) ? setInterval(() => kernel.notify(timerKey), HOST_RECHECK_MS) : undefined;
  return ctx.block(keys, attempt, () => {
    timer?.cancel();
    clearInterval(recheck);
  });
}

export function sysEpollWait(ctx: SyscallContext): Outcome {
  const t = ctx.int(3);
  return waitCommon(ctx, t < 0 ? null : t);
}

export function sysEpollPwait(ctx: SyscallContext): Outcome {
  const mask = readSigmask(ctx, ctx.args[4]!, ctx.args[5]!);
  if (typeof mask === 'number') return mask;
  const t = ctx.int(3);
  return waitCommon(ctx, t < 0 ? null : t, mask);
}

export function sysEpollPwait2(ctx: SyscallContext): Outcome {
  const t = readTimespecMs(ctx, ctx.args[3]!);
  if (t === 'fault') return -Errno.EFAULT;
  if (t === 'invalid') return -Errno.EINVAL;
  const mask = readSigmask(ctx, ctx.args[4]!, ctx.args[5]!);
  if (typeof mask === 'number') return mask;
  return waitCommon(ctx, t, mask);
}
