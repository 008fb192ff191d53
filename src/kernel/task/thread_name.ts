// A task's name (comm): each thread has its own (PR_SET_NAME names the caller only); the
// process's, which /proc/PID/comm, stat and status show, is its leader's.
import type { KernelState } from '../state.js';

export function threadName(state: KernelState, tid: number): string {
  const thread = state.threads.get(tid);
  const process = thread && state.processes.get(thread.pid);
  if (!thread || !process) return '';
  return thread.tid === process.pid ? process.comm : (thread.comm ?? process.comm);
}
