// ptrace(2) between sandbox processes, the part a tracer needs to stop threads and look at
// them: PTRACE_ATTACH (the thread stops as by SIGSTOP; its tracer's wait reports it), the
// registers (GETREGS, GETFPREGS, GETREGSET of NT_PRSTATUS, NT_PRFPREG, NT_X86_XSTATE), memory
// words (PEEK/POKE TEXT/DATA), GETSIGINFO, CONT, DETACH and KILL. That is what LeakSanitizer
// (every gcc -fsanitize=address program's exit) does from a clone sharing its memory.
// A traced thread that is let go runs untraced until its next attach-stop: no signal-delivery,
// syscall, exec or event stops; the requests that need them (TRACEME, SEIZE, SYSCALL,
// SINGLESTEP, SETOPTIONS with options...) are ENOSYS, reported once by name (strace and gdb
// then say ptrace is not implemented). tsvisor is the host's tracer of every sandbox thread, so
// a stop here is a thread tsvisor holds (Kernel.stopForTracer).
import { SI_KERNEL, SIGSTOP } from '../abi/signals.js';
import { Errno } from '../errno.js';
import type { ThreadState } from '../state.js';
import { mayAttach } from '../task/ptrace_access.js';
import type { SyscallContext } from './context.js';
import type { Outcome } from './outcome.js';

const PTRACE_TRACEME = 0;
const PTRACE_PEEKTEXT = 1;
const PTRACE_PEEKDATA = 2;
const PTRACE_PEEKUSER = 3;
const PTRACE_POKETEXT = 4;
const PTRACE_POKEDATA = 5;
const PTRACE_POKEUSER = 6;
const PTRACE_CONT = 7;
const PTRACE_KILL = 8;
const PTRACE_SINGLESTEP = 9;
const PTRACE_GETREGS = 12;
const PTRACE_SETREGS = 13;
const PTRACE_GETFPREGS = 14;
const PTRACE_SETFPREGS = 15;
const PTRACE_ATTACH = 16;
const PTRACE_DETACH = 17;
const PTRACE_GET_THREAD_AREA = 25;
const PTRACE_SET_THREAD_AREA = 26;
const PTRACE_ARCH_PRCTL = 30;
const PTRACE_SYSEMU = 31;
const PTRACE_SYSEMU_SINGLESTEP = 32;
const PTRACE_SINGLEBLOCK = 33;
const PTRACE_SYSCALL = 24;
const PTRACE_SETOPTIONS = 0x4200;
const PTRACE_GETEVENTMSG = 0x4201;
const PTRACE_GETSIGINFO = 0x4202;
const PTRACE_SETSIGINFO = 0x4203;
const PTRACE_GETREGSET = 0x4204;
const PTRACE_SETREGSET = 0x4205;
const PTRACE_SEIZE = 0x4206;
const PTRACE_INTERRUPT = 0x4207;
const PTRACE_LISTEN = 0x4208;
const PTRACE_PEEKSIGINFO = 0x4209;
const PTRACE_GETSIGMASK = 0x420a;
const PTRACE_SETSIGMASK = 0x420b;
const PTRACE_SECCOMP_GET_FILTER = 0x420c;
const PTRACE_SECCOMP_GET_METADATA = 0x420d;
const PTRACE_GET_SYSCALL_INFO = 0x420e;
const PTRACE_GET_RSEQ_CONFIGURATION = 0x420f;
const PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG = 0x4210;
const PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG = 0x4211;

