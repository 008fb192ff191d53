// Applies one event to the kernel state through the reducer of the subsystem that owns it.
import type { KernelEvent, KernelEventType } from './events.js';
import { fdReducers } from './fd/reducer.js';
import { readinessReducers } from './ipc/readiness_reducer.js';
import { pipeReducers } from './ipc/reducer.js';
import { socketReducers } from './ipc/socket_reducer.js';
import { sysvReducers } from './ipc/sysv_reducer.js';
import { mqueueReducers } from './ipc/mqueue_reducer.js';
import { aioReducers } from './mm/aio_reducer.js';
import { mmReducers } from './mm/reducer.js';
import type { ReducerTable } from './reducer_types.js';
import { signalReducers } from './signal/reducer.js';
import type { KernelState } from './state.js';
import { afterExec } from './task/capabilities.js';
import { processOf, taskReducers } from './task/reducer.js';
import { consoleReducers } from './tty/console_reducer.js';
import { ptyReducers } from './tty/pty_reducer.js';
import { inotifyReducers } from './vfs/inotify_reducer.js';
import { overlayReducers } from './vfs/overlay_reducer.js';

/** Events that touch several subsystems at once. */
const crossReducers: ReducerTable<'ExecCompleted' | 'SyscallUnsupported' | 'HostnameSet' | 'DomainnameSet'> = {
  HostnameSet(state, e) {
    state.hostname = e.hostname;
  },
  DomainnameSet(state, e) {
    state.domainname = e.domainname;
  },
  ExecCompleted(state, e) {
    const p = processOf(state, e.pid);
    p.exe = e.exe;
    p.argv = [...e.argv];
    p.environ = [...e.envp];
    if (e.auxv) p.auxv = [...e.auxv];
    else delete p.auxv;
    p.comm = e.comm;
    if (e.creds) p.creds = { ...e.creds, groups: [...e.creds.groups] };
    // A set-ID exec leaves the process undumpable (suid_dumpable 0), any other makes it dumpable again.
    if (p.creds.euid !== p.creds.uid || p.creds.egid !== p.creds.gid) p.dumpable = 0;
    else if (p.dumpable !== undefined) delete p.dumpable;
    if (p.creds.caps) p.creds = afterExec(p.creds);
    // Kept sorted by start (mm/reducer.ts looks mappings up by address).
    const mappings = e.mappings.map((m) => ({ ...m })).sort((a, b) => a.start - b.start);
    p.mm = { brkStart: e.brkStart, brk: e.brkStart, mappings };
    // The AIO contexts went with the old address space.
    delete p.aio;
    // Caught signals revert to their default action; ignored ones stay ignored.
    for (const [sig, action] of p.sigactions) {
      if (action.handler > 1) p.sigactions.delete(sig);
    }
    // A clone child that execs ends with SIGCHLD to its parent, as any process (Linux's exec).
    delete p.exitSignal;
  },
  SyscallUnsupported(state, e) {
    if (!state.unsupportedReported.includes(e.name)) state.unsupportedReported.push(e.name);
  },
};

// Typed as the table of every event type: an event without a reducer does not compile.
const reducers: ReducerTable<KernelEventType> = {
  ...taskReducers,
  ...fdReducers,
  ...mmReducers,
  ...aioReducers,
  ...signalReducers,
  ...pipeReducers,
  ...overlayReducers,
  ...inotifyReducers,
  ...readinessReducers,
  ...socketReducers,
  ...sysvReducers,
  ...mqueueReducers,
  ...ptyReducers,
  ...consoleReducers,
  ...crossReducers,
};

export function applyEvent(state: KernelState, event: KernelEvent): void {
  (reducers[event.type] as (s: KernelState, e: KernelEvent) => void)(state, event);
}
