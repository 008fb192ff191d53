// What happens to the children of a process that ends, once the reducer has given them their
// new parent (the nearest subreaper, or init: task/reducer.ts reaperFor): each child whose
// threads asked for a parent-death signal (prctl PR_SET_PDEATHSIG) gets it, and a child that
// had already ended is reported to its new parent as if it had just ended, so a subreaper's
// SIGCHLD handler and wait collect it (Linux's forget_original_parent).
import type { Kernel } from '../kernel.js';
import type { ProcessState } from '../state.js';
import { SI_USER } from '../abi/signals.js';

export function orphansAdopted(kernel: Kernel, parent: ProcessState, children: readonly ProcessState[]): void {
  const state = kernel.state;
  const signalled = new Set<number>();
  for (const child of children) {
    if (child.status === 'zombie') {
      if (child.waitStatus !== null) kernel.tellParentOfExit(child, child.waitStatus);
      continue;
    }
    for (const tid of child.threads) {
      const sig = state.threads.get(tid)?.pdeathSignal;
      if (sig === undefined) continue;
      // Sent as by kill from the dying parent (SEND_SIG_NOINFO: SI_USER, its pid and uid).
      kernel.noteSignalSender(child.pid, sig, { code: SI_USER, pid: parent.pid, uid: parent.creds.uid, status: -1 });
      kernel.platform.signalProcess(child.hostPid, sig);
      signalled.add(child.pid);
    }
  }
  if (signalled.size > 0) kernel.interruptSignalled(signalled);
}
