// File descriptor tables and open file descriptions (shared offsets and status flags).
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState } from '../state.js';
import { processOf } from '../task/reducer.js';

function release(state: KernelState, fileId: number): void {
  const f = state.files.get(fileId);
  if (!f) return;
  f.refs -= 1;
  if (f.refs <= 0) state.files.delete(fileId);
}

export const fdReducers: ReducerTable<
  'FileOpened' | 'FdInstalled' | 'FdClosed' | 'FdFlagsSet' | 'FileOffsetSet' | 'FileStatusFlagsSet'
> = {
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
    });
  },
  FdInstalled(state, e) {
    const fds = processOf(state, e.pid).fds;
    const previous = fds.get(e.fd);
    fds.set(e.fd, { fileId: e.fileId, cloexec: e.cloexec });
    const f = state.files.get(e.fileId);
    if (f) f.refs += 1;
    if (previous) release(state, previous.fileId);
  },
  FdClosed(state, e) {
    const fds = processOf(state, e.pid).fds;
    const entry = fds.get(e.fd);
    if (!entry) return;
    fds.delete(e.fd);
    release(state, entry.fileId);
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
    if (f) f.flags = e.flags;
  },
};
