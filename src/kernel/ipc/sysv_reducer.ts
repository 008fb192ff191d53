// The sandbox's System V IPC namespace: segments, semaphore sets and message queues, the
// segments each process has attached, and each process's SEM_UNDO adjustments.
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState, ProcessState, SysvIpcState } from '../state.js';
import { IPCMNI, SEMVMX, SHM_DEST } from '../abi/sysv_ipc.js';
import { processOf } from '../task/reducer.js';

function sysv(state: KernelState): SysvIpcState {
  return (state.sysv ??= {
    shm: new Map(), sem: new Map(), msg: new Map(),
    cursors: { shm: { lastIndex: -1, seq: 0 }, sem: { lastIndex: -1, seq: 0 }, msg: { lastIndex: -1, seq: 0 } },
  });
}

/** Where the allocation of ids goes on after id (syscalls/sysv_ipc.ts nextId). */
function cursorAfter(id: number): { lastIndex: number; seq: number } {
  return { lastIndex: id % IPCMNI, seq: Math.floor(id / IPCMNI) };
}

/** A forked child shares its parent's attachments (each counts once more) and starts without SEM_UNDO adjustments. */
export function inheritSysv(state: KernelState, child: ProcessState): void {
  delete child.semUndo;
  if (!child.shmAttached) return;
  child.shmAttached = child.shmAttached.map((a) => ({ ...a }));
  for (const a of child.shmAttached) {
    const seg = state.sysv?.shm.get(a.shmid);
    if (seg) seg.nattch += 1;
  }
}

export const sysvReducers: ReducerTable<
  'SysvCreated' | 'SysvPermSet' | 'SysvRemoved' | 'ShmAttached' | 'ShmDetached' | 'SemChanged' | 'SemUndone' | 'MsgSent' | 'MsgReceived'
> = {
  SysvCreated(state, e) {
    const ns = sysv(state);
    ns.cursors[e.kind] = cursorAfter(e.id);
    const perm = { key: e.key, uid: e.uid, gid: e.gid, cuid: e.uid, cgid: e.gid, mode: e.mode, seq: cursorAfter(e.id).seq };
    if (e.kind === 'shm') {
      ns.shm.set(e.id, { id: e.id, perm, size: e.size, cpid: e.pid, lpid: 0, nattch: 0, atime: 0, dtime: 0, ctime: e.time });
    } else if (e.kind === 'sem') {
      ns.sem.set(e.id, { id: e.id, perm, values: new Array<number>(e.size).fill(0), pids: new Array<number>(e.size).fill(0), otime: 0, ctime: e.time });
    } else {
      ns.msg.set(e.id, { id: e.id, perm, messages: [], cbytes: 0, qbytes: e.size, lspid: 0, lrpid: 0, stime: 0, rtime: 0, ctime: e.time });
    }
  },
  SysvPermSet(state, e) {
    const obj = sysv(state)[e.kind].get(e.id);
    if (!obj) return;
    obj.perm.uid = e.uid;
    obj.perm.gid = e.gid;
    obj.perm.mode = e.mode;
    obj.ctime = e.time;
    const queue = sysv(state).msg.get(e.id);
    if (e.kind === 'msg' && queue && e.qbytes !== undefined) queue.qbytes = e.qbytes;
  },
  SysvRemoved(state, e) {
    const ns = sysv(state);
    const seg = e.kind === 'shm' ? ns.shm.get(e.id) : undefined;
    if (seg && seg.nattch > 0) {
      // Attached: it lives on, unreachable by its key, until the last detach.
      seg.perm.mode |= SHM_DEST;
      seg.perm.key = 0;
      return;
    }
    ns[e.kind].delete(e.id);
  },
  ShmAttached(state, e) {
    const seg = sysv(state).shm.get(e.shmid);
    if (!seg) return;
    const p = processOf(state, e.pid);
    (p.shmAttached ??= []).push({ shmid: e.shmid, start: e.start, size: e.size });
    seg.nattch += 1;
    seg.atime = e.time;
    seg.lpid = e.pid;
  },
  ShmDetached(state, e) {
    const p = processOf(state, e.pid);
    const i = p.shmAttached?.findIndex((a) => a.start === e.start) ?? -1;
    if (i < 0) return;
    const [gone] = p.shmAttached!.splice(i, 1);
    if (p.shmAttached!.length === 0) delete p.shmAttached;
    const ns = sysv(state);
    const seg = ns.shm.get(gone!.shmid);
    if (!seg) return;
    seg.nattch -= 1;
    seg.dtime = e.time;
    seg.lpid = e.pid;
    if (seg.nattch === 0 && seg.perm.mode & SHM_DEST) ns.shm.delete(seg.id);
  },
  SemChanged(state, e) {
    const ns = sysv(state);
    const set = ns.sem.get(e.id);
    if (!set) return;
    for (const [num, value] of e.values) {
      set.values[num] = value;
      set.pids[num] = e.pid;
    }
    if (e.op) {
      set.otime = e.time;
      if (e.undo.length === 0) return;
      const p = processOf(state, e.pid);
      const undo = (p.semUndo ??= []);
      for (const [num, delta] of e.undo) {
        const entry = undo.find((u) => u.semid === e.id && u.num === num);
        if (entry) entry.adj += delta;
        else undo.push({ semid: e.id, num, adj: delta });
      }
      p.semUndo = undo.filter((u) => u.adj !== 0);
      if (p.semUndo.length === 0) delete p.semUndo;
      return;
    }
    set.ctime = e.time;
    // SETVAL and SETALL cancel every process's adjustments of the semaphores they set.
    const nums = new Set(e.values.map(([num]) => num));
    for (const p of state.processes.values()) {
      if (!p.semUndo) continue;
      p.semUndo = p.semUndo.filter((u) => u.semid !== e.id || !nums.has(u.num));
      if (p.semUndo.length === 0) delete p.semUndo;
    }
  },
  SemUndone(state, e) {
    const p = processOf(state, e.pid);
    for (const u of p.semUndo ?? []) {
      const set = state.sysv?.sem.get(u.semid);
      if (!set || u.num >= set.values.length) continue;
      set.values[u.num] = Math.min(SEMVMX, Math.max(0, set.values[u.num]! + u.adj));
      set.pids[u.num] = e.pid;
    }
    delete p.semUndo;
  },
  MsgSent(state, e) {
    const queue = sysv(state).msg.get(e.id);
    if (!queue) return;
    queue.messages.push({ type: e.mtype, bytes: e.bytes });
    queue.cbytes += e.bytes.length;
    queue.lspid = e.pid;
    queue.stime = e.time;
  },
  MsgReceived(state, e) {
    const queue = sysv(state).msg.get(e.id);
    if (!queue) return;
    const [taken] = queue.messages.splice(e.index, 1);
    if (taken) queue.cbytes -= taken.bytes.length;
    queue.lrpid = e.pid;
    queue.rtime = e.time;
  },
};
