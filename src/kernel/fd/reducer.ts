// File descriptor tables and open file descriptions (shared offsets and status flags).
import { closeSocket } from '../ipc/socket_reducer.js';
import { mqueueClosed } from '../ipc/mqueue_reducer.js';
import { applyLock, fileOwner, releaseLocks } from './file_locks.js';
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState } from '../state.js';
import { processOf } from '../task/reducer.js';
import { ptyFileClosed, ptyFileOpened } from '../tty/pty_reducer.js';
import { closeReported } from '../vfs/inotify_reducer.js';
import { releaseNode } from '../vfs/overlay_reducer.js';
import { O_ACCMODE, O_ASYNC, O_RDONLY, O_WRONLY } from '../abi/open_flags.js';


/** Drops one reference to an open file; the last one closes it (and its pipe end). */
export function releaseFile(state: KernelState, fileId: number): void {
  const f = state.files.get(fileId);
  if (!f) return;
  f.refs -= 1;
  if (f.refs > 0) return;
  state.files.delete(fileId);
  state.asyncFiles?.delete(fileId);
  if (state.dnotifyMarks) state.dnotifyMarks = state.dnotifyMarks.filter((m) => m.fileId !== fileId);
  // flock and OFD locks belong to the open file description.
  if (state.locks) releaseLocks(state, fileOwner(fileId));
  if (f.watched) closeReported(state, f.watched, (f.flags & O_ACCMODE) !== O_RDONLY);
  // An unlinked overlay file lives until its last open file closes.
  if (f.nodeId !== undefined) releaseNode(state, f.nodeId);
  if (f.kind === 'pipe' && f.pipeId !== undefined) {
    const pipe = state.pipes.get(f.pipeId);
    if (!pipe) return;
    // An O_RDWR end (of a FIFO) is both a reader and a writer.
    if ((f.flags & O_ACCMODE) !== O_WRONLY) pipe.readers -= 1;
    if ((f.flags & O_ACCMODE) !== O_RDONLY) pipe.writers -= 1;
    if (pipe.readers <= 0 && pipe.writers <= 0) state.pipes.delete(pipe.id);
  }
  // The kernel object of an epoll/eventfd/timerfd lives as long as its open file.
  if (f.objectId !== undefined) {
    if (f.kind === 'epoll') state.epolls.delete(f.objectId);
    else if (f.kind === 'eventfd') state.eventfds.delete(f.objectId);
    else if (f.kind === 'timerfd') state.timerfds.delete(f.objectId);
    else if (f.kind === 'signalfd') state.signalfds.delete(f.objectId);
    else if (f.kind === 'inotify') state.inotifies.delete(f.objectId);
    else if (f.kind === 'socket') closeSocket(state, f.objectId);
    else if (f.kind === 'pty-master' || f.kind === 'pty-slave') ptyFileClosed(state, f);
    else if (f.kind === 'mqueue') mqueueClosed(state, f.objectId);
  }
  // A closed open file leaves every epoll interest list it was on.
  for (const ep of state.epolls.values()) ep.interests = ep.interests.filter((i) => i.fileId !== fileId);
}

export const fdReducers: ReducerTable<
  'FileOpened' | 'FdInstalled' | 'FdClosed' | 'FdFlagsSet' | 'FileOffsetSet' | 'FileStatusFlagsSet' | 'OpenFileCopiedUp' | 'FileDropped' | 'OpenFileWatched'
  | 'LockSet' | 'LocksReleased' | 'FileOwnerSet' | 'FileOwnerSignalSet' | 'DnotifySet'