/** The requests Linux has that need stops or state this tracer does not give, by name. */
const UNSUPPORTED: ReadonlyMap<number, string> = new Map([
  [PTRACE_TRACEME, 'PTRACE_TRACEME'],
  [PTRACE_PEEKUSER, 'PTRACE_PEEKUSER'],
  [PTRACE_POKEUSER, 'PTRACE_POKEUSER'],
  [PTRACE_SINGLESTEP, 'PTRACE_SINGLESTEP'],
  [PTRACE_SETREGS, 'PTRACE_SETREGS'],
  [PTRACE_SETFPREGS, 'PTRACE_SETFPREGS'],
  [PTRACE_SYSCALL, 'PTRACE_SYSCALL'],
  [PTRACE_GET_THREAD_AREA, 'PTRACE_GET_THREAD_AREA'],
  [PTRACE_SET_THREAD_AREA, 'PTRACE_SET_THREAD_AREA'],
  [PTRACE_ARCH_PRCTL, 'PTRACE_ARCH_PRCTL'],
  [PTRACE_SYSEMU, 'PTRACE_SYSEMU'],
  [PTRACE_SYSEMU_SINGLESTEP, 'PTRACE_SYSEMU_SINGLESTEP'],
  [PTRACE_SINGLEBLOCK, 'PTRACE_SINGLEBLOCK'],
  [PTRACE_SETOPTIONS, 'PTRACE_SETOPTIONS'],
  [PTRACE_GETEVENTMSG, 'PTRACE_GETEVENTMSG'],
  [PTRACE_SETSIGINFO, 'PTRACE_SETSIGINFO'],
  [PTRACE_SETREGSET, 'PTRACE_SETREGSET'],
  [PTRACE_SEIZE, 'PTRACE_SEIZE'],
  [PTRACE_INTERRUPT, 'PTRACE_INTERRUPT'],
  [PTRACE_LISTEN, 'PTRACE_LISTEN'],
  [PTRACE_PEEKSIGINFO, 'PTRACE_PEEKSIGINFO'],
  [PTRACE_GETSIGMASK, 'PTRACE_GETSIGMASK'],
  [PTRACE_SETSIGMASK, 'PTRACE_SETSIGMASK'],
  [PTRACE_SECCOMP_GET_FILTER, 'PTRACE_SECCOMP_GET_FILTER'],
  [PTRACE_SECCOMP_GET_METADATA, 'PTRACE_SECCOMP_GET_METADATA'],
  [PTRACE_GET_SYSCALL_INFO, 'PTRACE_GET_SYSCALL_INFO'],
  [PTRACE_GET_RSEQ_CONFIGURATION, 'PTRACE_GET_RSEQ_CONFIGURATION'],
  [PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG, 'PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG'],
  [PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG, 'PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG'],
]);

/** The requests handled here. */
const KNOWN: ReadonlySet<number> = new Set([PTRACE_PEEKTEXT, PTRACE_PEEKDATA, PTRACE_POKETEXT, PTRACE_POKEDATA, PTRACE_CONT, PTRACE_KILL,
  PTRACE_GETREGS, PTRACE_GETFPREGS, PTRACE_DETACH, PTRACE_GETSIGINFO, PTRACE_GETREGSET, PTRACE_SETOPTIONS]);

// Register sets (elf.h's note types) and their sizes on x86-64.
const NT_PRSTATUS = 1;
const NT_PRFPREG = 2;
const NT_X86_XSTATE = 0x202;
/** struct user_regs_struct: 27 words. */
const USER_REGS_SIZE = 27 * 8;
/** struct user_fpregs_struct: FXSAVE's legacy area, the first 512 bytes of the XSAVE area. */
const USER_FPREGS_SIZE = 512;
const NSIG = 64;
const SIGKILL = 9;

export function sysPtrace(ctx: SyscallContext): Outcome {
  const request = ctx.args[0]!;
  const tid = ctx.int(1);
  const addr = ctx.args[2]!;
  const data = ctx.args[3]!;
  if (request === PTRACE_ATTACH) return attach(ctx, tid);
  if (request === PTRACE_TRACEME || request === PTRACE_SEIZE) return unsupported(ctx, request);
  const tracee = ctx.kernel.state.threads.get(tid);
  // Linux's ptrace_check_attach comes first: the caller must be the thread's tracer, and it
  // must be stopped (PTRACE_KILL and PTRACE_INTERRUPT excepted).
  if (!tracee || tracee.tracer !== ctx.thread.tid) return -Errno.ESRCH;
  const stop = ctx.kernel.traceStopOf(tid);
  const stopped = stop !== undefined && stop.at !== 'stopping';
  if (!stopped && request !== PTRACE_KILL && request !== PTRACE_INTERRUPT) return -Errno.ESRCH;
  // SETOPTIONS with no option asks for no stop: nothing to refuse.
  if (UNSUPPORTED.has(request) && !(request === PTRACE_SETOPTIONS && data === 0)) return unsupported(ctx, request);
  if (!KNOWN.has(request)) return -Errno.EIO;
  if (request === PTRACE_KILL) {
    if (stopped) sendAfterStop(ctx, tracee, SIGKILL);
    return 0;
  }
  switch (request) {
    case PTRACE_PEEKTEXT:
    case PTRACE_PEEKDATA: {
      const word = ctx.kernel.platform.read(tracee.hostTid, addr, 8);
      if (!word) return -Errno.EIO;
      return ctx.write(data, word) ? 0 : -Errno.EFAULT;
    }
    case PTRACE_POKETEXT:
    case PTRACE_POKEDATA: {
      const word = Buffer.alloc(8);
      word.writeBigUInt64LE(BigInt.asUintN(64, BigInt(data)));
      return ctx.kernel.platform.poke(tracee.hostTid, addr, word) ? 0 : -Errno.EIO;
    }
    case PTRACE_GETREGS:
      return copyRegisters(ctx, tracee, NT_PRSTATUS, data, USER_REGS_SIZE);
    case PTRACE_GETFPREGS:
      return copyRegisters(ctx, tracee, NT_PRFPREG, data, USER_FPREGS_SIZE);
    case PTRACE_GETREGSET:
      return copyRegisterSet(ctx, tracee, addr, data);
    case PTRACE_GETSIGINFO: {
      const info = Buffer.alloc(128);
      info.writeInt32LE(SIGSTOP, 0);
      info.writeInt32LE(SI_KERNEL, 8); // the attach's SIGSTOP comes from the kernel (SEND_SIG_PRIV)
      return ctx.write(data, info) ? 0 : -Errno.EFAULT;
    }
    case PTRACE_SETOPTIONS:
      return 0;
    case PTRACE_CONT:
    case PTRACE_DETACH:
      return letGo(ctx, tracee, data, request === PTRACE_DETACH);
  }
  return -Errno.EIO;
}

