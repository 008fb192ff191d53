// epoll instances, eventfds, timerfds and signalfds: the kernel objects behind readiness.
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState } from '../state.js';

function bump(state: KernelState, id: number): void {
  state.nextObjectId = Math.max(state.nextObjectId, id + 1);
}

export const readinessReducers: ReducerTable<
  | 'EpollCreated' | 'EpollInterestSet' | 'EpollInterestRemoved' | 'EpollReported'
  | 'EventfdCreated' | 'EventfdCounterSet' | 'TimerfdCreated' | 'TimerfdSet' | 'SignalfdCreated' | 'SignalfdMaskSet'
> = {
  EpollCreated(state, e) {
    bump(state, e.id);
    state.epolls.set(e.id, { id: e.id, interests: [] });
  },
  EpollInterestSet(state, e) {
    const ep = state.epolls.get(e.id);
    if (!ep) return;
    const at = ep.interests.findIndex((i) => i.fileId === e.interest.fileId && i.fd === e.interest.fd);
    if (at >= 0) ep.interests[at] = { ...e.interest };
    else ep.interests.push({ ...e.interest });
  },
  EpollInterestRemoved(state, e) {
    const ep = state.epolls.get(e.id);
    if (ep) ep.interests = ep.interests.filter((i) => !(i.fileId === e.fileId && i.fd === e.fd));
  },
  EpollReported(state, e) {
    const ep = state.epolls.get(e.id);
    const at = ep?.interests.findIndex((i) => i.fileId === e.fileId && i.fd === e.fd) ?? -1;
    if (at < 0) return;
    const interest = ep!.interests[at]!;
    interest.lastReported = e.mask;
    interest.lastGeneration = e.generation;
    if (e.disable) interest.disabled = true;
    if (e.requeue) ep!.interests.push(...ep!.interests.splice(at, 1));
  },
  EventfdCreated(state, e) {
    bump(state, e.id);
    state.eventfds.set(e.id, { id: e.id, counter: e.counter, semaphore: e.semaphore });
  },
  EventfdCounterSet(state, e) {
    const efd = state.eventfds.get(e.id);
    if (efd) efd.counter = e.counter;
  },
  TimerfdCreated(state, e) {
    bump(state, e.id);
    state.timerfds.set(e.id, { id: e.id, clock: e.clock, intervalNs: 0n, deadlineNs: null });
  },
  SignalfdCreated(state, e) {
    bump(state, e.id);
    state.signalfds.set(e.id, { id: e.id, mask: e.mask });
  },
  SignalfdMaskSet(state, e) {
    const sfd = state.signalfds.get(e.id);
    if (sfd) sfd.mask = e.mask;
  },
  TimerfdSet(state, e) {
    const t = state.timerfds.get(e.id);
    if (!t) return;
    t.intervalNs = e.intervalNs;
    t.deadlineNs = e.deadlineNs;
  },
};
