// POSIX message queues: named queues, their messages by priority and mq_notify's registration.
// A queue goes when it has neither a name nor an open file (fd/reducer.ts calls mqueueClosed).
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState, MqueueNamespace } from '../state.js';

function namespace(state: KernelState): MqueueNamespace {
  return (state.mqueues ??= { queues: new Map(), names: new Map() });
}

function stillOpen(state: KernelState, id: number): boolean {
  for (const f of state.files.values()) if (f.kind === 'mqueue' && f.objectId === id) return true;
  return false;
}

/** The last open file of queue id went: an unlinked queue goes with it. */
export function mqueueClosed(state: KernelState, id: number): void {
  const q = state.mqueues?.queues.get(id);
  if (q && q.name === null && !stillOpen(state, id)) state.mqueues!.queues.delete(id);
}

export const mqueueReducers: ReducerTable<'MqCreated' | 'MqUnlinked' | 'MqSent' | 'MqReceived' | 'MqNotifySet'> = {
  MqCreated(state, e) {
    const ns = namespace(state);
    ns.queues.set(e.id, { id: e.id, name: e.name, mode: e.mode, uid: e.uid, gid: e.gid, maxmsg: e.maxmsg, msgsize: e.msgsize, messages: [] });
    ns.names.set(e.name, e.id);
    state.nextObjectId = Math.max(state.nextObjectId, e.id + 1);
  },
  MqUnlinked(state, e) {
    const ns = namespace(state);
    const q = ns.queues.get(e.id);
    if (!q) return;
    if (q.name !== null) ns.names.delete(q.name);
    q.name = null;
    if (!stillOpen(state, e.id)) ns.queues.delete(e.id);
  },
  MqSent(state, e) {
    const q = state.mqueues?.queues.get(e.id);
    if (!q) return;
    const at = q.messages.findIndex((m) => m.prio < e.prio);
    q.messages.splice(at < 0 ? q.messages.length : at, 0, { prio: e.prio, bytes: e.bytes });
  },
  MqReceived(state, e) {
    state.mqueues?.queues.get(e.id)?.messages.shift();
  },
  MqNotifySet(state, e) {
    const q = state.mqueues?.queues.get(e.id);
    if (!q) return;
    if (e.notify) q.notify = { ...e.notify };
    else delete q.notify;
  },
};
