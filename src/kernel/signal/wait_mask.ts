// The signal mask of ppoll, pselect6, epoll_pwait and epoll_pwait2, which holds only while the
// call waits. It is set on the host thread (an injected rt_sigprocmask), so that a signal it
// unblocks interrupts the wait, and the caller's own mask is kept here until it is back, as
// Linux keeps it (saved_sigmask with TIF_RESTORE_SIGMASK):
// - The call completes (ready, timed out): the caller's mask is put back before it returns.
// - A signal with a handler interrupts it: the host delivers it under the call's mask (the
//   handler runs with that, sa_mask and the signal, as on Linux), but the frame it builds must
//   carry the caller's mask, which rt_sigreturn (untrapped) puts back after the handler. The
//   thread goes on from that signal's delivery stop by a single step: the host builds the frame
//   and stops the thread at the handler's first instruction, where the caller's mask is written
//   into the frame's uc_sigmask. Only the first frame: a signal delivered at once after it nests
//   on it and saves the first handler's mask, as on Linux. (gpg-agent, whose npth threads keep
//   signals blocked outside pselect6, had them unblocked for good after the first interruption
//   and died of SIGSEGV: docs/git-test-suite.md.)
// - No handler runs before the thread's next trap (a stop signal, after which the call is made
//   again; a signal held for its point while recording): the mask is put back at that trap.
// Whenever the mask is put back, signals the process ignores that the wait's mask unblocked and
// that are pending on the host are discarded too: Linux discards an ignored signal that comes
// unblocked (or dequeues and drops one pending as the wait begins), but the host keeps it
// queued for a traced thread, and it would stay pending, blocked again, where sigpending,
// sigwait or a signalfd could see it.
import type { Platform } from '../../platform/platform.js';
import type { Stop } from '../../platform/stops.js';
import { DEFAULT_IGNORED } from '../abi/signals.js';
import type { KernelState, ProcessState, ThreadState } from '../state.js';
import { hostPendingSignals } from './host_pending.js';
import { scratchBelow } from '../syscalls/context.js';
import { SYS } from '../syscalls/numbers.js';

const SIG_SETMASK = 2;
const SIG_IGN = 1;
const SIGTRAP = 5;
/** si_code of the host's stop at a handler's entry after a single step (ptrace_notify(SIGTRAP)). */
const HANDLER_ENTRY_CODE = SIGTRAP;
/** si_code of a single step's trap after an instruction (no handler ran). */
const TRAP_TRACE = 2;
/**
 * Offset of uc_sigmask in x86-64's rt_sigframe, from the stack pointer at the handler's entry
 * (which points at pretcode): pretcode (8), then the ucontext: uc_flags (8), uc_link (8),
 * uc_stack (24), uc_mcontext (struct sigcontext, 256), uc_sigmask.
 */
const FRAME_SIGMASK_OFFSET = 8 + 8 + 8 + 24 + 256;
/** At most this many ignored signals are discarded at once (real-time ones queue). */
const DISCARD_LIMIT = 128;

/** What this needs of the kernel. */
export interface WaitMasksHost {
  readonly platform: Platform;
  readonly state: KernelState;
}

interface Held {
  /** The caller's mask, and the wait's. */
  saved: bigint;
  wait: bigint;
  /** The signal whose handler's entry the thread is single-stepping to (0: none). */
  stepping: number;
}

export class WaitMasks {
  private readonly threads = new Map<number, Held>();

  constructor(private readonly kernel: WaitMasksHost) {}

  private get platform(): Platform {
    return this.kernel.platform;
  }

  /**
   * Sets a waiting call's mask on the thread's host thread (at its trap; scratch: 16 free bytes
   * of its memory). Returns how the call, once complete, puts the caller's mask back.
   */
  hold(thread: ThreadState, scratch: number, mask: bigint): () => void {
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64LE(mask);
    this.platform.write(thread.hostTid, scratch, buf);
    this.platform.inject(thread.hostTid, SYS.rt_sigprocmask, SIG_SETMASK, scratch, scratch + 8, 8);
    const old = this.platform.read(thread.hostTid, scratch + 8, 8);
    if (!old) return () => {};
    this.threads.set(thread.tid, { saved: Buffer.from(old).readBigUInt64LE(), wait: mask, stepping: 0 });
    return () => this.putBack(thread, scratch);
  }

