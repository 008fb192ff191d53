// ptrace(2) between sandbox processes. A tracer attaches (PTRACE_ATTACH, stopping the thread as
// by SIGSTOP; PTRACE_SEIZE, without a stop, then PTRACE_INTERRUPT and LISTEN), or a child asks
// its parent to trace it (PTRACE_TRACEME); its tracee then stops for it at signal delivery, at
// its group-stop, at its syscalls' entry and exit (PTRACE_SYSCALL), at exec, and at the events
// the options ask for (fork, vfork, clone, whose children are traced too, exec, exit); the
// tracer's wait reports each stop as Linux encodes it, and the tracer reads and changes the
// tracee (registers, memory, PTRACE_GET_SYSCALL_INFO, GETEVENTMSG, siginfo) and lets it go
// (CONT, SYSCALL, DETACH, KILL). tsvisor is the host's tracer of every sandbox thread, so a stop
// here is a thread the kernel holds (Kernel.stopForTracer, holdTracee; task/trace_stop.ts).
// Not given (ENOSYS, reported once by name): single-stepping, SYSEMU, POKEUSER, SETFPREGS,
// PEEKSIGINFO, GET/SETSIGMASK, the seccomp, rseq and syscall-user-dispatch requests, and the
// vfork-done and seccomp options.
import { SI_KERNEL, SIGSTOP } from '../abi/signals.js';
import { Errno } from '../errno.js';
import type { ThreadState } from '../state.js';
import { mayAttach } from '../task/ptrace_access.js';
import {
  ATTACH_STOP_STATUS, PTRACE_O_EXITKILL, PTRACE_O_SUSPEND_SECCOMP, PTRACE_O_TRACECLONE, PTRACE_O_TRACEEXEC, PTRACE_O_TRACEEXIT, PTRACE_O_TRACEFORK,
  PTRACE_O_TRACESECCOMP, PTRACE_O_TRACESYSGOOD, PTRACE_O_TRACEVFORK, PTRACE_O_TRACEVFORKDONE, syscallInfo, type TraceStop,
} from '../task/trace_stop.js';
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
  [PTRACE_SETFPREGS, 'PTRACE_SETFPREGS'],
  [PTRACE_GET_THREAD_AREA, 'PTRACE_GET_THREAD_AREA'],
  [PTRACE_SET_THREAD_AREA, 'PTRACE_SET_THREAD_AREA'],
  [PTRACE_ARCH_PRCTL, 'PTRACE_ARCH_PRCTL'],
  [PTRACE_SYSEMU, 'PTRACE_SYSEMU'],
  [PTRACE_SYSEMU_SINGLESTEP, 'PTRACE_SYSEMU_SINGLESTEP'],
  [PTRACE_SINGLEBLOCK, 'PTRACE_SINGLEBLOCK'],
  [PTRACE_PEEKSIGINFO, 'PTRACE_PEEKSIGINFO'],
  [PTRACE_GETSIGMASK, 'PTRACE_GETSIGMASK'],
  [PTRACE_SETSIGMASK, 'PTRACE_SETSIGMASK'],
  [PTRACE_SECCOMP_GET_FILTER, 'PTRACE_SECCOMP_GET_FILTER'],
  [PTRACE_SECCOMP_GET_METADATA, 'PTRACE_SECCOMP_GET_METADATA'],
  [PTRACE_GET_RSEQ_CONFIGURATION, 'PTRACE_GET_RSEQ_CONFIGURATION'],
  [PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG, 'PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG'],
  [PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG, 'PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG'],
]);

/** The options given (PTRACE_O_MASK's others are stops this tracer does not make: reported by name). */
const OPTIONS = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;
const UNSUPPORTED_OPTIONS: ReadonlyMap<number, string> = new Map([
  [PTRACE_O_TRACESECCOMP, 'PTRACE_O_TRACESECCOMP'],
  [PTRACE_O_SUSPEND_SECCOMP, 'PTRACE_O_SUSPEND_SECCOMP'],
]);

