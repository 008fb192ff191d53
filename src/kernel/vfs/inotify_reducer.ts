// inotify instances: watches on inodes (dev, ino: a copied-up file keeps its lower identity)
// and the queues of records that FsNotified events, and closes of watched open files, fill.
import {
  IN_ALL_EVENTS, IN_CLOSE_NOWRITE, IN_CLOSE_WRITE, IN_DELETE_SELF, IN_IGNORED, IN_ISDIR, IN_ONESHOT, IN_Q_OVERFLOW,
} from '../abi/inotify.js';
import type { ReducerTable } from '../reducer_types.js';
import type { InodeRef, InotifyRecord, InotifyState, KernelState, WatchedOpen } from '../state.js';

/** Records an instance holds before the rest is dropped for one IN_Q_OVERFLOW (fs.inotify.max_queued_events). */
export const MAX_QUEUED_EVENTS = 16384;

function queue(inotify: InotifyState, record: InotifyRecord): void {
  const last = inotify.queue[inotify.queue.length - 1];
  // An event like the last one still unread is merged with it, as Linux does.
  if (last && last.wd === record.wd && last.mask === record.mask && last.cookie === record.cookie && last.name === record.name) return;
  if (inotify.queue.length >= MAX_QUEUED_EVENTS) {
    if (last?.mask !== IN_Q_OVERFLOW) inotify.queue.push({ wd: -1, mask: IN_Q_OVERFLOW, cookie: 0, name: '' });
    return;
  }
  inotify.queue.push(record);
}

/** A watch goes (rm_watch, IN_ONESHOT, its inode deleted): IN_IGNORED tells the reader. */
function dropWatch(inotify: InotifyState, wd: number): void {
  const before = inotify.watches.length;
  inotify.watches = inotify.watches.filter((w) => w.wd !== wd);
  if (inotify.watches.length !== before) queue(inotify, { wd, mask: IN_IGNORED, cookie: 0, name: '' });
}

/** Queues an event for the watch on inode, if any instance has one that wants it. */
function deliver(state: KernelState, inode: InodeRef, mask: number, cookie: number, name: string): void {
  for (const inotify of state.inotifies.values()) {
    const watch = inotify.watches.find((w) => w.dev === inode.dev && w.ino === inode.ino);
    if (!watch) continue;
    let dropped = false;
    if (mask & watch.mask & IN_ALL_EVENTS) {
      queue(inotify, { wd: watch.wd, mask, cookie, name });
      if (watch.mask & IN_ONESHOT) {
        dropWatch(inotify, watch.wd);
        dropped = true;
      }
    }
    if (mask & IN_DELETE_SELF && name === '' && !dropped) dropWatch(inotify, watch.wd);
  }
}

/** An event on the entry name of directory parent (with its name), then on the inode itself (without). */
function notifyWatches(state: KernelState, mask: number, cookie: number, self: InodeRef | null, parent: InodeRef | null, name: string): void {
  if (parent) deliver(state, parent, mask, cookie, name);
  if (self) deliver(state, self, mask, cookie, '');
}

/** Whether some instance watches inode. */
export function isWatched(state: KernelState, inode: InodeRef | null): boolean {
  if (!inode) return false;
  for (const inotify of state.inotifies.values()) {
    if (inotify.watches.some((w) => w.dev === inode.dev && w.ino === inode.ino)) return true;
  }
  return false;
}

/** The last open file of a watched file or directory has closed. */
export function closeReported(state: KernelState, watched: WatchedOpen, wrote: boolean): void {
  const mask = (wrote ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE) | (watched.dir ? IN_ISDIR : 0);
  notifyWatches(state, mask, 0, watched.self, watched.parent, watched.name);
}

export const inotifyReducers: ReducerTable<'InotifyCreated' | 'InotifyWatchSet' | 'InotifyWatchRemoved' | 'InotifyRead' | 'FsNotified'> = {
  InotifyCreated(state, e) {
    state.nextObjectId = Math.max(state.nextObjectId, e.id + 1);
    state.inotifies.set(e.id, { id: e.id, nextWd: 1, watches: [], queue: [] });
  },
  InotifyWatchSet(state, e) {
    const inotify = state.inotifies.get(e.id);
    if (!inotify) return;
    inotify.nextWd = Math.max(inotify.nextWd, e.wd + 1);
    const watch = inotify.watches.find((w) => w.wd === e.wd);
    if (watch) watch.mask = e.mask;
    else inotify.watches.push({ wd: e.wd, dev: e.dev, ino: e.ino, mask: e.mask });
  },
  InotifyWatchRemoved(state, e) {
    const inotify = state.inotifies.get(e.id);
    if (inotify) dropWatch(inotify, e.wd);
  },
  InotifyRead(state, e) {
    state.inotifies.get(e.id)?.queue.splice(0, e.count);
  },
  FsNotified(state, e) {
    state.inotifyCookie = Math.max(state.inotifyCookie, e.cookie);
    notifyWatches(state, e.mask, e.cookie, e.self, e.parent, e.name);
  },
};