  /** The caller's mask of a thread whose wait's mask stands in for it on the host (undefined: none). */
  saved(tid: number): bigint | undefined {
    return this.threads.get(tid)?.saved;
  }

  /** At a trap of the thread (stack pointer sp): the caller's mask goes back if no frame took it. */
  atTrap(thread: ThreadState, sp: number): void {
    if (this.threads.size === 0 || !this.threads.has(thread.tid)) return;
    this.putBack(thread, scratchBelow(sp));
  }

  /**
   * Resumes the thread from its delivery stop of sig (0: none): by a single step into sig's
   * handler when it still has the caller's mask to put in a frame (see atSignalStop).
   */
  deliver(thread: ThreadState, process: ProcessState, sig: number): void {
    const held = this.threads.size > 0 ? this.threads.get(thread.tid) : undefined;
    if (!held || sig === 0 || (process.sigactions.get(sig)?.handler ?? 0) <= SIG_IGN) {
      this.platform.resume(thread.hostTid, sig);
      return;
    }
    held.stepping = sig;
    this.platform.singleStep(thread.hostTid, sig);
  }

  /**
   * At a signal stop: the end of a single step into a handler (see deliver). At the handler's
   * entry the caller's mask goes into its frame; a step that ran an instruction instead (no
   * frame: the handler changed meanwhile) is dropped, the mask going back at the next trap.
   * Which of the two it was, the thread resumed; undefined for any other stop.
   */
  atSignalStop(thread: ThreadState, process: ProcessState, stop: Stop): 'entry' | 'step' | undefined {
    const held = this.threads.size > 0 ? this.threads.get(thread.tid) : undefined;
    if (!held || held.stepping === 0) return undefined;
    const sig = held.stepping;
    held.stepping = 0;
    if (stop.value !== SIGTRAP) return undefined;
    const entry = stop.extra === HANDLER_ENTRY_CODE && stop.rip === process.sigactions.get(sig)?.handler;
    if (!entry && stop.extra !== TRAP_TRACE) return undefined;
    if (entry) {
      const mask = Buffer.alloc(8);
      mask.writeBigUInt64LE(held.saved);
      if (this.platform.write(thread.hostTid, stop.rsp + FRAME_SIGMASK_OFFSET, mask)) this.threads.delete(thread.tid);
    }
    this.platform.resume(thread.hostTid, 0);
    return entry ? 'entry' : 'step';
  }

  /** The thread has ended. */
  forget(tid: number): void {
    this.threads.delete(tid);
  }

  private putBack(thread: ThreadState, scratch: number): void {
    const held = this.threads.get(thread.tid);
    if (!held) return;
    this.threads.delete(thread.tid);
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64LE(held.saved);
    this.platform.write(thread.hostTid, scratch, buf);
    this.platform.inject(thread.hostTid, SYS.rt_sigprocmask, SIG_SETMASK, scratch, 0, 8);
    // After the mask: between two injected calls the tracer holds back the signals the thread
    // does not block (and sends them again), which only blocked ones escape.
    this.discardIgnored(thread, held, scratch);
  }

  /** Discards the host's pending signals the wait unblocked and the process ignores (see the top). */
  private discardIgnored(thread: ThreadState, held: Held, scratch: number): void {
    const process = this.kernel.state.processes.get(thread.pid);
    if (!process) return;
    let ignored = 0n;
    for (const sig of DEFAULT_IGNORED) if ((process.sigactions.get(sig)?.handler ?? 0) === 0) ignored |= 1n << BigInt(sig - 1);
    for (const [sig, action] of process.sigactions) if (action.handler === SIG_IGN) ignored |= 1n << BigInt(sig - 1);
    const unblocked = held.saved & ~held.wait & ignored;
    if (unblocked === 0n || (hostPendingSignals(process.hostPid, thread.hostTid) & unblocked) === 0n) return;
    // rt_sigtimedwait(set, NULL, {0, 0}) takes one of them a call, until none is left (EAGAIN).
    const args = Buffer.alloc(24);
    args.writeBigUInt64LE(unblocked, 0);
    this.platform.write(thread.hostTid, scratch, args);
    for (let n = 0; n < DISCARD_LIMIT; n++) {
      const r = this.platform.inject(thread.hostTid, SYS.rt_sigtimedwait, scratch, 0, scratch + 8, 8);
      if (r === null || r < 0) return;
    }
  }
}
