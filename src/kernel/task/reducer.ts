// Processes and threads: creation, exec, exit, identity, cwd, root, umask, limits.
import { processOwner, releaseLocks } from '../fd/file_locks.js';
import { releaseFile } from '../fd/reducer.js';
import { inheritSysv } from '../ipc/sysv_reducer.js';
import { forgetAioInChild } from '../mm/aio_reducer.js';
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState, ProcessState, ProcessUsage } from '../state.js';

export function processOf(state: KernelState, pid: number): ProcessState {
  const p = state.processes.get(pid);
  if (!p) throw new Error(`no process ${pid}`);
  return p;
}

/** Where the orphans of process p go: its nearest living ancestor that is a subreaper, else init. */
export function reaperFor(state: KernelState, p: ProcessState): number {
  for (let a = state.processes.get(p.ppid); a; a = state.processes.get(a.ppid)) {
    if (a.childSubreaper && a.status === 'running') return a.pid;
  }
  return 1;
}

export const taskReducers: ReducerTable<
  'ProcessStarted' | 'ProcessForked' | 'ThreadCreated' | 'ThreadRehosted' | 'ProcessReaped' | 'ProcessStopped' | 'ProcessContinued' | 'WaitReportTaken' | 'ProcessGroupSet' | 'SessionCreated' | 'CredentialsSet' | 'ThreadExited' | 'ProcessExited' | 'ClearChildTidSet' | 'CwdChanged' | 'RootChanged' | 'UmaskSet' | 'RlimitSet' | 'CommSet' | 'SchedulingSet' | 'PersonalitySet' | 'SeccompFiltered' | 'NoNewPrivsSet' | 'ParentDeathSignalSet' | 'ChildSubreaperSet' | 'DumpableSet' | 'OomScoreAdjSet' | 'CoredumpFilterSet' | 'TracerSet'