// Register sets (elf.h's note types) and their sizes on x86-64.
const NT_PRSTATUS = 1;
const NT_PRFPREG = 2;
const NT_X86_XSTATE = 0x202;
/** struct user_regs_struct: 27 words. */
const USER_REGS_SIZE = 27 * 8;
/** struct user_fpregs_struct: FXSAVE's legacy area, the first 512 bytes of the XSAVE area. */
const USER_FPREGS_SIZE = 512;
/** struct user: its size and where its debug registers are (PTRACE_PEEKUSER). */
const USER_SIZE = 912;
const USER_DEBUGREG = 848;
// user_regs_struct's words.
const REG_RAX = 10;
const REG_ORIG_RAX = 15;
const REG_FS_BASE = 21;
const REG_GS_BASE = 22;
/** cs, ss, ds, es, fs, gs: segment selectors a tracer may not change here. */
const SEGMENT_REGS = [17, 20, 23, 24, 25, 26];
const NSIG = 64;
const SIGKILL = 9;
const SIGTRAP = 5;

export function sysPtrace(ctx: SyscallContext): Outcome {
  const request = ctx.args[0]!;
  const tid = ctx.int(1);
  const addr = ctx.args[2]!;
  const data = ctx.args[3]!;
  if (request === PTRACE_ATTACH) return attach(ctx, tid);
  if (request === PTRACE_TRACEME) return traceMe(ctx);
  if (request === PTRACE_SEIZE) return seize(ctx, tid, addr, data);
  const tracee = ctx.kernel.state.threads.get(tid);
  // Linux's ptrace_check_attach comes first: the caller must be the thread's tracer, and it
  // must be stopped (PTRACE_KILL and PTRACE_INTERRUPT excepted).
  if (!tracee || tracee.tracer !== ctx.thread.tid) return -Errno.ESRCH;
  const stop = ctx.kernel.traceStopOf(tid);
  // A thread listening in its group-stop (PTRACE_LISTEN) is not stopped for requests.
  const stopped = stop !== undefined && stop.at !== 'stopping' && !(stop.at === 'held' && stop.listening) ? stop : undefined;
  if (!stopped && request !== PTRACE_KILL && request !== PTRACE_INTERRUPT) return -Errno.ESRCH;
  if (UNSUPPORTED.has(request)) return unsupported(ctx, request);
  if (request === PTRACE_KILL) {
    if (stopped) kill(ctx, tracee, stopped);
    return 0;
  }
  if (request === PTRACE_INTERRUPT) {
    if (!ctx.kernel.tracingOf(tid)?.seized) return -Errno.EIO;
    ctx.kernel.interruptTracee(tid);
    return 0;
  }
  if (request === PTRACE_LISTEN) return ctx.kernel.tracingOf(tid)?.seized ? ctx.kernel.listenTracee(tid) : -Errno.EIO;
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
    case PTRACE_PEEKUSER:
      return peekUser(ctx, tracee, stopped!, addr, data);
    case PTRACE_POKEUSER:
      return pokeUser(ctx, tracee, stopped!, addr, data);
    case PTRACE_GETREGS:
      return copyRegisters(ctx, tracee, stopped!, NT_PRSTATUS, data, USER_REGS_SIZE);
    case PTRACE_GETFPREGS:
      return copyRegisters(ctx, tracee, stopped!, NT_PRFPREG, data, USER_FPREGS_SIZE);
    case PTRACE_GETREGSET:
      return copyRegisterSet(ctx, tracee, stopped!, addr, data);
    case PTRACE_SETREGS: {
      const regs = ctx.read(data, USER_REGS_SIZE);
      if (!regs) return -Errno.EFAULT;
      return setRegisters(ctx, tracee, stopped!, regs);
    }
    case PTRACE_SETREGSET:
      return setRegisterSet(ctx, tracee, stopped!, addr, data);
    case PTRACE_GETSIGINFO: {
      // A group-stop of a thread not seized has no siginfo (how a tracer tells it from a signal's stop).
      if (stopped!.at === 'held' && stopped!.why === 'group' && !ctx.kernel.tracingOf(tid)?.seized) return -Errno.EINVAL;
      const info = siginfoOf(tracee, stopped!);
      return ctx.write(data, info) ? 0 : -Errno.EFAULT;
    }
    case PTRACE_SETSIGINFO: {
      const info = ctx.read(data, 128);
      if (!info) return -Errno.EFAULT;
      if (stopped!.at !== 'held') return -Errno.EINVAL;
      stopped!.siginfo = new Uint8Array(info);
      return 0;
    }
    case PTRACE_GETEVENTMSG: {
      const msg = Buffer.alloc(8);
      msg.writeBigUInt64LE(BigInt(stopped!.at === 'held' ? stopped!.eventMsg >>> 0 : 0));
      return ctx.write(data, msg) ? 0 : -Errno.EFAULT;
    }
    case PTRACE_GET_SYSCALL_INFO:
      return getSyscallInfo(ctx, tracee, stopped!, addr, data);
    case PTRACE_SETOPTIONS:
      return setOptions(ctx, tracee, data);
    case PTRACE_CONT:
    case PTRACE_SYSCALL:
    case PTRACE_SINGLESTEP:
    case PTRACE_DETACH: {
      if (data < 0 || data > NSIG) return -Errno.EIO;
      const tracing = ctx.kernel.tracingOf(tracee.tid);
      if (tracing) tracing.syscalls = request === PTRACE_SYSCALL;
      ctx.kernel.letTraceeGo(tracee.tid, data, request === PTRACE_DETACH, request === PTRACE_SINGLESTEP);
      return 0;
    }
  }
  return -Errno.EIO;
}

