// The loader's calls, made in lists by the stub's runner (Platform.injectList): an exec's
// munmaps, mmaps and prctl cost one stop for each call the seccomp filter traps and none for
// one it allows, where an injected call costs two round trips (after the first). A call that
// fails ends its list; the calls after it go in the next list once it has been dealt with.
import { Errno } from '../errno.js';
import type { Platform } from '../../platform/platform.js';

/** Calls in one list (64 bytes each, at the stack's bottom: exec.ts, LIST_AT). */
export const MAX_LIST_CALLS = 32;
/** The bytes a list of MAX_LIST_CALLS takes in the stub's memory, with its end mark. */
export const LIST_BYTES = MAX_LIST_CALLS * 64 + 8;

export interface QueuedCall {
  /** [nr, up to six arguments]. */
  call: number[];
  /** A failure the loader gets past another way (true), or that ends the exec (false, absent). */
  recover?: (errno: number) => boolean;
  /** Once the call has succeeded (writes into the memory it mapped). */
  then?: () => void;
}

export class StubCalls {
  private queue: QueuedCall[] = [];

  constructor(
    private readonly platform: Platform,
    private readonly hostTid: number,
    private readonly listAddr: number,
    /** The error that ends the exec (exec.ts's ExecError). */
    private readonly failure: (errno: number, message: string) => Error,
  ) {}

  add(call: QueuedCall): void {
    this.queue.push(call);
  }

  /** Makes the queued calls, in order; throws the failure for one that nothing recovers. */
  run(): void {
    let pending = this.queue;
    this.queue = [];
    while (pending.length > 0) {
      const list = pending.slice(0, MAX_LIST_CALLS);
      const results = this.platform.injectList(this.hostTid, this.listAddr, list.map((q) => q.call));
      if (results === null) throw this.failure(Errno.ESRCH, 'the process died while loading');
      results.forEach((r, i) => {
        const q = list[i]!;
        if (r < 0 && r > -4096) {
          if (!q.recover?.(-r)) throw this.failure(-r, `injected syscall ${q.call[0]} failed (${-r})`);
        } else {
          q.then?.();
        }
      });
      pending = pending.slice(results.length);
    }
  }
}
