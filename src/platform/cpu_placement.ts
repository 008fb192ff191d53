// Where the tracer and the sandbox's threads run. A trapped syscall is two hand-offs between
// the program's thread and the tracer; when they share a CPU each costs a context switch
// (~3 us here), when the other CPU must be woken from idle it costs ~40-80 us (DESIGN.md).
// So the tracer and every sandbox thread share one CPU while the program makes syscalls;
// when it computes without trapping for a while, its threads get every CPU back, and they
// return to the tracer's CPU once syscalls become frequent again.
//
// "A while" is QUIET_MS without any stop: until then a program that has started computing is
// held on the tracer's CPU, which on a shared host may be busy with another process while the
// other CPU idles (natively the scheduler would have put it there). Programs that trap keep
// their stops far closer than that (the longest stop-free stretch of gcc -c or of python's
// start-up is ~2-3 ms here). A program wrongly widened is brought back after SAMPLE_EVERY stops
// at REPIN_RATE, each a hand-off to the other CPU (~75 us) until then.

import { sandboxCpus } from '../kernel/host_cpus.js';
import { hostMonotonicBigNs } from './host_clock.js';
import type { NativeAddon } from './native_addon.js';

/** Stops per second above which a widened sandbox is brought back to the tracer's CPU. */
const REPIN_RATE = 2000;
const SAMPLE_EVERY = 32;
/** How long without a stop means the sandbox computes (ms). */
const QUIET_MS = 5;

export class CpuPlacement {
  private readonly cpu: number;
  private readonly allCpus: number[];
  private readonly threads = new Set<number>();
  private widened = false;
  private stops = 0;
  private sampleStart = hostMonotonicBigNs();

  constructor(private readonly native: NativeAddon) {
    // Before the pinning below: the sandbox's CPUs are the ones tsvisor was given (taskset,
    // a cpuset), which need not be the first ones; their count is taken now too (host_cpus.ts).
    sandboxCpus();
    const allowed = native.allowedCpus();
    this.cpu = Math.max(0, native.currentCpu());
    this.allCpus = allowed.length > 0 ? allowed : [this.cpu];
    native.setAffinity(0, [this.cpu]);
  }

  /** A new sandbox thread (its affinity is inherited; the first one's is set here). */
  adopt(tid: number): void {
    this.threads.add(tid);
    this.native.setAffinity(tid, this.widened ? this.allCpus : [this.cpu]);
  }

  forget(tid: number): void {
    this.threads.delete(tid);
  }

  /** Called at every stop. */
  onStop(): void {
    if (!this.widened || ++this.stops < SAMPLE_EVERY) return;
    const now = hostMonotonicBigNs();
    const seconds = Number(now - this.sampleStart) / 1e9;
    this.stops = 0;
    this.sampleStart = now;
    if (SAMPLE_EVERY / seconds > REPIN_RATE) this.apply(false);
  }

  /**
   * How long a wait of timeoutMs should first wait for a stop before onQuietSlice (undefined:
   * the whole wait; the sandbox is already widened, or the wait is not longer than that).
   */
  quietProbe(timeoutMs: number): number | undefined {
    return !this.widened && this.threads.size > 0 && timeoutMs > QUIET_MS ? QUIET_MS : undefined;
  }

  /** Called when QUIET_MS (or a whole wait slice) passed without a stop: the program is computing. */
  onQuietSlice(): void {
    if (!this.widened && this.threads.size > 0) this.apply(true);
  }

  private apply(widen: boolean): void {
    this.widened = widen;
    this.stops = 0;
    this.sampleStart = hostMonotonicBigNs();
    const cpus = widen ? this.allCpus : [this.cpu];
    for (const tid of this.threads) this.native.setAffinity(tid, cpus);
  }
}
