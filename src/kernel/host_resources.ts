// Host handles behind kernel state: the state names them by id, this side table holds them.
// Never serialized; rebuilt (re-opened by path) on restore.
import fs from 'node:fs';

import { wakeAt, type WakeTimer } from './time/wake_timer.js';

export interface DirEntry {
  name: string;
  ino: bigint;
  /** d_type (DT_REG=8, DT_DIR=4, DT_LNK=10, ...). */
  type: number;
}

interface HostFile {
  fd: number;
  /** The contents of a synthetic file (/proc), made when it was opened. */
  content?: Uint8Array;
  /** Directory listing, taken at the first getdents64 and served from there. */
  entries?: DirEntry[];
}

/** The host memory behind a System V shared memory segment: an unnamed tmpfs file, and its identity for the stubs' fd cache. */
export interface ShmBacking {
  fd: number;
  key: string;
}

export class HostResources {
  private readonly files = new Map<number, HostFile>();
  /** Shared memory segments' host files, by shmid. */
  private readonly shm = new Map<number, ShmBacking>();
  /** The pages of overlay files mapped MAP_SHARED, by node id (vfs/shared_file_pages.ts). */
  readonly filePages = new Map<number, ShmBacking>();

  addShm(shmid: number, backing: ShmBacking): void {
    this.shm.set(shmid, backing);
  }

  shmBacking(shmid: number): ShmBacking | undefined {
    return this.shm.get(shmid);
  }

  /** Closes the host files of segments that no longer exist (their mappings keep the memory while they last). */
  releaseShmExcept(live: ReadonlyMap<number, unknown>): void {
    for (const [shmid, backing] of this.shm) {
      if (live.has(shmid)) continue;
      this.shm.delete(shmid);
      fs.closeSync(backing.fd);
    }
  }

  /**
   * O_PATH fds of host FIFOs and socket files whose pipe or listener the sandbox has, by the
   * node's identity ("dev:ino"): while held, the host gives that inode number to no other
   * file, so the identity the kernel state keys them by stays theirs (host_special_files.ts).
   */
  private readonly pins = new Map<string, number>();

  /** Holds fd for the node `identity` (an fd of a node already held is closed). */
  pin(identity: string, fd: number): void {
    if (this.pins.has(identity)) fs.closeSync(fd);
    else this.pins.set(identity, fd);
  }

  /** The held fd of a node, if any. */
  pinned(identity: string): number | undefined {
    return this.pins.get(identity);
  }

  get hasPins(): boolean {
    return this.pins.size > 0;
  }

  /** Lets go of the nodes no pipe or socket name is tied to any more. */
  unpinExcept(live: ReadonlySet<string>): void {
    for (const [identity, fd] of this.pins) {
      if (live.has(identity)) continue;
      this.pins.delete(identity);
      fs.closeSync(fd);
    }
  }

  /** Node timers that wake the waiters of a timerfd at its deadline, by timerfd id. */
  private readonly timers = new Map<number, WakeTimer>();

  /** (Re)arms the wake-up of timer id at deadline (ms of the now() clock; null: disarm). */
  armTimer(id: number, deadline: number | null, wake: () => void, now: () => number): void {
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    if (deadline !== null) this.timers.set(id, wakeAt(deadline, wake, now));
  }

  addFile(fileId: number, fd: number): void {
    this.files.set(fileId, { fd });
  }

  setContent(fileId: number, content: Uint8Array): void {
    this.files.set(fileId, { fd: -1, content });
  }

  content(fileId: number): Uint8Array {
    return this.files.get(fileId)?.content ?? new Uint8Array(0);
  }

  fd(fileId: number): number | undefined {
    return this.files.get(fileId)?.fd;
  }

  dirEntries(fileId: number, list: () => DirEntry[]): DirEntry[] {
    let f = this.files.get(fileId);
    if (!f) {
      // Directories have no host fd: their listing is the only host resource they hold.
      f = { fd: -1 };
      this.files.set(fileId, f);
    }
    f.entries ??= list();
    return f.entries;
  }

  /** A rewound directory (lseek to 0) is listed afresh at the next getdents64. */
  forgetListing(fileId: number, rewound: boolean): void {
    const f = this.files.get(fileId);
    if (f && rewound) delete f.entries;
  }

  /** Closes the host fd once no open file description refers to it any more. */
  release(fileId: number): void {
    const f = this.files.get(fileId);
    if (!f) return;
    this.files.delete(fileId);
    if (f.fd < 0) return;
    try {
      fs.closeSync(f.fd);
    } catch {
      // already closed: nothing to release
    }
  }

  releaseAll(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    for (const id of [...this.files.keys()]) this.release(id);
    this.unpinExcept(new Set());
    this.releaseShmExcept(new Map());
    for (const pages of this.filePages.values()) fs.closeSync(pages.fd);
    this.filePages.clear();
  }
}