function unsupported(ctx: SyscallContext, request: number): Outcome {
  const name = UNSUPPORTED.get(request)!;
  return ctx.kernel.unsupported(ctx.nr, name);
}

function attach(ctx: SyscallContext, tid: number): Outcome {
  const state = ctx.kernel.state;
  const tracee = tid > 0 ? state.threads.get(tid) : undefined;
  const process = tracee && state.processes.get(tracee.pid);
  if (!tracee || !process) {
    // A zombie can still be named, but has exited (ptrace_attach's exit_state check).
    return tid > 0 && state.processes.get(tid)?.status === 'zombie' ? -Errno.EPERM : -Errno.ESRCH;
  }
  if (process.status !== 'running') return -Errno.EPERM;
  // Its own thread group, a thread another tracer has, or one the caller may not reach: EPERM.
  if (process.pid === ctx.process.pid || tracee.tracer !== undefined || !mayAttach(ctx.process, process)) return -Errno.EPERM;
  ctx.emit({ type: 'TracerSet', tid, tracer: ctx.thread.tid });
  ctx.kernel.stopForTracer(tid);
  return 0;
}

/** CONT or DETACH: the attach's SIGSTOP is dropped (signal 0), any other signal is sent to the thread. */
function letGo(ctx: SyscallContext, tracee: ThreadState, sig: number, detach: boolean): Outcome {
  if (sig > NSIG) return -Errno.EIO;
  if (detach) ctx.emit({ type: 'TracerSet', tid: tracee.tid, tracer: 0 });
  sendAfterStop(ctx, tracee, sig === SIGSTOP ? 0 : sig);
  return 0;
}

/** Lets the tracee go, then sends it sig (0: none) as a parked call's signal is sent (it may end the call). */
function sendAfterStop(ctx: SyscallContext, tracee: ThreadState, sig: number): void {
  ctx.kernel.letTraceeGo(tracee.tid);
  if (sig === 0) return;
  ctx.kernel.noteSignalSender(tracee.pid, sig, { code: SI_KERNEL, pid: 0, uid: 0, status: -1 });
  ctx.kernel.platform.signalThread(tracee.hostTid, sig);
  ctx.kernel.interruptSignalled(new Set([tracee.pid]));
}

/** The bytes of a register set of a stopped tracee, or -errno. */
function registerSet(ctx: SyscallContext, tracee: ThreadState, type: number): Uint8Array | number {
  const captured = ctx.kernel.platform.captureThread(tracee.hostTid);
  if (!captured) return -Errno.ESRCH;
  switch (type) {
    case NT_PRSTATUS:
      return captured.regs.subarray(0, USER_REGS_SIZE);
    case NT_PRFPREG:
      return captured.xstate.subarray(0, USER_FPREGS_SIZE);
    case NT_X86_XSTATE:
      return captured.xstate;
    default:
      return -Errno.EINVAL;
  }
}

function copyRegisters(ctx: SyscallContext, tracee: ThreadState, type: number, to: number, size: number): Outcome {
  const set = registerSet(ctx, tracee, type);
  if (typeof set === 'number') return set;
  return ctx.write(to, set.subarray(0, size)) ? 0 : -Errno.EFAULT;
}

/** PTRACE_GETREGSET: as much of the set as the iovec holds; its length becomes what was copied. */
function copyRegisterSet(ctx: SyscallContext, tracee: ThreadState, type: number, iovecAddr: number): Outcome {
  const iovec = ctx.read(iovecAddr, 16);
  if (!iovec) return -Errno.EFAULT;
  const view = new DataView(iovec.buffer, iovec.byteOffset, 16);
  const base = Number(view.getBigUint64(0, true));
  const length = view.getBigUint64(8, true);
  const set = registerSet(ctx, tracee, type);
  if (typeof set === 'number') return set;
  const n = length < BigInt(set.length) ? Number(length) : set.length;
  if (!ctx.write(base, set.subarray(0, n))) return -Errno.EFAULT;
  const written = Buffer.alloc(8);
  written.writeBigUInt64LE(BigInt(n));
  return ctx.write(iovecAddr + 8, written) ? 0 : -Errno.EFAULT;
}
