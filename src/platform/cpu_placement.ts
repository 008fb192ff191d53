// Where the tracer and the sandbox's threads run. A trapped syscall is two hand-offs between
// the program's thread and the tracer; when they share a CPU each costs a context switch
// (~3 us here), when the other CPU must be woken from idle it costs ~40-80 us (DESIGN.md).
// So the tracer and every sandbox thread share one CPU while the program makes syscalls;
// when it computes without trapping for a while, its threads get every CPU back, and they
// return to the tracer's CPU once syscalls become frequent again.

import { sandboxCpus } from '../kernel/host_cpus.js';
import type { NativeAddon } from './native_addon.js';

/** Stops per second above which a widened sandbox is brought back to the tracer's CPU. */
const REPIN_RATE = 2000;
const SAMPLE_EVERY = 256;

export class CpuPlacement {
  private readonly cpu: number;
  private readonly allCpus: number[];
  private readonly threads = new Set<number>();
  private widened = false;
  private stops = 0;
  private sampleStart = process.hrtime.bigint();

  constructor(private readonly native: NativeAddon) {
    // Before the pinning below: the sandbox's CPUs are the ones tsvisor was given.
    this.allCpus = [...Array(sandboxCpus()).keys()];
    this.cpu = Math.max(0, native.currentCpu());
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
    const now = process.hrtime.bigint();
    const seconds = Number(now - this.sampleStart) / 1e9;
    this.stops = 0;
    this.sampleStart = now;
    if (SAMPLE_EVERY / seconds > REPIN_RATE) this.apply(false);
  }

  /** Called when a whole wait slice passed without a stop: the program is computing. */
  onQuietSlice(): void {
    if (!this.widened && this.threads.size > 0) this.apply(true);
  }

  private apply(widen: boolean): void {
    this.widened = widen;
    this.stops = 0;
    this.sampleStart = process.hrtime.bigint();
    const cpus = widen ? this.allCpus : [this.cpu];
    for (const tid of this.threads) this.native.setAffinity(tid, cpus);
  }
}
