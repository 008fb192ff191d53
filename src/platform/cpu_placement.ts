// Where the tracer and the sandbox's threads run. A trapped syscall is two hand-offs between
// the program's thread and the tracer; when they share a CPU each costs a context switch
// (~3-6 us here), when the other CPU must be woken from idle it costs ~40-80 us (DESIGN.md).
// So the tracer and every sandbox thread that makes syscalls share one CPU; a thread that
// computes without trapping for a while gets every CPU back, and returns to the tracer's CPU
// once its syscalls become frequent again. The decision is per thread: a program whose threads
// compute in parallel while another one traps often (a poller, a logger) keeps every CPU for the
// computing ones.
//
// "A while" is QUIET_MS without a stop of a thread that is running (not held at a stop by the
// kernel: a thread parked in a blocking call stays where it is). Until then a thread that has
// started computing is held on the tracer's CPU, which on a shared host may be busy with another
// process while the other CPU idles (natively the scheduler would have put it there). Threads
// that trap keep their stops far closer than that (the longest stop-free stretch of gcc -c or of
// python's start-up is ~2-3 ms here). A thread wrongly widened is brought back at the next look
// that finds it above REPIN_RATE, each of its stops a hand-off to the other CPU (~75 us) until then.

import { sandboxCpus } from '../kernel/host_cpus.js';
import type { NativeAddon } from './native_addon.js';

/** A widened thread's stops per second above which it is brought back to the tracer's CPU. */
const REPIN_RATE = 2000;
/** The placement looks at the threads' stops after this many stops at most (and QUIET_MS at least). */
const LOOK_EVERY = 32;
/** How long without a stop means a running thread computes (ms). */
const QUIET_MS = 5;

export class CpuPlacement {
  private readonly cpu: number;
  private readonly allCpus: number[];
  /** Each sandbox thread's placement: true when it has every CPU, false on the tracer's. */
  private readonly wide = new Map<number, boolean>();
  private pinned = 0;
  private stops = 0;
  private lastLook = process.hrtime.bigint();
  private counts = new Int32Array(3 * 16);

  constructor(private readonly native: NativeAddon) {
    // Before the pinning below: the sandbox's CPUs are the ones tsvisor was given (taskset,
    // a cpuset), which need not be the first ones; their count is taken now too (host_cpus.ts).
    sandboxCpus();
    const allowed = native.allowedCpus();
    this.cpu = Math.max(0, native.currentCpu());
    this.allCpus = allowed.length > 0 ? allowed : [this.cpu];
    native.setAffinity(0, [this.cpu]);
  }

  /** A new sandbox thread or process: placed as the thread that made it (the first one pinned). */
  adopt(tid: number, creator?: number): void {
    this.place(tid, creator !== undefined && this.wide.get(creator) === true);
  }

  forget(tid: number): void {
    if (this.wide.get(tid) === false) this.pinned--;
    this.wide.delete(tid);
  }

  /** Called at every stop. */
  onStop(): void {
    if (++this.stops < LOOK_EVERY) return;
    this.stops = 0;
    if (Number(process.hrtime.bigint() - this.lastLook) >= QUIET_MS * 1e6) this.look();
  }

  /**
   * How long a wait of timeoutMs should first wait for a stop before onQuietSlice (undefined:
   * the whole wait; no thread is on the tracer's CPU, or the wait is not longer than that).
   */
  quietProbe(timeoutMs: number): number | undefined {
    return this.pinned > 0 && timeoutMs > QUIET_MS ? QUIET_MS : undefined;
  }

  /** Called when QUIET_MS (or a whole wait slice) passed without a stop: running threads compute. */
  onQuietSlice(): void {
    if (this.pinned > 0) this.look();
  }

  /** Widens the running threads that made no stop since the last look, pins back the widened ones that trap often. */
  private look(): void {
    const now = process.hrtime.bigint();
    const ms = Number(now - this.lastLook) / 1e6;
    this.lastLook = now;
    this.stops = 0;
    let total = this.native.threadStops(this.counts);
    // More threads than room: those left out keep their counts for the next look.
    if (total * 3 > this.counts.length) {
      total = this.counts.length / 3;
      this.counts = new Int32Array(6 * total);
    }
    const c = this.counts;
    for (let i = 0; i < total; i++) {
      const tid = c[3 * i]!;
      const wide = this.wide.get(tid);
      if (wide === undefined) continue;
      const stops = c[3 * i + 2]!;
      if (!wide && stops === 0 && c[3 * i + 1] === 1 && ms >= QUIET_MS) this.place(tid, true);
      else if (wide && (stops * 1000) / ms > REPIN_RATE) this.place(tid, false);
    }
  }

  private place(tid: number, wide: boolean): void {
    const was = this.wide.get(tid);
    if (was === false) this.pinned--;
    if (!wide) this.pinned++;
    this.wide.set(tid, wide);
    this.native.setAffinity(tid, wide ? this.allCpus : [this.cpu]);
  }
}
