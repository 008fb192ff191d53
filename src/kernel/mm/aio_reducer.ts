// Linux AIO contexts (syscalls/aio.ts): made by io_setup, gone with io_destroy or the address
// space (exec). A fork's child has none (the ring's mapping is copied, the context is not).
import type { ReducerTable } from '../reducer_types.js';
import type { ProcessState } from '../state.js';
import { processOf } from '../task/reducer.js';

export const aioReducers: ReducerTable<'AioContextCreated' | 'AioCountersSet' | 'AioContextDestroyed'> = {
  AioContextCreated(state, e) {
    const p = processOf(state, e.pid);
    const { ring, size, nr, maxReqs, id, batch } = e;
    (p.aio ??= []).push({ ring, size, nr, maxReqs, id, batch, tail: 0, available: nr - 1, cached: 0, completed: 0 });
  },
  AioCountersSet(state, e) {
    const c = processOf(state, e.pid).aio?.find((x) => x.ring === e.ring);
    if (!c) return;
    c.tail = e.tail;
    c.available = e.available;
    c.cached = e.cached;
    c.completed = e.completed;
  },
  AioContextDestroyed(state, e) {
    const p = processOf(state, e.pid);
    p.aio = p.aio?.filter((c) => c.ring !== e.ring);
    if (p.aio?.length === 0) delete p.aio;
  },
};

/** A fork's child: no contexts. */
export function forgetAioInChild(child: ProcessState): void {
  delete child.aio;
}