> = {
  ProcessStarted(state, e) {
    state.nextPid = Math.max(state.nextPid, e.pid + 1, e.tid + 1);
    state.processes.set(e.pid, {
      pid: e.pid,
      ppid: e.ppid,
      pgid: e.pid,
      sid: e.pid,
      hostPid: e.hostTid,
      threads: [e.tid],
      status: 'running',
      waitStatus: null,
      stopSignal: 0,
      waitReport: null,
      exe: e.exe,
      argv: [...e.argv],
      environ: [],
      comm: '',
      cwd: e.cwd,
      umask: e.umask,
      creds: { ...e.creds, groups: [...e.creds.groups] },
      fds: new Map(),
      mm: { brkStart: 0, brk: 0, mappings: [] },
      sigactions: new Map(),
      rlimits: new Map(e.rlimits.map(([res, soft, hard]) => [res, [soft, hard]])),
      ...(e.startMs !== undefined ? { startMs: e.startMs } : {}),
    });
    state.threads.set(e.tid, { tid: e.tid, pid: e.pid, hostTid: e.hostTid, clearChildTid: 0 });
  },
  ProcessForked(state, e) {
    const parent = processOf(state, e.ppid);
    state.nextPid = Math.max(state.nextPid, e.pid + 1);
    // The child gets a copy of everything: fds (sharing their open files), cwd, root, limits,
    // handlers, memory layout, identity.
    const fds = new Map([...parent.fds].map(([fd, entry]) => [fd, { ...entry }]));
    for (const { fileId } of fds.values()) {
      const f = state.files.get(fileId);
      if (f) f.refs += 1;
    }
    state.processes.set(e.pid, {
      ...parent,
      pid: e.pid,
      ppid: e.parent ?? parent.pid,
      hostPid: e.hostTid,
      threads: [e.pid],
      status: 'running',
      waitStatus: null,
      stopSignal: 0,
      waitReport: null,
      argv: [...parent.argv],
      environ: [...parent.environ],
      creds: { ...parent.creds, groups: [...parent.creds.groups] },
      fds,
      mm: { ...parent.mm, mappings: parent.mm.mappings.map((m) => ({ ...m })) },
      sigactions: new Map([...parent.sigactions].map(([sig, a]) => [sig, { ...a }])),
      rlimits: new Map([...parent.rlimits].map(([res, l]) => [res, [l[0], l[1]] as [number, number]])),
    });
    // Being a subreaper is not inherited; dumpable is (it belongs to the memory, which is copied).
    if (parent.childSubreaper) delete state.processes.get(e.pid)!.childSubreaper;
    const child = state.processes.get(e.pid)!;
    // A new process has used nothing yet, and has no children whose usage it counts.
    delete child.usage;
    delete child.childUsage;
    if (e.exitSignal !== undefined) child.exitSignal = e.exitSignal;
    else delete child.exitSignal;
    // The child is named as the thread that forked.
    if (e.comm !== undefined) state.processes.get(e.pid)!.comm = e.comm;
    if (e.startMs !== undefined) state.processes.get(e.pid)!.startMs = e.startMs;
    if (parent.shmAttached || parent.semUndo) inheritSysv(state, state.processes.get(e.pid)!);
    forgetAioInChild(child);
    state.threads.set(e.pid, { tid: e.pid, pid: e.pid, hostTid: e.hostTid, clearChildTid: 0 });
  },
  ThreadCreated(state, e) {
    state.nextPid = Math.max(state.nextPid, e.tid + 1);
    const process = processOf(state, e.pid);
    process.threads.push(e.tid);
    // A thread starts with its creator's name.
    state.threads.set(e.tid, { tid: e.tid, pid: e.pid, hostTid: e.hostTid, clearChildTid: 0, comm: e.comm ?? process.comm });
  },
  ThreadRehosted(state, e) {
    const thread = state.threads.get(e.tid);
    if (!thread) return;
    thread.hostTid = e.hostTid;
    const process = state.processes.get(thread.pid);
    if (process && process.pid === e.tid) process.hostPid = e.hostTid;
  },
  ProcessReaped(state, e) {
    const child = state.processes.get(e.pid);
    const parent = child && e.waited ? state.processes.get(child.ppid) : undefined;
    if (child && parent) parent.childUsage = addUsage(addUsage(parent.childUsage, child.usage), child.childUsage);
    state.processes.delete(e.pid);
  },
  ProcessStopped(state, e) {
    const p = processOf(state, e.pid);
    p.stopSignal = e.signal;
    p.waitReport = 'stopped';
  },
  ProcessContinued(state, e) {
    const p = processOf(state, e.pid);
    p.stopSignal = 0;
    p.waitReport = 'continued';
  },
  WaitReportTaken(state, e) {
    processOf(state, e.pid).waitReport = null;
  },
  ProcessGroupSet(state, e) {
    processOf(state, e.pid).pgid = e.pgid;
  },
  SchedulingSet(state, e) {
    processOf(state, e.pid).scheduling = { ...e.scheduling };
  },
  PersonalitySet(state, e) {
    processOf(state, e.pid).personality = e.persona;
  },
  SeccompFiltered(state, e) {
    processOf(state, e.pid).seccompFiltered = true;
  },
  NoNewPrivsSet(state, e) {
    processOf(state, e.pid).noNewPrivs = true;
  },
  ParentDeathSignalSet(state, e) {
    const t = state.threads.get(e.tid);
    if (!t) return;
    if (e.signal === 0) delete t.pdeathSignal;
    else t.pdeathSignal = e.signal;
  },
  ChildSubreaperSet(state, e) {
    const p = processOf(state, e.pid);
    if (e.subreaper) p.childSubreaper = true;
    else delete p.childSubreaper;
  },
  TracerSet(state, e) {
    const thread = state.threads.get(e.tid);
    if (!thread) return;
    if (e.tracer === 0) delete thread.tracer;
    else thread.tracer = e.tracer;
  },
  DumpableSet(state, e) {
    const p = processOf(state, e.pid);
    if (e.dumpable === 1) delete p.dumpable;
    else p.dumpable = e.dumpable;
  },
  OomScoreAdjSet(state, e) {
    const p = processOf(state, e.pid);
    p.oomScoreAdj = e.value;
    if (e.min !== undefined) p.oomScoreAdjMin = e.min;
  },
  CoredumpFilterSet(state, e) {
    processOf(state, e.pid).coredumpFilter = e.value;
  },
  CredentialsSet(state, e) {
    const p = processOf(state, e.pid);
    // A new effective identity makes the process undumpable (suid_dumpable is 0) and forgets
    // its parent-death signal, as Linux's commit_creds does.
    if (p.creds.euid !== e.creds.euid || p.creds.egid !== e.creds.egid) {
      p.dumpable = 0;
      for (const tid of p.threads) {
        const t = state.threads.get(tid);
        if (t) delete t.pdeathSignal;
      }
    }
    p.creds = { ...e.creds, groups: [...e.creds.groups] };
  },
  SessionCreated(state, e) {
    const p = processOf(state, e.pid);
    p.sid = e.pid;
    p.pgid = e.pid;
  },
  ThreadExited(state, e) {
    const t = state.threads.get(e.tid);
    if (!t) return;
    state.threads.delete(e.tid);
    const p = state.processes.get(t.pid);
    if (p) p.threads = p.threads.filter((tid) => tid !== e.tid);
  },
  ProcessExited(state, e) {
    const p = processOf(state, e.pid);
    // An exiting process closes all its fds; its children go to the nearest subreaper, or init.
    for (const { fileId } of p.fds.values()) releaseFile(state, fileId);
    p.fds.clear();
    if (state.locks) releaseLocks(state, processOwner(p.pid));
    const reaper = reaperFor(state, p);
    for (const child of state.processes.values()) {
      if (child.ppid !== p.pid) continue;
      child.ppid = reaper;
      // Its new parent hears of its end by SIGCHLD (Linux's reparent_leader).
      delete child.exitSignal;
    }
    p.status = 'zombie';
    p.waitStatus = e.waitStatus;
    if (e.usage) p.usage = { ...e.usage };
    for (const tid of p.threads) state.threads.delete(tid);
    p.threads = [];
  },
  ClearChildTidSet(state, e) {
    const t = state.threads.get(e.tid);
    if (t) t.clearChildTid = e.addr;
  },
  CwdChanged(state, e) {
    processOf(state, e.pid).cwd = e.cwd;
  },
  RootChanged(state, e) {
    processOf(state, e.pid).root = e.root;
  },
  UmaskSet(state, e) {
    processOf(state, e.pid).umask = e.umask;
  },
  RlimitSet(state, e) {
    processOf(state, e.pid).rlimits.set(e.resource, [e.soft, e.hard]);
  },
  CommSet(state, e) {
    const thread = e.tid !== undefined && e.tid !== e.pid ? state.threads.get(e.tid) : undefined;
    if (thread) thread.comm = e.comm;
    else processOf(state, e.pid).comm = e.comm;
  },
};

/** Usage summed as Linux sums a reaped child's into its parent's: times add, the peak is the larger. */
function addUsage(total: ProcessUsage | undefined, more: ProcessUsage | undefined): ProcessUsage | undefined {
  if (!more) return total;
  if (!total) return { ...more };
  return { utimeUs: total.utimeUs + more.utimeUs, stimeUs: total.stimeUs + more.stimeUs, maxRssKb: Math.max(total.maxRssKb, more.maxRssKb) };
}