function unsupported(ctx: SyscallContext, request: number): Outcome {
  const name = UNSUPPORTED.get(request)!;
  return ctx.kernel.unsupported(ctx.nr, name);
}

function attach(ctx: SyscallContext, tid: number): Outcome {
  const refused = mayNotAttach(ctx, tid);
  if (refused !== 0) return refused;
  ctx.kernel.startTracing(tid, ctx.thread.tid, { options: 0, syscalls: false, seized: false });
  ctx.kernel.stopForTracer(tid);
  return 0;
}

/** PTRACE_SEIZE: attached with options, not stopped (but a thread of a stopped process is in its group-stop for the tracer too). */
function seize(ctx: SyscallContext, tid: number, addr: number, options: number): Outcome {
  if (addr !== 0) return -Errno.EIO;
  for (const [bit, name] of UNSUPPORTED_OPTIONS) if (options & bit) return ctx.kernel.unsupported(ctx.nr, `PTRACE_SEIZE, ${name}`);
  if (options & ~OPTIONS) return -Errno.EIO;
  const refused = mayNotAttach(ctx, tid);
  if (refused !== 0) return refused;
  ctx.kernel.startTracing(tid, ctx.thread.tid, { options, syscalls: false, seized: true });
  ctx.kernel.seized(tid);
  return 0;
}

/** ptrace_attach's checks: 0, or the error. */
function mayNotAttach(ctx: SyscallContext, tid: number): number {
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
  return 0;
}

/** PTRACE_TRACEME: the caller's parent traces it (its leader thread, as the parent's wait is per process); no stop until a signal or exec. */
function traceMe(ctx: SyscallContext): Outcome {
  const parent = ctx.kernel.state.processes.get(ctx.process.ppid);
  if (ctx.thread.tracer !== undefined || !parent || parent.status !== 'running') return -Errno.EPERM;
  const tracer = parent.threads.includes(parent.pid) ? parent.pid : parent.threads[0];
  if (tracer === undefined) return -Errno.EPERM;
  ctx.kernel.startTracing(ctx.thread.tid, tracer, { options: 0, syscalls: false, seized: false });
  return 0;
}

function setOptions(ctx: SyscallContext, tracee: ThreadState, options: number): Outcome {
  for (const [bit, name] of UNSUPPORTED_OPTIONS) if (options & bit) return ctx.kernel.unsupported(ctx.nr, `PTRACE_SETOPTIONS, ${name}`);
  if (options & ~OPTIONS) return -Errno.EINVAL;
  const tracing = ctx.kernel.tracingOf(tracee.tid);
  if (tracing) tracing.options = options;
  return 0;
}

/**
 * PTRACE_KILL: a parked tracee is woken by the SIGKILL; one held at a stop dies there (let go,
 * a held syscall would be made first).
 */
function kill(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop): void {
  if (stop.at === 'parked') ctx.kernel.letTraceeGo(tracee.tid, SIGKILL);
  else ctx.kernel.platform.signalThread(tracee.hostTid, SIGKILL);
}

