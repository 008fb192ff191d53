// Which epoll sets a wake key reaches. On Linux a file's wake-up runs the callback that every
// epoll set watching the file hooked into its wait queue (ep_poll_callback), and that wakes
// whoever waits on the set: in epoll_wait, or in poll/select/another epoll set on the set's own
// fd. Here Kernel.notify(key) notifies `epoll:ID` for each set this index says key reaches, so
// an epoll waiter waits on that one key, whatever is added to the set while it waits.
import type { KernelState } from '../state.js';
import { wakeKeysOf } from './poll.js';

/** Linux's EP_MAX_NESTS: how deep epoll sets may watch one another (and wake-ups travel). */
export const EP_MAX_NESTS = 4;

export function epollWakeKey(id: number): string {
  return `epoll:${id}`;
}

/**
 * Entries are added at EPOLL_CTL_ADD and not removed one by one: one left behind (its interest
 * deleted, or its file closed) only costs that set's waiters a look that finds nothing new. The
 * index is rebuilt from the interest lists once it has twice as many entries as there were then,
 * so it stays in proportion to the interests that exist.
 */
export class EpollWakeups {
  private readonly byKey = new Map<string, Set<number>>();
  private entries = 0;
  private limit = 0;
  private built = false;

  /** The epoll sets key reaches. */
  setsReached(state: KernelState, key: string): ReadonlySet<number> | undefined {
    if (!this.built) this.rebuild(state);
    return this.byKey.get(key);
  }

  /** A file with these wake keys was added to set id (the interest is in state already). */
  added(state: KernelState, id: number, keys: readonly string[]): void {
    if (!this.built) return this.rebuild(state);
    for (const key of keys) this.add(key, id);
    if (this.entries > this.limit) this.rebuild(state);
  }

  private add(key: string, id: number): void {
    let sets = this.byKey.get(key);
    if (!sets) this.byKey.set(key, (sets = new Set()));
    if (sets.has(id)) return;
    sets.add(id);
    this.entries++;
  }

  private rebuild(state: KernelState): void {
    this.byKey.clear();
    this.entries = 0;
    for (const ep of state.epolls.values()) {
      for (const interest of ep.interests) {
        const file = state.files.get(interest.fileId);
        if (file) for (const key of wakeKeysOf(file)) this.add(key, ep.id);
      }
    }
    this.limit = 2 * this.entries + 64;
    this.built = true;
  }
}