> = {
  FileOwnerSet(state, e) {
    const f = state.files.get(e.fileId);
    if (!f) return;
    if (e.ownerId === 0) delete f.owner;
    else f.owner = { type: e.ownerType, id: e.ownerId };
  },
  FileOwnerSignalSet(state, e) {
    const f = state.files.get(e.fileId);
    if (!f) return;
    if (e.signal === 0) delete f.ownerSignal;
    else f.ownerSignal = e.signal;
  },
  DnotifySet(state, e) {
    const marks = (state.dnotifyMarks ??= []);
    const at = marks.findIndex((m) => m.fileId === e.fileId && m.pid === e.pid);
    if (e.mask === 0) {
      if (at >= 0) marks.splice(at, 1);
    } else if (at >= 0) {
      // Linux adds the bits to the mark this fd's open file already has.
      marks[at]!.mask |= e.mask;
      marks[at]!.fd = e.fd;
    } else {
      marks.push({ dir: { ...e.dir }, fileId: e.fileId, pid: e.pid, fd: e.fd, mask: e.mask });
    }
  },
  LockSet(state, e) {
    applyLock(state, e.inode, e.kind, e.owner, e.lockType, e.start, e.end, e.pid);
  },
  LocksReleased(state, e) {
    releaseLocks(state, e.owner, e.inode);
  },
  OpenFileWatched(state, e) {
    const f = state.files.get(e.fileId);
    if (f) f.watched = { self: { ...e.watched.self }, parent: e.watched.parent && { ...e.watched.parent }, name: e.watched.name, dir: e.watched.dir };
  },
  FileDropped(state, e) {
    const f = state.files.get(e.fileId);
    if (!f || f.refs !== 0) return;
    f.refs = 1;
    releaseFile(state, e.fileId);
  },
  // A lower file open for reading was copied up: the open file now reads the upper copy.
  OpenFileCopiedUp(state, e) {
    const f = state.files.get(e.fileId);
    if (!f) return;
    f.kind = 'mem';
    f.nodeId = e.nodeId;
  },
  FileOpened(state, e) {
    state.nextFileId = Math.max(state.nextFileId, e.fileId + 1);
    state.files.set(e.fileId, {
      id: e.fileId,
      kind: e.kind,
      path: e.path,
      flags: e.flags,
      offset: 0,
      refs: 0,
      ...(e.hostFd === undefined ? {} : { hostFd: e.hostFd }),
      ...(e.pipeId === undefined ? {} : { pipeId: e.pipeId }),
      ...(e.objectId === undefined ? {} : { objectId: e.objectId }),
      ...(e.nodeId === undefined ? {} : { nodeId: e.nodeId }),
    });
    if (e.kind === 'pipe' && e.pipeId !== undefined) {
      const pipe = state.pipes.get(e.pipeId);
      if (pipe && (e.flags & O_ACCMODE) !== O_WRONLY) pipe.readers += 1;
      if (pipe && (e.flags & O_ACCMODE) !== O_RDONLY) pipe.writers += 1;
    }
    if ((e.kind === 'pty-master' || e.kind === 'pty-slave') && e.objectId !== undefined) ptyFileOpened(state, e.kind, e.objectId);
  },
  FdInstalled(state, e) {
    const fds = processOf(state, e.pid).fds;
    const previous = fds.get(e.fd);
    fds.set(e.fd, { fileId: e.fileId, cloexec: e.cloexec });
    const f = state.files.get(e.fileId);
    if (f) f.refs += 1;
    if (previous) releaseFile(state, previous.fileId);
  },
  FdClosed(state, e) {
    const fds = processOf(state, e.pid).fds;
    const entry = fds.get(e.fd);
    if (!entry) return;
    fds.delete(e.fd);
    // Closing a directory's fd ends the F_NOTIFY mark the process set through it (dnotify_flush).
    if (state.dnotifyMarks) state.dnotifyMarks = state.dnotifyMarks.filter((m) => !(m.fileId === entry.fileId && m.pid === e.pid));
    releaseFile(state, entry.fileId);
  },
  FdFlagsSet(state, e) {
    const entry = processOf(state, e.pid).fds.get(e.fd);
    if (entry) entry.cloexec = e.cloexec;
  },
  FileOffsetSet(state, e) {
    const f = state.files.get(e.fileId);
    if (f) f.offset = e.offset;
  },
  FileStatusFlagsSet(state, e) {
    const f = state.files.get(e.fileId);
    if (!f) return;
    f.flags = e.flags;
    if (!(e.flags & O_ASYNC)) state.asyncFiles?.delete(e.fileId);
    else if (e.fd !== undefined) (state.asyncFiles ??= new Map()).set(e.fileId, e.fd);
  },
};