/** The siginfo of the tracee's stop: its signal's, the attach's SIGSTOP, or the SIGTRAP (or PTRACE_EVENT_STOP's signal) Linux reports a syscall or event stop with. */
function siginfoOf(tracee: ThreadState, stop: TraceStop): Uint8Array {
  if (stop.at === 'held' && stop.siginfo) return stop.siginfo;
  const info = Buffer.alloc(128);
  if (stop.at !== 'held' && stop.status === ATTACH_STOP_STATUS) {
    info.writeInt32LE(SIGSTOP, 0);
    info.writeInt32LE(SI_KERNEL, 8); // the attach's SIGSTOP comes from the kernel (SEND_SIG_PRIV)
    return info;
  }
  info.writeInt32LE((stop.status >> 8) & 0x7f, 0);
  info.writeInt32LE((stop.status >> 8) & 0xffff, 8); // SIGTRAP | 0x80, or SIG | event << 8
  info.writeInt32LE(tracee.tid, 16);
  return info;
}

/** The registers of a stopped tracee: what its tracer set, or the host's, with a syscall stop's rax and orig_rax as Linux has them. */
function userRegs(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop): Uint8Array | number {
  if (stop.at === 'held' && stop.regs) return stop.regs;
  const captured = ctx.kernel.platform.captureThread(tracee.hostTid);
  if (!captured) return -Errno.ESRCH;
  const regs = Buffer.from(captured.regs.subarray(0, USER_REGS_SIZE));
  const call = stop.at === 'held' ? stop.syscall : undefined;
  if (call) {
    regs.writeBigInt64LE(BigInt(call.op === 'entry' ? -Errno.ENOSYS : call.rval), REG_RAX * 8);
    regs.writeBigInt64LE(BigInt(call.nr), REG_ORIG_RAX * 8);
  }
  return regs;
}

/** The bytes of a register set of a stopped tracee, or -errno. */
function registerSet(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, type: number): Uint8Array | number {
  if (type === NT_PRSTATUS) return userRegs(ctx, tracee, stop);
  const captured = ctx.kernel.platform.captureThread(tracee.hostTid);
  if (!captured) return -Errno.ESRCH;
  switch (type) {
    case NT_PRFPREG:
      return captured.xstate.subarray(0, USER_FPREGS_SIZE);
    case NT_X86_XSTATE:
      return captured.xstate;
    default:
      return -Errno.EINVAL;
  }
}

function copyRegisters(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, type: number, to: number, size: number): Outcome {
  const set = registerSet(ctx, tracee, stop, type);
  if (typeof set === 'number') return set;
  return ctx.write(to, set.subarray(0, size)) ? 0 : -Errno.EFAULT;
}

/** PTRACE_GETREGSET: as much of the set as the iovec holds; its length becomes what was copied. */
function copyRegisterSet(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, type: number, iovecAddr: number): Outcome {
  const iovec = readIovec(ctx, iovecAddr);
  if (!iovec) return -Errno.EFAULT;
  const set = registerSet(ctx, tracee, stop, type);
  if (typeof set === 'number') return set;
  const n = iovec.length < BigInt(set.length) ? Number(iovec.length) : set.length;
  if (!ctx.write(iovec.base, set.subarray(0, n))) return -Errno.EFAULT;
  const written = Buffer.alloc(8);
  written.writeBigUInt64LE(BigInt(n));
  return ctx.write(iovecAddr + 8, written) ? 0 : -Errno.EFAULT;
}

function readIovec(ctx: SyscallContext, addr: number): { base: number; length: bigint } | null {
  const iovec = ctx.read(addr, 16);
  if (!iovec) return null;
  const view = new DataView(iovec.buffer, iovec.byteOffset, 16);
  return { base: Number(view.getBigUint64(0, true)), length: view.getBigUint64(8, true) };
}

/** PTRACE_SETREGSET: NT_PRSTATUS only, whole. */
function setRegisterSet(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, type: number, iovecAddr: number): Outcome {
  if (type !== NT_PRSTATUS) return ctx.kernel.unsupported(ctx.nr, 'PTRACE_SETREGSET, not NT_PRSTATUS');
  const iovec = readIovec(ctx, iovecAddr);
  if (!iovec) return -Errno.EFAULT;
  if (iovec.length !== BigInt(USER_REGS_SIZE)) return -Errno.EINVAL;
  const regs = ctx.read(iovec.base, USER_REGS_SIZE);
  if (!regs) return -Errno.EFAULT;
  return setRegisters(ctx, tracee, stop, regs);
}

