// Process file descriptors: pidfd_open gives an fd that names a process of the sandbox (it
// becomes readable when the process ends, wait4's alternative for event loops), which
// pidfd_send_signal signals, waitid(P_PIDFD) waits for, and pidfd_getfd copies fds out of.
import { Errno } from '../errno.js';
import { lookupFd, lowestFreeFd, openNewFile } from '../fd/fd_table.js';
import { O_NONBLOCK, O_RDWR } from '../abi/open_flags.js';
import type { OpenFile, ProcessState } from '../state.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';
import { callerAsSender, maySignal, queuedSender, sendToProcess, signalGroup, signalThread } from './signal.js';
import { SI_USER } from '../abi/signals.js';

const PIDFD_NONBLOCK = O_NONBLOCK;
const PIDFD_SIGNAL_THREAD = 1;
const PIDFD_SIGNAL_THREAD_GROUP = 2;
const PIDFD_SIGNAL_PROCESS_GROUP = 4;

/** What a waiter on a pidfd is woken by: the process's exit (Kernel.onExit notifies it). */
export function pidfdWakeKey(pid: number): string {
  return `pidfd:${pid}`;
}

/** A pidfd is readable once its process has ended (a zombie, or already reaped). */
export function pidfdReadable(ctx: SyscallContext, file: OpenFile): boolean {
  const p = ctx.kernel.state.processes.get(file.objectId!);
  return !p || p.status !== 'running';
}

export function sysPidfdOpen(ctx: SyscallContext): Outcome {
  const pid = ctx.int(0);
  const flags = ctx.uint(1);
  if (flags & ~PIDFD_NONBLOCK || pid <= 0) return -Errno.EINVAL;
  const target = ctx.kernel.state.processes.get(pid);
  // Only a thread-group leader names a process (a thread's own id is ENOENT, as Linux 6.x says).
  // A zombie is still there to name (until it is reaped).
  if (!target) return ctx.kernel.state.threads.has(pid) ? -Errno.ENOENT : -Errno.ESRCH;
  if (lowestFreeFd(ctx.process) < 0) return -Errno.EMFILE;
  return openPidfd(ctx, pid, flags & PIDFD_NONBLOCK);
}

/** A pidfd of process pid in the caller's fd table (close-on-exec, as Linux makes them): the fd, or -EMFILE. */
export function openPidfd(ctx: SyscallContext, pid: number, flags = 0): number {
  return openNewFile(ctx, { kind: 'pidfd', path: 'anon_inode:[pidfd]', flags: O_RDWR | flags, cloexec: true, objectId: pid });
}

/** The process a pidfd argument names, or -EBADF (no fd, or not a pidfd, as Linux 6.x says). */
export function pidfdProcess(ctx: SyscallContext, fd: number): { pid: number; process: ProcessState | undefined; file: OpenFile } | number {
  const d = lookupFd(ctx, fd);
  if (!d || d.file.kind !== 'pidfd') return -Errno.EBADF;
  const pid = d.file.objectId!;
  return { pid, process: ctx.kernel.state.processes.get(pid), file: d.file };
}

/**
 * pidfd_send_signal also takes an fd of a /proc/PID directory for the process (Linux's
 * tgid_pidfd_to_pid); undefined when fd is not one.
 */
function procDirProcess(ctx: SyscallContext, fd: number): { pid: number; process: ProcessState | undefined } | undefined {
  const d = lookupFd(ctx, fd);
  const m = d?.file.kind === 'dir' ? /^\/proc\/([1-9][0-9]*)$/.exec(d.file.path) : null;
  if (!m) return undefined;
  const pid = Number(m[1]);
  return { pid, process: ctx.kernel.state.processes.get(pid) };
}

/**
 * pidfd_send_signal: to the process (the default, or PIDFD_SIGNAL_THREAD_GROUP), to its
 * leader thread only (PIDFD_SIGNAL_THREAD), or to its process group (PIDFD_SIGNAL_PROCESS_GROUP).
 */
export function sysPidfdSendSignal(ctx: SyscallContext): Outcome {
  const scope = ctx.uint(3);
  if (scope & ~(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP)) return -Errno.EINVAL;
  if (scope & (scope - 1)) return -Errno.EINVAL; // at most one scope
  const named = procDirProcess(ctx, ctx.int(0)) ?? pidfdProcess(ctx, ctx.int(0));
  if (typeof named === 'number') return named;
  const sig = ctx.int(1);
  const infoAddr = ctx.args[2]!;
  const sender = infoAddr === 0
    ? callerAsSender(ctx, SI_USER)
    : queuedSender(ctx, named.pid, infoAddr, sig);
  if (typeof sender === 'number') return sender;
  if (scope === PIDFD_SIGNAL_THREAD) return signalThread(ctx, named.pid, sig, sender);
  if (scope === PIDFD_SIGNAL_PROCESS_GROUP) {
    if (!named.process || named.process.status !== 'running') return -Errno.ESRCH;
    return signalGroup(ctx, named.process.pgid, sig, sender);
  }
  return sendToProcess(ctx, named.pid, sig, sender);
}

/** pidfd_getfd: a copy of another process's fd (its open file, shared), close-on-exec. */
export function sysPidfdGetfd(ctx: SyscallContext): Outcome {
  if (ctx.uint(2) !== 0) return -Errno.EINVAL;
  const named = pidfdProcess(ctx, ctx.int(0));
  if (typeof named === 'number') return named;
  if (!named.process || named.process.status !== 'running') return -Errno.ESRCH;
  // Taking another process's fds is a ptrace-level right: root, or the same user.
  if (!maySignal(ctx.process, named.process, 0)) return -Errno.EPERM;
  const entry = named.process.fds.get(ctx.int(1));
  if (!entry) return -Errno.EBADF;
  const fd = lowestFreeFd(ctx.process);
  if (fd < 0) return -Errno.EMFILE;
  ctx.emit({ type: 'FdInstalled', pid: ctx.process.pid, fd, fileId: entry.fileId, cloexec: true });
  return fd;
}
