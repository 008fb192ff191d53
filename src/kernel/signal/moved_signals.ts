// Linux gives a signal sent to a whole process to its main thread when that thread does not
// block it and is not stopped (complete_signal's wants_signal), a thread asleep in a syscall
// included: a program whose main thread waits in read() while workers compute gets EINTR there
// from alarm(), and Python, which runs signal handlers only in its main thread, counts on it.
// The host sees a main thread the kernel has parked (a ptrace stop) as stopped and gives the
// signal to another thread. The kernel takes it back at that thread's delivery stop and sends
// it to the main thread, keeping its siginfo for the delivery there.
import type { Platform } from '../../platform/platform.js';
import type { ThreadState } from '../state.js';
import { SI_KERNEL, SI_USER } from '../abi/signals.js';

/** Signals a fault raises in the thread that made it. */
const SYNCHRONOUS: ReadonlySet<number> = new Set([4, 5, 7, 8, 11]); // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV
/** SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT: they act on the whole process wherever taken. */
const JOB_CONTROL: ReadonlySet<number> = new Set([19, 20, 21, 22, 18]);

/** siginfo_t offsets of si_code and si_pid. */
const SI_CODE_AT = 8;
const SI_PID_AT = 16;

export class MovedSignals {
  /** The siginfo of each moved signal by `${tid}:${sig}` of the main thread, oldest first. */
  private readonly moved = new Map<string, Uint8Array[]>();

  constructor(private readonly platform: Platform) {}

  /**
   * Whether a signal at a delivery stop, with the host's si_code, was sent to the process as a
   * whole: kill(2) and sigqueue(3) as the kernel makes them (SI_USER), or raised by the host's
   * timers (alarm, setitimer: SI_KERNEL). tgkill's (SI_TKILL), faults and POSIX timers, which
   * may name a thread, stay where they are.
   */
  static processDirected(sig: number, code: number): boolean {
    return (code === SI_USER || code === SI_KERNEL) && !SYNCHRONOUS.has(sig) && !JOB_CONTROL.has(sig);
  }

  /** Takes sig back from thread `from` (at its delivery stop) and sends it to `main`; false if `from` is gone. */
  move(from: ThreadState, main: ThreadState, sig: number): boolean {
    const info = this.platform.takeSiginfo(from.hostTid);
    if (!info) return false;
    const key = `${main.tid}:${sig}`;
    const queue = this.moved.get(key);
    if (queue) queue.push(info);
    else this.moved.set(key, [info]);
    this.platform.resume(from.hostTid, 0);
    this.platform.signalThread(main.hostTid, sig);
    return true;
  }

  /**
   * At a delivery stop of sig in thread: when it is a moved signal, its own siginfo is put back
   * (the host's says tgkill) and its si_code and si_pid are returned; else undefined.
   */
  arrived(thread: ThreadState, sig: number): { code: number; pid: number } | undefined {
    if (this.moved.size === 0) return undefined;
    const key = `${thread.tid}:${sig}`;
    const queue = this.moved.get(key);
    const info = queue?.shift();
    if (!info) return undefined;
    if (queue!.length === 0) this.moved.delete(key);
    this.platform.putSiginfo(thread.hostTid, info);
    const view = new DataView(info.buffer, info.byteOffset, info.byteLength);
    return { code: view.getInt32(SI_CODE_AT, true), pid: view.getInt32(SI_PID_AT, true) };
  }

  /** Forgets what was moved to a thread that is gone. */
  forget(tid: number): void {
    if (this.moved.size === 0) return;
    for (const key of [...this.moved.keys()]) if (key.startsWith(`${tid}:`)) this.moved.delete(key);
  }
}