/**
 * PTRACE_SETREGS at a syscall, signal or event stop: the syscall's number, arguments and result
 * as the tracer set them are what the kernel goes on with. A stop of an attach (at a call not yet
 * handled, or parked in one) has no place to put them: EIO. Segment selectors are the host's
 * (changing one is EIO, where Linux checks it), and fs/gs bases must be user addresses, as Linux's.
 */
function setRegisters(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, regs: Uint8Array): Outcome {
  if (stop.at !== 'held') return -Errno.EIO;
  const current = userRegs(ctx, tracee, stop);
  if (typeof current === 'number') return current;
  const word = (b: Uint8Array, i: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(i * 8, true);
  if (SEGMENT_REGS.some((i) => word(regs, i) !== word(current, i))) return -Errno.EIO;
  if (word(regs, REG_FS_BASE) >= 1n << 47n || word(regs, REG_GS_BASE) >= 1n << 47n) return -Errno.EIO;
  stop.regs = new Uint8Array(regs);
  return 0;
}

/** PTRACE_PEEKUSER: a word of struct user (the registers, the debug registers: the host thread's own). */
function peekUser(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, offset: number, to: number): Outcome {
  if (offset % 8 !== 0 || offset < 0 || offset >= USER_SIZE) return -Errno.EIO;
  const word = Buffer.alloc(8);
  if (offset < USER_REGS_SIZE) {
    const regs = userRegs(ctx, tracee, stop);
    if (typeof regs === 'number') return regs;
    word.set(regs.subarray(offset, offset + 8));
  } else if (offset < USER_DEBUGREG) return -Errno.EIO;
  else {
    const value = ctx.kernel.platform.peekDebugReg(tracee.hostTid, (offset - USER_DEBUGREG) / 8);
    if (value < 0) return value;
    word.writeBigUInt64LE(BigInt(value));
  }
  return ctx.write(to, word) ? 0 : -Errno.EFAULT;
}

/**
 * PTRACE_POKEUSER: a register (as SETREGS would change it), or a debug register, set on the
 * host thread itself (gdb clears DR7 of each new thread; hardware watchpoints and breakpoints
 * then trap there as natively).
 */
function pokeUser(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, offset: number, data: number): Outcome {
  if (offset % 8 !== 0 || offset < 0 || offset >= USER_SIZE) return -Errno.EIO;
  if (offset < USER_REGS_SIZE) {
    const regs = userRegs(ctx, tracee, stop);
    if (typeof regs === 'number') return regs;
    const changed = new Uint8Array(regs);
    new DataView(changed.buffer).setBigUint64(offset, BigInt.asUintN(64, BigInt(data)), true);
    return setRegisters(ctx, tracee, stop, changed);
  }
  if (offset < USER_DEBUGREG) return -Errno.EIO;
  return ctx.kernel.platform.pokeDebugReg(tracee.hostTid, (offset - USER_DEBUGREG) / 8, data);
}

/**
 * PTRACE_GET_SYSCALL_INFO: op ENTRY or EXIT at a syscall stop reported as SIGTRAP | 0x80 (Linux
 * gives NONE without PTRACE_O_TRACESYSGOOD), NONE elsewhere; as much as size allows; the
 * size of the whole.
 */
function getSyscallInfo(ctx: SyscallContext, tracee: ThreadState, stop: TraceStop, size: number, to: number): Outcome {
  const call = stop.at === 'held' && ((stop.status >> 8) & 0xff) === (SIGTRAP | 0x80) ? stop.syscall : undefined;
  let rip = 0;
  let sp = 0;
  if (!call) {
    const regs = userRegs(ctx, tracee, stop);
    if (typeof regs === 'number') return regs;
    const view = new DataView(regs.buffer, regs.byteOffset, regs.byteLength);
    rip = Number(view.getBigUint64(16 * 8, true));
    sp = Number(view.getBigUint64(19 * 8, true));
  }
  const info = syscallInfo(call, rip, sp);
  const n = Math.min(size, info.length);
  if (n > 0 && !ctx.write(to, info.subarray(0, n))) return -Errno.EFAULT;
  return info.length;
}
