// System V shared memory segments in a checkpoint image: each segment's pages that hold
// anything (its host file is read, not the processes' mappings, so a segment no process has
// attached is saved too), and the share key its mappings have in /proc/PID/maps, so that
// restore maps the segment's new host file where the processes had it attached.
import fs from 'node:fs';

import type { ShmBacking } from '../kernel/host_resources.js';
import { deviceText } from '../kernel/loader/host_mappings.js';
import type { Kernel } from '../kernel/kernel.js';
import { makeBacking } from '../kernel/syscalls/shm.js';
import type { SavedSegment } from './image_format.js';

const PAGE = 4096;
const CHUNK = 1 << 20;

/** The share key /proc/PID/maps gives a mapping of this file ("MAJOR:MINOR:INODE", as process_memory.ts makes it). */
function shareKey(fd: number): string {
  const st = fs.fstatSync(fd);
  return `${deviceText(st.dev)}:${st.ino}`;
}

/** Every segment with its non-zero pages, as runs [first page, bytes]. */
export function saveSegments(kernel: Kernel): SavedSegment[] {
  const out: SavedSegment[] = [];
  for (const seg of kernel.state.sysv?.shm.values() ?? []) {
    const backing = kernel.host.shmBacking(seg.id);
    if (!backing) throw new Error(`shared memory segment ${seg.id} has no host memory`);
    const runs: Array<[number, Uint8Array]> = [];
    const buf = Buffer.alloc(CHUNK);
    const add = (index: number, bytes: Uint8Array): void => {
      const last = runs[runs.length - 1];
      // A run that goes on past a chunk's end is joined (once per chunk at most).
      if (last && last[0] + Math.ceil(last[1].length / PAGE) === index) last[1] = Buffer.concat([last[1], bytes]);
      else runs.push([index, Uint8Array.from(bytes)]);
    };
    for (let at = 0; at < seg.size; at += CHUNK) {
      const got = fs.readSync(backing.fd, buf, 0, Math.min(CHUNK, seg.size - at), at);
      let start = -1;
      for (let o = 0; o <= got; o += PAGE) {
        const empty = o === got || buf.subarray(o, Math.min(o + PAGE, got)).every((b) => b === 0);
        if (!empty && start < 0) start = o;
        if (empty && start >= 0) {
          add((at + start) / PAGE, buf.subarray(start, Math.min(o, got)));
          start = -1;
        }
      }
      if (start >= 0) add((at + start) / PAGE, buf.subarray(start, got));
    }
    out.push({ shmid: seg.id, share: shareKey(backing.fd), runs });
  }
  return out;
}

/** New host files for the saved segments, filled: shmid -> its backing, and its image share key -> the host fd. */
export function restoreSegments(kernel: { state: Kernel['state'] }, saved: readonly SavedSegment[]): { backings: Map<number, ShmBacking>; byShare: Map<string, number> } {
  const backings = new Map<number, ShmBacking>();
  const byShare = new Map<string, number>();
  try {
    for (const s of saved) {
      const seg = kernel.state.sysv?.shm.get(s.shmid);
      if (!seg) throw new Error(`the image saves shared memory segment ${s.shmid}, which its kernel state lacks`);
      const backing = makeBacking(seg.size);
      if (!backing) throw new Error(`cannot make the host memory of shared memory segment ${s.shmid} (${seg.size} bytes)`);
      backings.set(s.shmid, backing);
      for (const [page, bytes] of s.runs) fs.writeSync(backing.fd, bytes, 0, bytes.length, page * PAGE);
      byShare.set(s.share, backing.fd);
    }
  } catch (err) {
    for (const b of backings.values()) fs.closeSync(b.fd);
    throw err;
  }
  return { backings, byShare };
}
