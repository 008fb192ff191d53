// Which process a thread id names: any thread's id (the pid among them) stands for its
// process, as kill, sched_*, capget and kcmp take it.
import type { KernelState, ProcessState } from '../state.js';

/** The process of thread tid, if the kernel knows that thread. */
export function processOfTid(state: KernelState, tid: number): ProcessState | undefined {
  const thread = state.threads.get(tid);
  return thread && state.processes.get(thread.pid);
}
