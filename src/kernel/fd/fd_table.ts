// Operations on a process's fd table, shared by the syscall handlers.
import { Errno } from '../errno.js';
import type { KernelState, OpenFile, OpenFileKind, ProcessState } from '../state.js';
import type { SyscallContext } from '../syscalls/context.js';
import { inotifyWakeKey } from '../syscalls/inotify.js';
import { O_PATH } from '../abi/open_flags.js';

const RLIMIT_NOFILE = 7;

export interface FdLookup {
  fd: number;
  cloexec: boolean;
  file: OpenFile;
}

export function lookupFd(ctx: SyscallContext, fd: number): FdLookup | undefined {
  const entry = ctx.process.fds.get(fd);
  if (!entry) return undefined;
  const file = ctx.kernel.state.files.get(entry.fileId);
  return file ? { fd, cloexec: entry.cloexec, file } : undefined;
}

/**
 * lookupFd for the calls that need an open file (Linux's fdget, where lookupFd is fdget_raw):
 * an O_PATH fd names a file without opening it, so it is none to them (their EBADF).
 */
export function lookupOpenFd(ctx: SyscallContext, fd: number): FdLookup | undefined {
  const d = lookupFd(ctx, fd);
  return d && !(d.file.flags & O_PATH) ? d : undefined;
}

/** The fd-limit of the process (RLIMIT_NOFILE soft limit). */
export function fdLimit(process: ProcessState): number {
  const soft = process.rlimits.get(RLIMIT_NOFILE)?.[0] ?? 1024;
  return soft < 0 ? 1 << 20 : soft;
}

/** The lowest free fd at or above min, or -EMFILE. */
export function lowestFreeFd(process: ProcessState, min = 0): number {
  const limit = fdLimit(process);
  for (let fd = min; fd < limit; fd++) if (!process.fds.has(fd)) return fd;
  return -Errno.EMFILE;
}

export function closeOnExec(process: ProcessState): number[] {
  return [...process.fds].filter(([, e]) => e.cloexec).map(([fd]) => fd);
}

/** Creates an open file description and installs it at the lowest free fd. Returns the fd or -errno. */
export function openNewFile(
  ctx: SyscallContext,
  desc: { kind: OpenFileKind; path: string; flags: number; cloexec: boolean; hostHandle?: number; hostFd?: number; pipeId?: number; objectId?: number; nodeId?: number },
): number {
  const fd = lowestFreeFd(ctx.process);
  if (fd < 0) return fd;
  const fileId = ctx.kernel.state.nextFileId;
  ctx.emit({
    type: 'FileOpened',
    fileId,
    kind: desc.kind,
    path: desc.path,
    flags: desc.flags,
    ...(desc.hostFd === undefined ? {} : { hostFd: desc.hostFd }),
    ...(desc.pipeId === undefined ? {} : { pipeId: desc.pipeId }),
    ...(desc.objectId === undefined ? {} : { objectId: desc.objectId }),
    ...(desc.nodeId === undefined ? {} : { nodeId: desc.nodeId }),
  });
  if (desc.hostHandle !== undefined) ctx.kernel.host.addFile(fileId, desc.hostHandle);
  ctx.emit({ type: 'FdInstalled', pid: ctx.process.pid, fd, fileId, cloexec: desc.cloexec });
  return fd;
}

/** Closes fd; the host handle goes once no fd refers to the open file. */
export function closeFd(ctx: SyscallContext, fd: number): number {
  const entry = ctx.process.fds.get(fd);
  if (!entry) return -Errno.EBADF;
  ctx.kernel.closeFds(ctx.process, [fd]);
  return 0;
}

/**
 * Who may be waiting on the other side of a file that is closing: the pipe's readers and
 * writers (EOF, EPIPE), the socket's peer (EOF, or a reset), inotify readers.
 */
export function wakeKeysOnClose(state: KernelState, file: OpenFile): string[] {
  if (file.pipeId !== undefined) return [`pipe:${file.pipeId}`];
  // The last close of a watched file queues IN_CLOSE_* (fd reducer): inotify readers look.
  if (file.watched && file.refs === 1) return [...state.inotifies.keys()].map(inotifyWakeKey);
  if ((file.kind === 'pty-master' || file.kind === 'pty-slave') && file.objectId !== undefined) return [`pty:${file.objectId}`];
  if (file.kind === 'socket' && file.objectId !== undefined) {
    const s = state.sockets.get(file.objectId);
    // A closing listener resets the connections it did not accept: their clients are woken too.
    const peers = [s?.peer, ...(s?.backlog ?? []).map((id) => state.sockets.get(id)?.peer)];
    return [`socket:${file.objectId}`, ...peers.filter((p) => p !== undefined).map((p) => `socket:${p}`)];
  }
  return [];
}
